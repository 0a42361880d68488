"""Which stations filed which months, and what is due.

A fixed number of queries whatever the number of stations or months (one per kind of row);
Python only arranges the rows (each station's deadline is the nearest ancestor's).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.dates import month_end, month_start, next_month
from stations.models import (
    COVERING_STATUSES,
    PREFIX_LENGTH,
    MonthlyReport,
    Region,
    RegionLevel,
    RegionVersion,
    ReportStatus,
    Station,
    StationKind,
)
from stations.models.regions import townships_on
from stations.reports.selectors.deadlines import deadline_days, deadline_of


@dataclass
class CompletenessRow:
    region_code: str
    name: str
    level: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    returned: int = 0
    approved: int = 0
    awaiting: int = 0

    def add(self, outcome: str, status: str | None) -> None:
        self.expected += 1
        setattr(self, outcome, getattr(self, outcome) + 1)
        if status == ReportStatus.RETURNED:
            self.returned += 1
        elif status == ReportStatus.APPROVED:
            self.approved += 1
        elif status == ReportStatus.SUBMITTED:
            self.awaiting += 1

    @property
    def level_label(self) -> str:
        return RegionLevel(self.level).label if self.level else ""

    @property
    def filed_share(self) -> int | None:
        return round(100 * (self.on_time + self.late) / self.expected) if self.expected else None


@dataclass
class MissingStation:
    station_id: int
    name: str
    township: str
    township_code: str
    parent_name: str  # the county (or city…) the township lies in, as seen from the page's region
    deadline: datetime.date
    status: str  # "" (no report) or draft


@dataclass
class Completeness:
    region: Region
    period: datetime.date
    total: CompletenessRow
    rows: list[CompletenessRow]
    missing: list[MissingStation] = field(default_factory=list)
    deadlines: set[datetime.date] = field(default_factory=set)

    @property
    def deadline_passed(self) -> bool:
        return bool(self.deadlines) and timezone.localdate() > min(self.deadlines)


def expected_stations(*, user, region: Region, period: datetime.date) -> QuerySet[Station]:
    """Stations that owe a report for the month: township-level stations (乡镇（街道）社工站)
    whose status on the month's last day is pilot or operating. Village rooms and county
    centres do not file monthly reports of their own."""
    return (Station.objects.visible_to(user).in_region(region).filter(kind=StationKind.TOWNSHIP_STATION)
            .with_status_at(month_end(period)).filter(status_at__in=COVERING_STATUSES))


def report_completeness(*, user, region: Region, period: datetime.date) -> Completeness:
    """Who filed the month's report, on time or late, who has not, and what the county did
    with them, for ``region`` and each child region. Four queries. Child regions and townships are
    those of the month's last day: a station counts in the township it counted in then.

    On time means first submitted (Asia/Shanghai date) on or before the deadline; a report
    returned and resubmitted keeps its first submission time. A draft never submitted is missing."""
    period = month_start(period)
    on_date = month_end(period)
    stations = _attributed(list(
        expected_stations(user=user, region=region, period=period)
        .annotate(township_name=_name_on(on_date), valid_to=F("region__valid_to"), merged_into=F("region__successor"))
        .values_list("pk", "name", "region__code", "township_name", "valid_to", "merged_into", "region")
        .order_by("region__code")
    ), on_date)
    reports = {
        station_id: (status, first_submitted_at)
        for station_id, status, first_submitted_at in MonthlyReport.objects.visible_to(user).in_region(region)
        .for_period(period).values_list("station_id", "status", "first_submitted_at")
    }
    days = deadline_days(region)
    # The child regions (and the region's own name) as they were at the month's end.
    children = {child.code: child for child in Region.objects.visible_to(user).filter(
        Q(parent=region) | Q(pk=region.pk)).as_on(on_date).order_by("code")}
    own = children.pop(region.code, None)
    child_length = PREFIX_LENGTH.get(region.child_level) if region.child_level else None
    total = CompletenessRow(region.code, own.name_on if own else region.name, region.level)
    rows = {code: CompletenessRow(code, child.name_on, child.level) for code, child in children.items()}
    result = Completeness(region=region, period=period, total=total, rows=list(rows.values()))
    for station_id, name, code, township_name in stations:
        deadline = deadline_of(code, period, days)
        result.deadlines.add(deadline)
        status, first_submitted_at = reports.get(station_id, (None, None))
        if first_submitted_at is None:
            outcome = "missing"
        elif timezone.localdate(first_submitted_at) <= deadline:
            outcome = "on_time"
        else:
            outcome = "late"
        total.add(outcome, status)
        child = rows.get(code[:child_length].ljust(12, "0")) if child_length else None
        if child is not None:
            child.add(outcome, status)
        if outcome == "missing":
            area = child.name if child and child.level != RegionLevel.TOWNSHIP else region.name
            result.missing.append(MissingStation(station_id, name, township_name, code, area, deadline,
                                                 status or ""))
    return result


def _name_on(on_date: datetime.date):
    """A station's township's name on the date (before a dated rename, the old one)."""
    older = RegionVersion.objects.covering(on_date).filter(region=OuterRef("region")).order_by().values("name")[:1]
    return Coalesce(Subquery(older), F("region__name"))


def _attributed(stations: list[tuple], on_date: datetime.date) -> list[tuple[int, str, str, str]]:
    """(station, name, township code, township name) with the township each station counted in on the
    date: a station whose township was merged away before it counts in the successor (one more
    query, only then)."""
    merged = {row[6] for row in stations if row[5] and row[4] is not None and row[4] < on_date}
    if not merged:
        return [row[:4] for row in stations]
    into = townships_on(merged, on_date)
    successors = {pk: (code, name) for pk, code, name in Region.objects.filter(pk__in=set(into.values()))
                  .as_on(on_date).values_list("pk", "code", "name_on")}
    return [(row[0], row[1], *successors.get(into.get(row[6]), row[2:4])) for row in stations]


def completeness_csv_rows(completeness: Completeness) -> list[list]:
    """The rows of ``report_completeness``'s CSV: the region, then each child region."""
    return [[row.region_code, row.name, row.level, row.expected, row.on_time, row.late, row.missing, row.returned,
             row.approved] for row in [completeness.total, *completeness.rows]]


