"""Run inside Django (``manage.py shell``): the load test's users on the national dataset, and the
addresses their traffic asks for, printed as JSON on the last line."""

import json

from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from stations.models import MonthlyReport, Region, RegionLevel, Role, Station, User
from stations.roles import ensure_role_groups
from stations.selectors.coverage import NATIONAL_CODE

PASSWORD = "load-2026-pass"
HEADS = 32


def free_month(station) -> str:
    taken = set(MonthlyReport.objects.filter(station=station).values_list("period", flat=True))
    month = timezone.localdate().replace(day=1)
    for _ in range(120):
        month = (month - timezone.timedelta(days=1)).replace(day=1)
        if month not in taken:
            return f"{month:%Y-%m}"
    return ""


def seed() -> dict:
    groups = ensure_role_groups()
    provinces = Region.objects.filter(level=RegionLevel.PROVINCE)
    province = max(provinces, key=lambda p: Region.objects.filter(code__startswith=p.prefix).count())
    county = (Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=province.prefix)
              .annotate(n=Count("children")).order_by("-n", "code").first())
    city = county.parent
    password, now = make_password(PASSWORD), timezone.now()
    common = {"password": password, "password_changed_at": now, "is_active": True}
    specs = {"load_root": {"is_superuser": True, "is_staff": True},
             "load_province": {"role": Role.PROVINCE, "region": province, "is_staff": True},
             "load_city": {"role": Role.CITY, "region": city},
             "load_county": {"role": Role.COUNTY, "region": county}}
    for username, fields in specs.items():
        user, _ = User.objects.update_or_create(username=username, defaults={**common, **fields})
        if user.role in groups:
            user.groups.add(groups[user.role])
    heads = []
    # One station head per virtual user (two threads saving one draft would collide, by design): the
    # stations of the county's city.
    stations = Station.objects.filter(region__code__startswith=city.prefix).order_by("pk")
    for i, station in enumerate(stations[:HEADS]):
        user, _ = User.objects.update_or_create(username=f"load_head{i}", defaults={
            **common, "role": Role.STATION_HEAD, "region": station.region, "station": station})
        user.groups.add(groups[Role.STATION_HEAD])
        heads.append({"username": user.username, "month": free_month(station)})
    return {
        "password": PASSWORD, "heads": heads,
        "county": [reverse("home"), reverse("stations:station-list"), reverse("stations:report-list"),
                   reverse("stations:report-completeness")],
        "head": {"home": reverse("home"), "create": reverse("stations:report-create")},
        "region": {
            "load_province": [reverse("stations:coverage-dashboard", kwargs={"code": province.code}),
                              reverse("stations:report-completeness"),
                              reverse("stations:coverage-trends", kwargs={"code": province.code})],
            "load_city": [reverse("stations:coverage-dashboard", kwargs={"code": city.code}),
                          reverse("stations:report-completeness"),
                          reverse("stations:coverage-trends", kwargs={"code": city.code})]},
        "national": [reverse("stations:coverage-dashboard", kwargs={"code": NATIONAL_CODE})],
        "where": f"{province.name} {city.name} {county.name}",
    }


print(json.dumps(seed(), ensure_ascii=False))
