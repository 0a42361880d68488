"""Demo data on Hubei's real divisions: stations in part of the townships, with
status histories from 2021 on, and one login per role."""

from __future__ import annotations

import datetime
import hashlib

from stations import demo_coverage, services
from stations.models import CoLocation, Region, RegionKind, RegionLevel, Role, Station, StationStatus, User
from stations.reports.demo import seed_reports
from stations.roles import ensure_role_groups

DEMO_PASSWORD = "demo-2026"
PROVINCE = "420000000000"
CITY = "420500000000"  # 宜昌市
COUNTY = "420525000000"  # 远安县
OTHER_COUNTY = "420526000000"  # 兴山县
HEAD_TOWNSHIP = "420525101000"  # 鸣凤镇

COUNTED_KINDS = (RegionKind.XIANG, RegionKind.ZHEN, RegionKind.JIEDAO)


def _draw(code: str) -> float:
    """A stable pseudo-random number in [0, 1) for a division code."""
    return int(hashlib.sha256(code.encode()).hexdigest()[:8], 16) / 0x100000000


def already_seeded() -> bool:
    return User.objects.filter(username="hubei_sheng").exists()


def demo_logins() -> list[tuple[str, str]]:
    return [
        ("admin", "系统管理员（超级用户）"),
        ("hubei_sheng", "省级民政部门 · 湖北省（管理后台）"),
        ("yichang_shi", "市级民政部门 · 宜昌市"),
        ("yuanan_xian", "县级民政部门 · 远安县"),
        ("xingshan_xian", "县级民政部门 · 兴山县"),
        ("mingfeng_zhan", "站长 · 远安县鸣凤镇社工站"),
        ("pinggu_jigou", "第三方评估机构"),
    ]


def seed(*, stdout, context):
    admin = User.objects.create_superuser("admin", password=DEMO_PASSWORD, last_name="系统管理员")
    context["admin"] = admin
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP, kind__in=COUNTED_KINDS).order_by("code")
    created = 0
    for township in townships:
        if _seed_station(township, admin):
            created += 1
    stdout.write(f"社工站：{created} 个")
    _seed_users(context)
    demo_coverage.seed(stdout=stdout, context=context)
    seed_reports(stdout=stdout, context=context)


def _seed_station(township: Region, actor) -> Station | None:
    draw = _draw(township.code)
    if draw > 0.96 and township.code != HEAD_TOWNSHIP:
        return None  # not yet planned
    opened_year = 2021 + min(int(draw * 4.4), 3) if township.code != HEAD_TOWNSHIP else 2021
    opened = datetime.date(opened_year, 1 + int(draw * 1000) % 12, 1 + int(draw * 10000) % 28)
    station = Station(
        region=township, name=f"{township.name}社会工作服务站", address=f"{township.name}党群服务中心",
        site_area_m2=40 + int(draw * 160), co_location=CoLocation.PARTY_SERVICE_CENTRE,
        opened_on=opened, contact_name="", contact_phone="",
    )
    station._history_user = actor
    station.save()
    services.station_change_status(actor=actor, station=station, status=StationStatus.PLANNED,
                                   effective_on=opened - datetime.timedelta(days=90), reason="纳入建设计划")
    services.station_change_status(actor=actor, station=station, status=StationStatus.PILOT, effective_on=opened,
                                   reason="挂牌试运行")
    operating = opened + datetime.timedelta(days=120)
    services.station_change_status(actor=actor, station=station, status=StationStatus.OPERATING,
                                   effective_on=operating, reason="验收后正式运营")
    if 0.90 < draw <= 0.93:  # a status history only moves forward: not before the station operated
        services.station_change_status(actor=actor, station=station, status=StationStatus.SUSPENDED,
                                       effective_on=max(datetime.date(2025, 3, 1), operating + datetime.timedelta(days=30)),
                                       reason="社工流失，暂停服务")
    return station


def _seed_users(context):
    groups = ensure_role_groups()
    regions = {r.code: r for r in Region.objects.filter(code__in=[PROVINCE, CITY, COUNTY, OTHER_COUNTY])}
    specs = [
        ("hubei_sheng", "王", "省厅", Role.PROVINCE, regions[PROVINCE], None, True),
        ("yichang_shi", "李", "市局", Role.CITY, regions[CITY], None, False),
        ("yuanan_xian", "张", "县局", Role.COUNTY, regions[COUNTY], None, False),
        ("xingshan_xian", "赵", "县局", Role.COUNTY, regions[OTHER_COUNTY], None, False),
    ]
    head_station = Station.objects.get(region__code=HEAD_TOWNSHIP)
    specs.append(("mingfeng_zhan", "刘", "站长", Role.STATION_HEAD, head_station.region, head_station, False))
    for username, last, first, role, region, station, is_staff in specs:
        user = User(username=username, last_name=last, first_name=first, role=role, region=region,
                    station=station, is_staff=is_staff)
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
        user.groups.add(groups[role])
        context[username] = user
