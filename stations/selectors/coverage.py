"""Coverage against targets, as of a date, for a region and its child regions.

Every number is computed in the database from the station status history, so
coverage "at the end of 2022" comes out the same later. The selectors run a
fixed number of queries however many regions they show: townships are grouped
by the significant prefix of their code (``Substr(code, 1, n)``) with a
correlated ``Exists`` for "has a covering station on D"; the chart reads the
region's townships with their stations' status histories in one query and replays
the histories for every date (a correlated ``Exists`` per township and date was
the slowest part of a province's dashboard). The national dashboard counts the whole country from
the stations' coverage periods, a summary of the same histories (``national_dashboard``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext as _

from core.scope import scope_of
from stations.models import (
    CHILD_LEVEL,
    COVERING_STATUSES,
    DEFAULT_COUNTED_KINDS,
    LEVEL_ORDER,
    PREFIX_LENGTH,
    TARGET_LEVELS,
    CoveragePeriod,
    CoverageSetting,
    Region,
    RegionLevel,
    Station,
    StationKind,
    Target,
    TargetMetric,
    counted_kinds_for,
    significant_prefix,
)

DASHBOARD_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
NATIONAL_CODE = "000000000000"
CHART_FIRST_YEAR = 2020
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class ApplicableTarget:
    value: Decimal
    unit: str
    due_on: datetime.date
    region_code: str
    region_name: str
    inherited: bool  # set on an ancestor region, not on this one
    overdue: bool  # its due date has passed and no later target exists

    @property
    def value_display(self) -> str:
        value = self.value.normalize() if self.value == self.value.to_integral() else self.value
        return f"{value:f}"


@dataclass
class CoverageRow:
    code: str
    name: str
    level: str
    townships: int
    covered: int
    target: ApplicableTarget | None = None
    region: Region | None = None
    # A count target ("each county builds at least 2 stations") and the stations still missing
    # against it: for a county its own shortfall, for a city the sum over its counties.
    count_target: ApplicableTarget | None = None
    count_gap: int | None = None

    @property
    def uncovered(self) -> int:
        return self.townships - self.covered

    @property
    def coverage_pct(self) -> Decimal | None:
        if not self.townships:
            return None
        return (Decimal(self.covered) * 100 / Decimal(self.townships)).quantize(ONE_DECIMAL, ROUND_HALF_UP)

    @property
    def needed_for_target(self) -> int | None:
        """Townships that must be covered to reach the target share: ceil(target% × townships)."""
        if self.target is None:
            return None
        return int((self.target.value * self.townships / 100).to_integral_value(rounding=ROUND_CEILING))

    @property
    def gap_stations(self) -> int | None:
        """Stations still needed to reach the applicable target; never negative."""
        needed = self.needed_for_target
        return None if needed is None else max(needed - self.covered, 0)

    @property
    def meets_target(self) -> bool | None:
        gap = self.gap_stations
        return None if gap is None else gap == 0

    @property
    def level_label(self) -> str:
        return RegionLevel(self.level).label


@dataclass
class ChartPoint:
    on_date: datetime.date
    townships: int
    covered: int
    target_pct: Decimal | None

    @property
    def coverage_pct(self) -> Decimal | None:
        if not self.townships:
            return None
        return (Decimal(self.covered) * 100 / Decimal(self.townships)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


@dataclass
class CoverageDashboard:
    region: Region
    on_date: datetime.date
    summary: CoverageRow
    children: list[CoverageRow]
    chart: list[ChartPoint] = field(default_factory=list)
    counted_kinds: tuple[str, ...] = ()

    @property
    def uncovered_townships(self) -> list[CoverageRow]:
        """Townships without a covering station (listed by name at county level)."""
        if self.region.level != RegionLevel.COUNTY:
            return []
        return [row for row in self.children if row.covered == 0]

    @property
    def has_count_targets(self) -> bool:
        return any(row.count_target for row in self.children)

    @property
    def child_level_label(self) -> str:
        return RegionLevel(CHILD_LEVEL.get(self.region.level, RegionLevel.PROVINCE)).label  # the nation's: provinces

    @property
    def national(self) -> bool:
        return self.region.code == NATIONAL_CODE

    @property
    def children_gap(self) -> int | None:
        """Stations still needed for every child to reach its own target (None if none has one)."""
        gaps = [row.gap_stations for row in self.children if row.gap_stations is not None]
        return sum(gaps) if gaps else None


def national_region() -> Region:
    """The whole country as the root of the national dashboard: an unsaved region above the provinces,
    so the dashboard's page, export and links treat it like any other root. It has no level (the
    hierarchy starts at the province) and no target of its own: each province's applies to its row."""
    return Region(code=NATIONAL_CODE, name=_("全国"), level="")


