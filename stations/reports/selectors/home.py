"""What a station head's home page says about the station's monthly reports: the month whose
report is due now, its state and the next thing to do, and the reason the latest report sent
back was returned. Scoped like every read: only the head's own station."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from core.dates import previous_month
from stations.models import MonthlyReport, ReportStatus, Station
from stations.reports.selectors.completeness import DueReport, due_periods, due_reports
from stations.reports.selectors.deadlines import deadline_days, deadline_of

# The next step for each state of the month's report (no report yet: "start").
NEXT_STEPS = {None: "start", ReportStatus.DRAFT: "continue", ReportStatus.RETURNED: "resubmit",
              ReportStatus.SUBMITTED: "wait", ReportStatus.APPROVED: "done"}


@dataclass(frozen=True)
class StationMonth:
    station: Station
    period: datetime.date  # the month whose report is due now (the last month that has ended)
    deadline: datetime.date
    report: MonthlyReport | None
    overdue: bool
    step: str  # start / continue / resubmit / wait / done
    last_returned: MonthlyReport | None  # the latest report now sent back, with its reason
    due: list[DueReport]  # the recent months whose report is not yet submitted (``reports_due``)


def station_month(*, user, today: datetime.date) -> StationMonth | None:
    """For a station head; None for anyone else. Four queries: the station, its recent reports, the
    deadline rules and the latest returned report."""
    if not user.station_id:
        return None
    station = Station.objects.visible_to(user).select_related("region").filter(pk=user.station_id).first()
    if station is None:
        return None
    period = previous_month(today)
    periods = due_periods(station, today=today)
    reports = MonthlyReport.objects.visible_to(user).filter(station=station)
    recent = {r.period: r for r in reports.filter(period__in={*periods, period})}
    report = recent.get(period)
    days = deadline_days(station.region)
    deadline = deadline_of(station.region.code, period, days)
    status = report.status if report else None
    return StationMonth(
        station=station, period=period, deadline=deadline, report=report,
        overdue=today > deadline and status in (None, ReportStatus.DRAFT, ReportStatus.RETURNED),
        step=NEXT_STEPS[status],
        last_returned=reports.filter(status=ReportStatus.RETURNED).order_by("-period").first(),
        due=due_reports(station, periods, recent, days))
