"""Filing deadlines: the 5th of the next month unless the station's township or an ancestor sets
another day."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from core import figures
from stations.models import (
    DEFAULT_DEADLINE_DAY,
    MonthlyReport,
    Region,
    ReportDeadline,
    Station,
    deadline_for,
)
from stations.models.regions import ancestor_codes


def _nearest_first(code: str) -> list[str]:
    return ancestor_codes(code)[::-1]


def deadline_days(region: Region) -> dict[str, int]:
    """Deadline overrides that can apply to stations in ``region``: those set on the region's
    ancestors and on anything inside it, as {12-digit code: day}. One query, or none while no
    deadline has been written since it was cached (``core.figures``). Deliberately not
    scoped: a deadline set by the province is a rule for the county, not the county's record."""
    return figures.shared("deadline-days", (figures.REPORTS,), lambda: _deadline_days(region.code, region.prefix),
                          region.code)


def _deadline_days(code: str, prefix: str) -> dict[str, int]:
    rows = ReportDeadline.objects.filter(Q(region__code__startswith=prefix) | Q(region__code__in=_nearest_first(code)))
    return dict(rows.values_list("region__code", "day"))


def deadline_of(township_code: str, period: datetime.date, days: dict[str, int]) -> datetime.date:
    """The nearest ancestor's deadline (township, county, city, province), else the 5th."""
    for code in _nearest_first(township_code):
        if code in days:
            return deadline_for(period, days[code])
    return deadline_for(period, DEFAULT_DEADLINE_DAY)


def deadline_rules() -> dict[str, int]:
    """Every deadline override, as {12-digit code: day}, for :func:`deadline_of` over many
    stations at once. One query, or none while no deadline has been written since it was cached."""
    return figures.shared("deadline-rules", (figures.REPORTS,),
                          lambda: dict(ReportDeadline.objects.values_list("region__code", "day")))


def days_late(first_submitted_at: datetime.datetime | None, deadline: datetime.date) -> int:
    """Days from the deadline to the first submission (on the local calendar); 0 if on time or
    not submitted."""
    submitted = timezone.localdate(first_submitted_at) if first_submitted_at else None
    return (submitted - deadline).days if submitted and submitted > deadline else 0


def with_deadlines(reports) -> list[MonthlyReport]:
    """Set ``deadline`` and ``late_days`` (first submission after the deadline, in days) on
    reports already loaded with their station's region. One query for all deadline rules."""
    reports = list(reports)
    days = deadline_rules() if reports else {}
    for report in reports:
        report.deadline = deadline_of(report.station.region.code, report.period, days)
        report.late_days = days_late(report.first_submitted_at, report.deadline)
    return reports


def report_deadline(station: Station, period: datetime.date) -> datetime.date:
    return deadline_of(station.region.code, period, deadline_days(station.region))
