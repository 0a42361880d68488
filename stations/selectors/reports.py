"""Reads for monthly reports: lists, deadlines, what is due, completeness and the audit trail
(roll-ups are in ``report_rollups``).

Completeness runs a fixed number of queries whatever the number of stations or months: one per
kind of row; Python only arranges the rows (each station's deadline is the nearest ancestor's).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import month_end, month_start
from stations.models import (
    COVERING_STATUSES,
    DEFAULT_DEADLINE_DAY,
    LEVEL_ORDER,
    LINE_COUNT_FIELDS,
    PREFIX_LENGTH,
    MonthlyReport,
    MonthlyReportLine,
    Region,
    RegionLevel,
    ReportDeadline,
    ReportStatus,
    ServiceDomain,
    Station,
    StationKind,
    TargetGroup,
    deadline_for,
)


class CommandLineUser:
    """The scope of a management command run by an operator on the server: everything."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = ""


COMMAND_LINE = CommandLineUser()


def report_list(*, user, period: datetime.date | None = None, status: str = "") -> QuerySet[MonthlyReport]:
    reports = MonthlyReport.objects.visible_to(user).select_related("station", "station__region",
                                                                    "station__region__parent")
    if period:
        reports = reports.for_period(period)
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-period", "station__region__code")


# Deadlines -----------------------------------------------------------------------------------

def _ancestor_codes(code: str) -> list[str]:
    """The 12-digit codes of a code's province, city, county and township, nearest first."""
    return [code[:PREFIX_LENGTH[level]].ljust(12, "0") for level in reversed(LEVEL_ORDER[:4])]


def deadline_days(region: Region) -> dict[str, int]:
    """Deadline overrides that can apply to stations in ``region``: those set on the region's
    ancestors and on anything inside it, as {12-digit code: day}. One query. Deliberately not
    scoped: a deadline set by the province is a rule for the county, not the county's record."""
    ancestors = _ancestor_codes(region.code)
    rows = ReportDeadline.objects.filter(Q(region__code__startswith=region.prefix) | Q(region__code__in=ancestors))
    return dict(rows.values_list("region__code", "day"))


def deadline_of(township_code: str, period: datetime.date, days: dict[str, int]) -> datetime.date:
    """The nearest ancestor's deadline (township, county, city, province), else the 5th."""
    for code in _ancestor_codes(township_code):
        if code in days:
            return deadline_for(period, days[code])
    return deadline_for(period, DEFAULT_DEADLINE_DAY)


def with_deadlines(reports) -> list[MonthlyReport]:
    """Set ``deadline`` and ``late_days`` (first submission after the deadline, in days) on
    reports already loaded with their station's region. One query for all deadline rules."""
    reports = list(reports)
    days = dict(ReportDeadline.objects.values_list("region__code", "day")) if reports else {}
    for report in reports:
        report.deadline = deadline_of(report.station.region.code, report.period, days)
        submitted = timezone.localdate(report.first_submitted_at) if report.first_submitted_at else None
        report.late_days = (submitted - report.deadline).days if submitted and submitted > report.deadline else 0
    return reports


def report_deadline(station: Station, period: datetime.date) -> datetime.date:
    return deadline_of(station.region.code, period, deadline_days(station.region))


# Completeness --------------------------------------------------------------------------------

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
    with them, for ``region`` and each child region. Four queries.

    On time means first submitted (Asia/Shanghai date) on or before the deadline; a report
    returned and resubmitted keeps its first submission time. A draft never submitted is missing."""
    period = month_start(period)
    stations = list(expected_stations(user=user, region=region, period=period)
                    .values_list("pk", "name", "region__code", "region__name").order_by("region__code"))
    reports = {
        station_id: (status, first_submitted_at)
        for station_id, status, first_submitted_at in MonthlyReport.objects.visible_to(user).in_region(region)
        .for_period(period).values_list("station_id", "status", "first_submitted_at")
    }
    days = deadline_days(region)
    children = {child.code: child for child in Region.objects.visible_to(user).filter(parent=region).order_by("code")}
    child_length = PREFIX_LENGTH.get(region.child_level) if region.child_level else None
    total = CompletenessRow(region.code, region.name, region.level)
    rows = {code: CompletenessRow(code, child.name, child.level) for code, child in children.items()}
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


def completeness_csv_rows(completeness: Completeness) -> list[list]:
    """The rows of ``report_completeness``'s CSV: the region, then each child region."""
    return [[row.region_code, row.name, row.level, row.expected, row.on_time, row.late, row.missing, row.returned,
             row.approved] for row in [completeness.total, *completeness.rows]]


