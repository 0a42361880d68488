"""The check's data, written through the product's own commands and services, then the facts the
checks need printed as JSON on the last line:

    python -m scripts.cluster_check.seed [--full-demo]     (with the servers' environment)

The demo (``seed_demo``) gives the logins, a station head with monthly reports and evaluations
with evidence. By default only 宜昌市's townships get stations (the demo's records all lie there;
all of Hubei's 1,400 take about 100 s on PostgreSQL, which ``--full-demo`` spends). Two made-up
counties under 宜昌市 hold the villages the large station imports fill with village rooms (村（社区）
社工室): 核验县 for the 40,000-row import and the preview-here-confirm-there one, 断电县 for the
import whose worker is killed; each county has a user of its own.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import sys
import tempfile

IMPORT_COUNTY = "420599"  # 核验县: 41 townships of 999 villages
KILL_COUNTY = "420598"  # 断电县: 8 townships of 999 villages
CITY = "420500000000"
PASSWORD = "Cluster-check-2026"


def division_file(path: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["code", "name", "level", "parent_code"])
        for county, name, townships in ((IMPORT_COUNTY, "核验县", 41), (KILL_COUNTY, "断电县", 8)):
            out.writerow([f"{county}000000", name, "county", CITY])
            for t in range(1, townships + 1):
                township = f"{county}{t:03d}000"
                out.writerow([township, f"{name[:2]}{t}镇", "township", f"{county}000000"])
                out.writerows([f"{county}{t:03d}{v:03d}", f"{name[:2]}{t}镇{v}村", "village", township]
                              for v in range(1, 1000))


def lean_demo(*, stdout, context):
    """The demo's first step, with stations in 宜昌市's townships only."""
    from stations import demo, demo_coverage
    from stations.models import Region, RegionLevel, User
    from stations.reports.demo import seed_reports

    admin = User.objects.create_superuser("admin", password=demo.DEMO_PASSWORD, last_name="系统管理员")
    context["admin"] = admin
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP, kind__in=demo.COUNTED_KINDS,
                                      code__startswith=CITY[:4]).order_by("code")
    for township in townships:
        demo._seed_station(township, admin)
    demo._seed_users(context)
    demo_coverage.seed(stdout=stdout, context=context)
    seed_reports(stdout=stdout, context=context)


def seed_demo(full: bool) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from config.management.commands import seed_demo as command

    if full:
        call_command("seed_demo", stdout=io.StringIO())
        return
    call_command("load_divisions", stdout=io.StringIO())
    call_command("load_policies", stdout=io.StringIO())
    context: dict = {}
    with transaction.atomic():
        for step in (lean_demo, *command.DEMO_STEPS[1:]):
            step(stdout=io.StringIO(), context=context)


def county_users() -> None:
    from stations.models import Region, Role, User
    from stations.roles import ensure_role_groups

    groups = ensure_role_groups()
    for username, county in (("check_county", IMPORT_COUNTY), ("kill_county", KILL_COUNTY)):
        user = User(username=username, last_name="核验", role=Role.COUNTY,
                    region=Region.objects.get(code=f"{county}000000"))
        user.set_password(PASSWORD)
        user.full_clean()
        user.save()
        user.groups.add(groups[Role.COUNTY])


def free_months(station, count: int) -> list[str]:
    """The ``count`` latest past months the station has no report for."""
    from stations.models import MonthlyReport

    taken = set(MonthlyReport.objects.filter(station=station).values_list("period", flat=True))
    from django.utils import timezone

    month = timezone.localdate().replace(day=1)
    months = []
    while len(months) < count:
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        if month not in taken:
            months.append(f"{month:%Y-%m}")
    return months


def facts() -> dict:
    from django.urls import reverse

    from assessments import permissions
    from assessments.models import Evaluation, Evidence
    from stations import demo
    from stations.models import User

    county = User.objects.get(username="yuanan_xian")
    evaluation = next(e for e in Evaluation.objects.order_by("pk") if permissions.can_add_evidence(county, e))
    head = User.objects.get(username="mingfeng_zhan")
    return {
        "demo_password": demo.DEMO_PASSWORD, "password": PASSWORD,
        "evidence": {"user": county.username, "other_user": "xingshan_xian",
                     "upload": reverse("assessments:evidence-create", kwargs={"pk": evaluation.pk}),
                     "evidence_before": list(Evidence.objects.values_list("pk", flat=True))},
        "reports": {"user": head.username, "months": free_months(head.station, 3),
                    "create": reverse("stations:report-create")},
        "station_import": reverse("stations:station-import"),
        "counties": {"import": IMPORT_COUNTY, "kill": KILL_COUNTY},
    }


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    seed_demo("--full-demo" in sys.argv)
    with tempfile.NamedTemporaryFile("w", suffix=".csv") as handle:
        division_file(handle.name)
        call_command("load_divisions", handle.name, stdout=io.StringIO())
    county_users()
    print(json.dumps(facts(), ensure_ascii=False))


if __name__ == "__main__":
    main()