def dashboard_region(*, user, code: str) -> Region:
    """The region named by code or prefix, if the user may see its dashboard; else 404. The national
    dashboard (``NATIONAL_CODE``) is for users who see everything (superusers: no role is national)."""
    if code == NATIONAL_CODE:
        if not scope_of(user).everything:
            raise Http404
        return national_region()
    region = Region.objects.visible_to(user).by_code_or_prefix(code).filter(level__in=DASHBOARD_LEVELS).first()
    if region is None:
        raise Http404
    return region


def _chain_codes(code: str, level: str) -> list[str]:
    """The 12-digit codes of the region and its ancestors that may carry targets, nearest first."""
    levels = [lvl for lvl in LEVEL_ORDER[: LEVEL_ORDER.index(level) + 1] if lvl in TARGET_LEVELS]
    return [significant_prefix(code, lvl).ljust(12, "0") for lvl in reversed(levels)]


def _covering_station_exists(on_date: datetime.date) -> Exists:
    return Exists(Station.objects.filter(region=OuterRef("pk")).covering_at(on_date))


def _counted_townships(region: Region, kinds):
    return Region.objects.filter(level=RegionLevel.TOWNSHIP, kind__in=kinds, code__startswith=region.prefix)


def _targets_by_region(codes: set[str], metric: str, *more_metrics: str) -> dict[str, dict[str, list[Target]]]:
    """metric → region code → its targets by due date, in one query."""
    targets: dict[str, dict[str, list[Target]]] = {m: {} for m in (metric, *more_metrics)}
    queryset = Target.objects.filter(metric__in=list(targets), region__code__in=codes).select_related("region")
    for target in queryset.order_by("due_on", "pk"):
        targets[target.metric].setdefault(target.region.code, []).append(target)
    return targets


def _count_gap(target: ApplicableTarget | None, covered: int) -> int | None:
    if target is None:
        return None
    return max(int(target.value.to_integral_value(rounding=ROUND_CEILING)) - covered, 0)


def _resolve_target(chain: list[str], targets: dict[str, list[Target]], on_date) -> ApplicableTarget | None:
    """The earliest target due on or after the date, on the region or else its nearest ancestor
    that has one. When every target in the chain is past due, the latest one still stands
    (a 100% goal does not lapse on its deadline), flagged as overdue."""
    for code in chain:
        upcoming = [t for t in targets.get(code, []) if t.due_on >= on_date]
        if upcoming:
            return _applicable(upcoming[0], own=code == chain[0], overdue=False)
    for code in chain:
        if targets.get(code):
            return _applicable(targets[code][-1], own=code == chain[0], overdue=True)
    return None


def _applicable(target: Target, *, own: bool, overdue: bool) -> ApplicableTarget:
    return ApplicableTarget(value=target.value, unit=target.unit, due_on=target.due_on,
                            region_code=target.region.code, region_name=target.region.name,
                            inherited=not own, overdue=overdue)


def region_target(*, region: Region, metric: str, on_date: datetime.date,
                  inherit: bool = False) -> ApplicableTarget | None:
    """The target of one metric that applies to a region on a date (one query). Shares inherit
    from the nearest ancestor with a target; head counts belong to the region they were set for,
    so by default only the region's own targets apply."""
    chain = _chain_codes(region.code, region.level) if inherit else [region.code]
    targets = _targets_by_region(set(chain), metric)[metric]
    return _resolve_target(chain, targets, on_date)


