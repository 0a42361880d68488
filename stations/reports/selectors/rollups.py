"""Roll-ups of approved monthly reports: service totals by domain and target group for a
region and a period (month, quarter, half-year, year), overall and by child region. A fixed
number of queries whatever the number of stations or months, grouped in the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from core.dates import month_start, next_month
from stations.models import (
    LINE_COUNT_FIELDS,
    PREFIX_LENGTH,
    MonthlyReport,
    MonthlyReportLine,
    Region,
    ServiceDomain,
    TargetGroup,
)

REPORT_SUM_FIELDS = ("volunteers", "volunteer_hours", "organisations_incubated", "charity_yuan", "needs_records",
                     "resource_entries", "training_hours")


# Roll-ups ------------------------------------------------------------------------------------

PERIOD_KINDS = {"month": _("月"), "quarter": _("季度"), "half": _("半年"), "year": _("年")}
MONTHS_IN = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def period_range(kind: str, year: int, number: int = 1) -> tuple[datetime.date, datetime.date, str]:
    """The first months of a period's first and last month, and its Chinese label."""
    months = MONTHS_IN[kind]
    number = max(1, min(number, 12 // months))
    first = datetime.date(year, (number - 1) * months + 1, 1)
    last = first
    for _i in range(months - 1):
        last = next_month(last)
    if kind == "month":
        label = f"{year}年{number}月"
    elif kind == "quarter":
        label = f"{year}年第{'一二三四'[number - 1]}季度"
    elif kind == "half":
        label = f"{year}年{'上' if number == 1 else '下'}半年"
    else:
        label = f"{year}年"
    return first, last, label


@dataclass
class RollupCell:
    domain: str
    target_group: str
    sums: dict

    @property
    def domain_label(self) -> str:
        return ServiceDomain(self.domain).label

    @property
    def group_label(self) -> str:
        return TargetGroup(self.target_group).label


@dataclass
class RollupChild:
    code: str
    name: str
    sums: dict
    totals: dict


@dataclass
class Rollup:
    region: Region
    first: datetime.date
    last: datetime.date
    label: str
    cells: list[RollupCell]
    by_domain: list[tuple[str, dict]]
    line_totals: dict
    totals: dict
    children: list[RollupChild]


# The roll-up's columns: flows add up over the months; the case stock is taken at the period's
# start (first month's opening stock) and end (last month's closing stock).
ROLLUP_FIELDS = (
    ("person_times", _("服务人次")),
    ("home_visits", _("入户走访（户次）")),
    ("cases_active_start", _("期初在案个案")),
    ("cases_opened", _("新开个案")),
    ("cases_closed", _("结案个案")),
    ("cases_active_end", _("期末在案个案")),
    ("group_sessions", _("小组活动（节）")),
    ("community_activities", _("社区活动（场）")),
)
ROLLUP_KEYS = [key for key, _label in ROLLUP_FIELDS]


def _line_sums(first: datetime.date, last: datetime.date) -> dict:
    """Aggregates named ``sum_<column>`` (a name equal to a field would shadow it in F())."""
    sums = {f"sum_{name}": Sum(name, default=0) for name in LINE_COUNT_FIELDS if name != "cases_active_start"}
    sums["sum_cases_active_start"] = Sum("cases_active_start", default=0, filter=Q(report__period=first))
    sums["sum_cases_active_end"] = Sum(F("cases_active_start") + F("cases_opened") - F("cases_closed"), default=0,
                                       filter=Q(report__period=last))
    return sums


def _unprefixed(row: dict) -> dict:
    return {key.removeprefix("sum_"): value for key, value in row.items()}


def _report_sums() -> dict:
    sums = {name: Sum(name, default=0) for name in REPORT_SUM_FIELDS}
    sums["reports"] = Count("pk")
    sums["stations"] = Count("station", distinct=True)
    return sums


def report_rollup(*, user, region: Region, first: datetime.date, last: datetime.date, label: str = "") -> Rollup:
    """Service totals of the APPROVED reports of stations in ``region`` for the months
    ``first``..``last``: by domain and target group, by domain, overall, and by child region.
    Five queries. Services and cases opened or closed add up over the months; the case stock is
    the first month's opening stock and the last month's closing stock (of the approved reports
    of those months)."""
    first, last = month_start(first), month_start(last)
    reports = MonthlyReport.objects.visible_to(user).approved().in_region(region).filter(
        period__gte=first, period__lte=last)
    lines = MonthlyReportLine.objects.visible_to(user).filter(report__in=reports)
    cells = [
        RollupCell(row.pop("domain"), row.pop("target_group"), _unprefixed(row))
        for row in lines.values("domain", "target_group").annotate(**_line_sums(first, last))
        .order_by("domain", "target_group")
    ]
    domain_order = list(ServiceDomain.values)
    cells.sort(key=lambda c: (domain_order.index(c.domain), list(TargetGroup.values).index(c.target_group)))
    by_domain: dict[str, dict] = {}
    line_totals = dict.fromkeys(ROLLUP_KEYS, 0)
    for cell in cells:
        bucket = by_domain.setdefault(cell.domain, dict.fromkeys(line_totals, 0))
        for name, value in cell.sums.items():
            bucket[name] += value
            line_totals[name] += value
    totals = reports.aggregate(**_report_sums())
    children = _rollup_children(user, region, reports, lines, first, last)
    return Rollup(region, first, last, label, cells,
                  [(ServiceDomain(d).label, by_domain[d]) for d in domain_order if d in by_domain],
                  line_totals, totals, children)


def _rollup_children(user, region: Region, reports, lines, first, last) -> list[RollupChild]:
    if not region.child_level:
        return []
    length = PREFIX_LENGTH[region.child_level]
    line_rows = {row.pop("prefix"): _unprefixed(row) for row in lines.annotate(
        prefix=Substr("report__station__region__code", 1, length)).values("prefix")
        .annotate(**_line_sums(first, last)).order_by("prefix")}
    report_rows = {row.pop("prefix"): row for row in reports.annotate(
        prefix=Substr("station__region__code", 1, length)).values("prefix").annotate(**_report_sums())
        .order_by("prefix")}
    empty_lines = dict.fromkeys(ROLLUP_KEYS, 0)
    empty_totals = {**dict.fromkeys(REPORT_SUM_FIELDS, 0), "reports": 0, "stations": 0}
    children = []
    for child in Region.objects.visible_to(user).filter(parent=region).order_by("code"):
        children.append(RollupChild(child.code, child.name, line_rows.get(child.prefix, empty_lines),
                                    report_rows.get(child.prefix, empty_totals)))
    return children
