"""Demo acceptance checks for the demo county's stations, against the standards checklist of
Hubei's policy pack (loaded by ``load_policies`` before the demo: the pack, not the demo, sets
Hubei's coverage targets and its "五有" checklist)."""

from __future__ import annotations

import datetime

from stations import services
from stations.models import Region, StandardChecklist, Station, StationKind

PROVINCE = "420000000000"
COUNTY = "420525000000"  # 远安县


def seed(*, stdout, context):
    admin = context["admin"]
    province = Region.objects.filter(code=PROVINCE).first()
    if province is None:
        return
    if not StandardChecklist.objects.filter(province=province, is_active=True).exists():
        stdout.write("建设标准：湖北省政策文件包未载入，不做验收演示")
        return
    stations = Station.objects.filter(region__code__startswith=COUNTY[:6], kind=StationKind.TOWNSHIP_STATION)
    checked, checklist = 0, None
    for index, station in enumerate(stations.order_by("region__code")):
        checked_on = (station.opened_on or datetime.date(2022, 1, 1)) + datetime.timedelta(days=110)
        checklist = services.station_checklist(station, checked_on)
        if checklist is None:  # checked before the province's standard was issued
            continue
        # The "五有" items carry no number, so every item is ticked by hand; every third
        # station has not yet shown its activities (有活动).
        ticks = {item.pk: index % 3 != 2 or item.position != 5 for item in checklist.items.all()}
        services.station_check_standard(actor=admin, station=station, checklist=checklist, checked_on=checked_on,
                                        ticks=ticks, notes="县民政局组织验收")
        checked += 1
    if checklist is not None:
        stdout.write(f"建设标准验收：{checked} 个站点，依据{checklist.document}“{checklist.name}”")
