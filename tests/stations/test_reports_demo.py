"""The demo reports are valid records in the states county staff meet every month."""

import io

import time_machine

from stations.models import MonthlyReport, MonthlyReportLine, ReportStatus, Role
from stations.reports.demo import seed_reports
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401


def test_demo_reports_are_valid_and_mixed(hierarchy):
    h = hierarchy
    townships = [h.c1] + [builders.region(f"42052510{n}", f"测试{n}镇", "township", h.county_c) for n in (2, 3, 4)]
    stations = [builders.station(t) for t in townships]
    context = {"yuanan_xian": builders.user("yuanan_xian", Role.COUNTY, h.county_c),
               "mingfeng_zhan": rb.head(stations[0], "mingfeng_zhan"), "admin": builders.superuser()}
    out = io.StringIO()
    with time_machine.travel(rb.at(2026, 11, 20), tick=False):
        seed_reports(stdout=out, context=context)
    reports = list(MonthlyReport.objects.all())
    assert reports and "月度报告" in out.getvalue()
    for report in reports:
        report.full_clean()
    for line in MonthlyReportLine.objects.all():
        line.full_clean()
    october = {r.station_id: r for r in reports if r.period.month == 10}
    assert october[stations[0].pk].status == ReportStatus.RETURNED
    assert {r.status for r in october.values()} >= {ReportStatus.RETURNED, ReportStatus.SUBMITTED}
    assert len(october) < len(stations)  # someone has not filed
    assert all(r.reviewed_by == context["yuanan_xian"] for r in reports if r.status == ReportStatus.APPROVED)
    assert all(r.history.exists() for r in reports)