def coverage_rows(*, region: Region, on_date: datetime.date, kinds=None) -> tuple[CoverageRow, list[CoverageRow]]:
    """The region's own coverage row and one row per child region (cities, counties or townships),
    in three queries whatever the number of children."""
    kinds = kinds or counted_kinds_for(region)
    child_level = CHILD_LEVEL[region.level]
    children = Region.objects.filter(parent=region).order_by("code")
    if child_level == RegionLevel.TOWNSHIP:
        children = children.filter(kind__in=kinds)
    children = list(children)
    n = PREFIX_LENGTH[child_level]
    groups = (
        _counted_townships(region, kinds)
        .annotate(group=Substr("code", 1, n)).values("group")
        .annotate(total=Count("pk"), covered=Count("pk", filter=Q(_covering_station_exists(on_date))))
        .order_by("group")
    )
    counts = {row["group"]: (row["total"], row["covered"]) for row in groups}
    chain = _chain_codes(region.code, region.level)
    codes = set(chain) | {child.code for child in children if child.level in TARGET_LEVELS}
    by_metric = _targets_by_region(codes, TargetMetric.TOWNSHIP_COVERAGE_PCT, TargetMetric.STATIONS_PER_COUNTY_MIN)
    targets, count_targets = by_metric[TargetMetric.TOWNSHIP_COVERAGE_PCT], by_metric[
        TargetMetric.STATIONS_PER_COUNTY_MIN]
    summary = CoverageRow(code=region.code, name=region.name, level=region.level, region=region,
                          townships=sum(total for total, _ in counts.values()),
                          covered=sum(covered for _, covered in counts.values()),
                          target=_resolve_target(chain, targets, on_date))
    rows = []
    for child in children:
        total, covered = counts.get(child.prefix, (0, 0))
        child_chain = [child.code, *chain] if child.level in TARGET_LEVELS else chain
        row = CoverageRow(code=child.code, name=child.name, level=child.level, region=child,
                          townships=total, covered=covered, target=_resolve_target(child_chain, targets, on_date))
        if child.level == RegionLevel.COUNTY:
            row.count_target = _resolve_target(child_chain, count_targets, on_date)
            row.count_gap = _count_gap(row.count_target, covered)
        rows.append(row)
    _attach_count_target(summary, rows, chain, count_targets, on_date)
    rows.sort(key=_holds_back_key)
    return summary, rows


def _attach_count_target(summary: CoverageRow, rows: list[CoverageRow], chain, count_targets, on_date) -> None:
    """A county's shortfall against "at least N stations per county"; a city's is its counties' sum.
    (A province's would need counts per county under each city: not shown.)"""
    summary.count_target = _resolve_target(chain, count_targets, on_date)
    if summary.level == RegionLevel.COUNTY:
        summary.count_gap = _count_gap(summary.count_target, summary.covered)
    elif summary.level == RegionLevel.CITY and any(row.count_target for row in rows):
        summary.count_gap = sum(row.count_gap or 0 for row in rows)


def _holds_back_key(row: CoverageRow):
    """Most stations short of the target first (the share target, then a count target), then most
    uncovered townships, then lowest share."""
    pct = row.coverage_pct if row.coverage_pct is not None else Decimal(101)
    return (-(row.gap_stations or 0), -(row.count_gap or 0), -row.uncovered, pct, row.code)


def chart_dates(on_date: datetime.date) -> list[datetime.date]:
    """Year ends from 2020 up to the date, then the date itself (at most ~10 points)."""
    first = max(CHART_FIRST_YEAR, on_date.year - 8)
    dates = [datetime.date(year, 12, 31) for year in range(first, on_date.year)]
    return [*dates, on_date] if not dates or dates[-1] != on_date else dates


def coverage_over_time(*, region: Region, dates: list[datetime.date], kinds=None) -> list[ChartPoint]:
    """Coverage of the region at each date, against the target applicable then: two queries."""
    kinds = kinds or counted_kinds_for(region)
    rows = (_counted_townships(region, kinds)
            .values_list("pk", "stations__kind", "stations__pk", "stations__status_changes__effective_on",
                         "stations__status_changes__pk", "stations__status_changes__status")
            .order_by("pk", "stations__pk", "stations__status_changes__effective_on", "stations__status_changes__pk"))
    townships, covered = set(), [set() for _ in dates]
    history: list[tuple[datetime.date, str]] = []
    for index, (township, kind, station, effective_on, _pk, status) in enumerate(rows := list(rows)):
        townships.add(township)
        if kind == StationKind.TOWNSHIP_STATION and effective_on is not None:
            history.append((effective_on, status))
        if index + 1 == len(rows) or rows[index + 1][2] != station or rows[index + 1][0] != township:
            for point, on_date in enumerate(dates):  # the status in force: the latest change on or before the date
                current = [status for day, status in history if day <= on_date]
                if current and current[-1] in COVERING_STATUSES:
                    covered[point].add(township)
            history = []
    counts = {"total": len(townships), **{f"c{index}": len(covered[index]) for index in range(len(dates))}}
    chain = _chain_codes(region.code, region.level)
    targets = _targets_by_region(set(chain), TargetMetric.TOWNSHIP_COVERAGE_PCT)[TargetMetric.TOWNSHIP_COVERAGE_PCT]
    points = []
    for index, on_date in enumerate(dates):
        target = _resolve_target(chain, targets, on_date)
        target_pct = target.value if target and target.unit == "percent" else None
        points.append(ChartPoint(on_date=on_date, townships=counts["total"], covered=counts[f"c{index}"],
                                 target_pct=target_pct))
    return points