@dataclass
class DueReport:
    period: datetime.date
    deadline: datetime.date
    report: MonthlyReport | None

    @property
    def overdue(self) -> bool:
        return timezone.localdate() > self.deadline

    @property
    def label(self) -> str:
        return f"{self.period.year}年{self.period.month}月"


def due_periods(station: Station, *, today: datetime.date, months: int = 3) -> list[datetime.date]:
    """The months a station head is asked about: the current one and ``months`` before it, oldest first,
    leaving out those that ended before the station opened."""
    periods = [month_start(today)]
    for _i in range(months):
        periods.insert(0, month_start(periods[0] - datetime.timedelta(days=1)))
    if station.opened_on:
        periods = [p for p in periods if month_end(p) >= station.opened_on]
    return periods


def due_reports(station: Station, periods, reports: dict, days) -> list[DueReport]:
    """Of ``periods``, those whose report (``reports`` by period) is not yet submitted: none, a draft or
    a returned one, each with its deadline (``days``: the station's ``deadline_days``)."""
    due = []
    for period in periods:
        report = reports.get(period)
        if report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            due.append(DueReport(period, deadline_of(station.region.code, period, days), report))
    return due


def reports_due(*, user, months: int = 3) -> list[DueReport]:
    """For a station head: the recent months whose report is not yet submitted (no report, a
    draft or a returned one), oldest first, including the current month. Three queries."""
    if not user.station_id:
        return []
    station = Station.objects.visible_to(user).select_related("region").filter(pk=user.station_id).first()
    if station is None:
        return []
    periods = due_periods(station, today=timezone.localdate(), months=months)
    reports = {r.period: r for r in MonthlyReport.objects.visible_to(user).filter(station=station, period__in=periods)}
    return due_reports(station, periods, reports, deadline_days(station.region))


def report_completeness_months(*, user, region: Region, first: datetime.date,
                               last: datetime.date) -> list[tuple[datetime.date, CompletenessRow]]:
    """Filing completeness of the region for each month from ``first`` to ``last`` (first days),
    up to the current month: (month, the region's total row)."""
    months = []
    period = first
    while period <= last and period <= month_start(timezone.localdate()):
        months.append((period, report_completeness(user=user, region=region, period=period).total))
        period = next_month(period)
    return months
