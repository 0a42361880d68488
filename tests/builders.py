"""Test data built through the product's own services and validation."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from stations import services
from stations.models import Region, RegionLevel, Role, Station, StationKind, User, kind_from_name

PASSWORD = "correct-horse-battery-42"


def region(code: str, name: str, level: str, parent: Region | None = None, **extra) -> Region:
    obj = Region(code=code.ljust(12, "0"), name=name, level=level, parent=parent,
                 kind=kind_from_name(level, name), **extra)
    obj.full_clean()
    obj.save()
    return obj


def build_hierarchy() -> SimpleNamespace:
    h = SimpleNamespace()
    h.province = region("42", "湖北省", RegionLevel.PROVINCE)
    h.other_province = region("62", "甘肃省", RegionLevel.PROVINCE)
    h.city = region("4201", "武汉市", RegionLevel.CITY, h.province)
    h.other_city = region("4205", "宜昌市", RegionLevel.CITY, h.province)
    h.county_a = region("420102", "江岸区", RegionLevel.COUNTY, h.city)
    h.county_b = region("420103", "江汉区", RegionLevel.COUNTY, h.city)
    h.county_c = region("420525", "远安县", RegionLevel.COUNTY, h.other_city)
    h.gansu_city = region("6201", "兰州市", RegionLevel.CITY, h.other_province)
    h.gansu_county = region("620102", "城关区", RegionLevel.COUNTY, h.gansu_city)
    h.a1 = region("420102002", "大智街道", RegionLevel.TOWNSHIP, h.county_a)
    h.a2 = region("420102003", "一元街道", RegionLevel.TOWNSHIP, h.county_a)
    h.a3 = region("420102101", "谌家矶镇", RegionLevel.TOWNSHIP, h.county_a)
    h.b1 = region("420103001", "民族街街道", RegionLevel.TOWNSHIP, h.county_b)
    h.b2 = region("420103002", "花楼街街道", RegionLevel.TOWNSHIP, h.county_b)
    h.b3 = region("420103201", "某某乡", RegionLevel.TOWNSHIP, h.county_b)
    h.c1 = region("420525101", "鸣凤镇", RegionLevel.TOWNSHIP, h.county_c)
    h.g1 = region("620102001", "酒泉路街道", RegionLevel.TOWNSHIP, h.gansu_county)
    return h


def user(username: str, role: str = "", region: Region | None = None, station: Station | None = None,
         **extra) -> User:
    obj = User(username=username, role=role, region=region, station=station, **extra)
    obj.set_password(PASSWORD)
    obj.full_clean()
    obj.save()
    return obj


def county_user(h, name="county_a", county=None):
    return user(name, Role.COUNTY, county or h.county_a)


def station(township: Region, *, actor=None, status="operating", on=datetime.date(2022, 1, 1),
            kind=StationKind.TOWNSHIP_STATION, name=None, **extra) -> Station:
    actor = actor or superuser()
    return services.station_create(
        actor=actor, region=township, name=name or f"{township.name}社工站", kind=kind,
        initial_status=status, status_effective_on=on, **extra,
    )


def superuser() -> User:
    existing = User.objects.filter(username="root").first()
    return existing or User.objects.create_superuser("root", password=PASSWORD)