def _counted_nationwide(settings, kind: str = "kind", code: str = "code") -> Q:
    """Counted townships across the country: each province counts the kinds its own setting counts."""
    counted = Q(**{f"{kind}__in": DEFAULT_COUNTED_KINDS})
    for setting in settings:
        in_province = Q(**{f"{code}__startswith": setting.province.prefix})
        counted = (counted & ~in_province) | (in_province & Q(**{f"{kind}__in": setting.counted_kinds}))
    return counted


def _national_counts(dates: list[datetime.date]) -> dict[str, tuple[int, list[int]]]:
    """Province prefix → (counted townships, covered on each date), in two queries (plus the settings).

    Replaying every status history nationwide takes several times the page's budget, so the covered
    townships are counted from the stations' coverage periods (:class:`CoveragePeriod`, kept by the
    services): a township is covered on a date when its township station (one per township) has a
    period holding it."""
    settings = list(CoverageSetting.objects.select_related("province"))
    counted = _counted_nationwide(settings)
    province = Substr("code", 1, PREFIX_LENGTH[RegionLevel.PROVINCE])
    totals = (Region.objects.filter(counted, level=RegionLevel.TOWNSHIP).annotate(province=province)
              .values("province").annotate(total=Count("pk")).order_by())
    holding = {f"c{index}": Count("pk", filter=Q(starts_on__lte=on_date) & (Q(ends_on__isnull=True) | Q(
        ends_on__gt=on_date))) for index, on_date in enumerate(dates)}
    covered = (CoveragePeriod.objects.filter(_counted_nationwide(settings, "township_kind", "township_code"))
               .annotate(province=Substr("township_code", 1, PREFIX_LENGTH[RegionLevel.PROVINCE]))
               .values("province").annotate(**holding).order_by())
    by_province = {row["province"]: [row[f"c{index}"] for index in range(len(dates))] for row in covered}
    return {row["province"]: (row["total"], by_province.get(row["province"], [0] * len(dates))) for row in totals}


def national_dashboard(*, on_date: datetime.date) -> CoverageDashboard:
    """The whole country: one row per province, counting the township kinds its own setting counts and
    measured against its own target, the total, and the national chart (without a target line).
    Five queries: the provinces, the coverage settings, the townships, the covered ones at every chart
    date, the targets."""
    dates = chart_dates(on_date)
    provinces = list(Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code"))
    counts = _national_counts(dates)
    targets = _targets_by_region({province.code for province in provinces}, TargetMetric.TOWNSHIP_COVERAGE_PCT)[
        TargetMetric.TOWNSHIP_COVERAGE_PCT]
    children = []
    for province in provinces:
        total, covered = counts.get(province.prefix, (0, [0] * len(dates)))
        children.append(CoverageRow(code=province.code, name=province.name, level=province.level, region=province,
                                    townships=total, covered=covered[-1],
                                    target=_resolve_target([province.code], targets, on_date)))
    children.sort(key=_holds_back_key)
    nation = national_region()
    townships = sum(total for total, _covered in counts.values())
    chart = [ChartPoint(on_date=day, townships=townships, covered=sum(covered[index] for _, covered in counts.values()),
                        target_pct=None) for index, day in enumerate(dates)]
    summary = CoverageRow(code=nation.code, name=nation.name, level=nation.level, region=nation,
                          townships=townships, covered=chart[-1].covered)
    return CoverageDashboard(region=nation, on_date=on_date, summary=summary, children=children, chart=chart)


def coverage_dashboard(*, region: Region, on_date: datetime.date) -> CoverageDashboard:
    """Everything the coverage dashboard shows, in a fixed number of queries."""
    if region.code == NATIONAL_CODE:
        return national_dashboard(on_date=on_date)
    if region.level not in DASHBOARD_LEVELS:
        raise ValueError(region.level)
    kinds = counted_kinds_for(region)
    summary, children = coverage_rows(region=region, on_date=on_date, kinds=kinds)
    chart = coverage_over_time(region=region, dates=chart_dates(on_date), kinds=kinds)
    return CoverageDashboard(region=region, on_date=on_date, summary=summary, children=children, chart=chart,
                             counted_kinds=tuple(kinds))
