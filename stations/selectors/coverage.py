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
    PREFIX_LENGTH,
    TARGET_LEVELS,
    Region,
    RegionLevel,
    Station,
    StationKind,
    TargetMetric,
    counted_kinds_for,
)
from stations.selectors.lights import Light, coverage_light
from stations.selectors.targets import ApplicableTarget, chain_codes, count_gap, resolve_target, targets_by_region

DASHBOARD_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


NATIONAL_CODE = "000000000000"


CHART_FIRST_YEAR = 2020


ONE_DECIMAL = Decimal("0.1")


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
    def light(self) -> Light:
        """The region's traffic light against its target (met, close, behind, overdue, none)."""
        return coverage_light(self.target, coverage_pct=self.coverage_pct, gap_stations=self.gap_stations)

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


def _covering_station_exists(on_date: datetime.date) -> Exists:
    return Exists(Station.objects.filter(region=OuterRef("pk")).covering_at(on_date))


def _counted_townships(region: Region, kinds):
    return Region.objects.filter(level=RegionLevel.TOWNSHIP, kind__in=kinds, code__startswith=region.prefix)


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
    chain = chain_codes(region.code, region.level)
    codes = set(chain) | {child.code for child in children if child.level in TARGET_LEVELS}
    by_metric = targets_by_region(codes, TargetMetric.TOWNSHIP_COVERAGE_PCT, TargetMetric.STATIONS_PER_COUNTY_MIN)
    targets, count_targets = by_metric[TargetMetric.TOWNSHIP_COVERAGE_PCT], by_metric[
        TargetMetric.STATIONS_PER_COUNTY_MIN]
    summary = CoverageRow(code=region.code, name=region.name, level=region.level, region=region,
                          townships=sum(total for total, _ in counts.values()),
                          covered=sum(covered for _, covered in counts.values()),
                          target=resolve_target(chain, targets, on_date))
    rows = []
    for child in children:
        total, covered = counts.get(child.prefix, (0, 0))
        child_chain = [child.code, *chain] if child.level in TARGET_LEVELS else chain
        row = CoverageRow(code=child.code, name=child.name, level=child.level, region=child,
                          townships=total, covered=covered, target=resolve_target(child_chain, targets, on_date))
        if child.level == RegionLevel.COUNTY:
            row.count_target = resolve_target(child_chain, count_targets, on_date)
            row.count_gap = count_gap(row.count_target, covered)
        rows.append(row)
    _attach_count_target(summary, rows, chain, count_targets, on_date)
    rows.sort(key=_holds_back_key)
    return summary, rows


def _attach_count_target(summary: CoverageRow, rows: list[CoverageRow], chain, count_targets, on_date) -> None:
    """A county's shortfall against "at least N stations per county"; a city's is its counties' sum.
    (A province's would need counts per county under each city: not shown.)"""
    summary.count_target = resolve_target(chain, count_targets, on_date)
    if summary.level == RegionLevel.COUNTY:
        summary.count_gap = count_gap(summary.count_target, summary.covered)
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
                         "stations__status_changes__voided", "stations__status_changes__status")
            .order_by("pk", "stations__pk", "stations__status_changes__effective_on", "stations__status_changes__pk"))
    townships, covered = set(), [set() for _ in dates]
    history: list[tuple[datetime.date, str]] = []
    for index, (township, kind, station, effective_on, voided, status) in enumerate(rows := list(rows)):
        townships.add(township)
        if kind == StationKind.TOWNSHIP_STATION and effective_on is not None and not voided:
            history.append((effective_on, status))
        if index + 1 == len(rows) or rows[index + 1][2] != station or rows[index + 1][0] != township:
            for point, on_date in enumerate(dates):  # the status in force: the latest change on or before the date
                current = [status for day, status in history if day <= on_date]
                if current and current[-1] in COVERING_STATUSES:
                    covered[point].add(township)
            history = []
    counts = {"total": len(townships), **{f"c{index}": len(covered[index]) for index in range(len(dates))}}
    chain = chain_codes(region.code, region.level)
    targets = targets_by_region(set(chain), TargetMetric.TOWNSHIP_COVERAGE_PCT)[TargetMetric.TOWNSHIP_COVERAGE_PCT]
    points = []
    for index, on_date in enumerate(dates):
        target = resolve_target(chain, targets, on_date)
        target_pct = target.value if target and target.unit == "percent" else None
        points.append(ChartPoint(on_date=on_date, townships=counts["total"], covered=counts[f"c{index}"],
                                 target_pct=target_pct))
    return points


def coverage_dashboard(*, region: Region, on_date: datetime.date) -> CoverageDashboard:
    """Everything the coverage dashboard shows, in a fixed number of queries."""
    if region.code == NATIONAL_CODE:
        from stations.selectors.coverage_national import national_dashboard  # it builds on this module

        return national_dashboard(on_date=on_date)
    if region.level not in DASHBOARD_LEVELS:
        raise ValueError(region.level)
    kinds = counted_kinds_for(region)
    summary, children = coverage_rows(region=region, on_date=on_date, kinds=kinds)
    chart = coverage_over_time(region=region, dates=chart_dates(on_date), kinds=kinds)
    return CoverageDashboard(region=region, on_date=on_date, summary=summary, children=children, chart=chart,
                             counted_kinds=tuple(kinds))
