"""Demo data for coverage and standards: Hubei's 30/50/70/100% schedule, its "五有" checklist,
and acceptance checks for the demo county's stations."""

from __future__ import annotations

import datetime
from decimal import Decimal

from stations import services
from stations.models import Region, Station, StationKind, TargetMetric, TargetUnit

PROVINCE = "420000000000"
COUNTY = "420525000000"  # 远安县
HUBEI_SCHEDULE = ((30, 2021), (50, 2022), (70, 2023), (100, 2024))


def seed(*, stdout, context):
    admin = context["admin"]
    province = Region.objects.filter(code=PROVINCE).first()
    if province is None:
        return
    for pct, year in HUBEI_SCHEDULE:
        services.target_set(actor=admin, region=province, metric=TargetMetric.TOWNSHIP_COVERAGE_PCT,
                            due_on=datetime.date(year, 12, 31), value=Decimal(pct), unit=TargetUnit.PERCENT,
                            source="湖北省民政厅2021年乡镇（街道）社工站建设通知")
    checklists = services.standard_checklists_seed(actor=admin)
    stdout.write(f"覆盖率目标：{len(HUBEI_SCHEDULE)} 个；建设标准：{len(checklists)} 套")
    checklist = next((c for c in checklists if c.province_id == province.pk), None)
    if checklist is None:
        return
    stations = Station.objects.filter(region__code__startswith=COUNTY[:6], kind=StationKind.TOWNSHIP_STATION)
    for index, station in enumerate(stations.order_by("region__code")):
        checked_on = (station.opened_on or datetime.date(2022, 1, 1)) + datetime.timedelta(days=110)
        # Hand ticks count only where the data (site area, staff from workforce) cannot decide.
        ticks = {item.pk: index % 3 != 2 or item.position != 5 for item in checklist.items.all()}
        services.station_check_standard(actor=admin, station=station, checklist=checklist, checked_on=checked_on,
                                        ticks=ticks, notes="县民政局组织验收")