# Due reports for a station head -------------------------------------------------------------

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


def reports_due(*, user, months: int = 3) -> list[DueReport]:
    """For a station head: the recent months whose report is not yet submitted (no report, a
    draft or a returned one), oldest first, including the current month. Three queries."""
    if not user.station_id:
        return []
    station = Station.objects.visible_to(user).select_related("region").filter(pk=user.station_id).first()
    if station is None:
        return []
    today = timezone.localdate()
    periods = [month_start(today)]
    for _i in range(months):
        periods.insert(0, month_start(periods[0] - datetime.timedelta(days=1)))
    if station.opened_on:
        periods = [p for p in periods if month_end(p) >= station.opened_on]
    reports = {r.period: r for r in MonthlyReport.objects.visible_to(user).filter(station=station, period__in=periods)}
    days = deadline_days(station.region)
    due = []
    for period in periods:
        report = reports.get(period)
        if report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            due.append(DueReport(period, deadline_of(station.region.code, period, days), report))
    return due


# Audit trail ---------------------------------------------------------------------------------

@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: object
    what: str
    reason: str
    changes: list[tuple[str, object, object]]


def _changes(new, old, model) -> list[tuple[str, object, object]]:
    if old is None:
        return []
    skip = {"version", "updated_at", "submitted_at", "first_submitted_at", "reviewed_at", "submitted_by",
            "reviewed_by"}
    changes = []
    for change in new.diff_against(old).changes:
        if change.field in skip:
            continue
        model_field = model._meta.get_field(change.field)
        choices = dict(model_field.choices or ())
        changes.append((str(model_field.verbose_name), choices.get(change.old, change.old),
                        choices.get(change.new, change.new)))
    return changes


def report_history(report: MonthlyReport) -> list[HistoryEntry]:
    """Who changed what and why, newest first: the report's own records (status, figures,
    reasons) and its service lines' records, with before and after values."""
    entries = []
    records = list(report.history.select_related("history_user").order_by("history_date", "history_id"))
    previous = None
    for record in records:
        what = ReportStatus(record.status).label
        if previous is not None and previous.status == record.status:
            what = _("保存修改")
        entries.append(HistoryEntry(record.history_date, record.history_user, what,
                                    record.history_change_reason or "", _changes(record, previous, MonthlyReport)))
        previous = record
    line_records = list(MonthlyReportLine.history.filter(report_id=report.pk).select_related("history_user")
                        .order_by("history_date", "history_id"))
    last_by_line: dict[int, object] = {}
    for record in line_records:
        before = last_by_line.get(record.id)
        label = f"{ServiceDomain(record.domain).label} · {TargetGroup(record.target_group).label}"
        if record.history_type == "-":
            what, changes = _("删除服务数据：%(l)s") % {"l": label}, []
        elif before is None:
            what = _("新增服务数据：%(l)s") % {"l": label}
            changes = [(str(MonthlyReportLine._meta.get_field(n).verbose_name), None, getattr(record, n))
                       for n in LINE_COUNT_FIELDS if getattr(record, n)]
        else:
            what, changes = _("修改服务数据：%(l)s") % {"l": label}, _changes(record, before, MonthlyReportLine)
        entries.append(HistoryEntry(record.history_date, record.history_user, what, "", changes))
        last_by_line[record.id] = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
