"""Coverage against targets, as of a date, for a region and its child regions.

Every number counts the townships as the divisions were on the date (those in use then, with
their kind then) and the township stations covering them then (pilot or operating), so coverage
"at the end of 2022" comes out the same later, whatever was renamed, merged or changed since: see
:mod:`stations.selectors.divisions`, whose ``dated_counts`` is the one query behind every figure.
The selectors run a fixed number of queries however many regions they show: townships and
covered townships are grouped by the significant prefix of their code (``Substr(code, 1, n)``),
covered ones counted from the stations' coverage periods (a summary of their status histories
kept by the services), for one date or every date of the chart at once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from core.scope import scope_of
from stations.models import (
    CHILD_LEVEL,
    PREFIX_LENGTH,
    TARGET_LEVELS,
    Region,
    RegionLevel,
    StandardChecklist,
    TargetMetric,
    counted_kinds_for,
)
from stations.selectors.divisions import counted_kinds, dated_counts, dated_counts_with_standard, regions_on
from stations.selectors.lights import Light, coverage_light
from stations.selectors.standards import StandardFigures, share_pct, standards_in_force
from stations.selectors.targets import ApplicableTarget, chain_codes, count_gap, resolve_target, targets_by_region

DASHBOARD_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


NATIONAL_CODE = "000000000000"


CHART_FIRST_YEAR = 2020




@dataclass
class CoverageRow(StandardFigures):
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
    # The 达标率: townships covered by a station whose latest acceptance check by the date passed its
    # province's standard, out of the townships where a standard was in force then. None where the
    # province's documents set no standard in force on the date (本地政策未规定), never 0.
    standard: StandardChecklist | None = None
    standard_covered: int | None = None
    standard_townships: int | None = None

    @property
    def uncovered(self) -> int:
        return self.townships - self.covered

    @property
    def coverage_pct(self) -> Decimal | None:
        return share_pct(self.covered, self.townships)


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
    target: ApplicableTarget | None = None  # the target in force at the point's date, with its basis

    @property
    def coverage_pct(self) -> Decimal | None:
        return share_pct(self.covered, self.townships)


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
    def table_bases(self) -> list[str]:
        """The distinct bases of the targets in the child regions' table, in table order."""
        return target_bases(target for row in self.children for target in (row.target, row.count_target))

    @property
    def chart_bases(self) -> list[tuple[str, str]]:
        """(target values, basis) of each distinct document clause behind the chart's target line."""
        bases: dict[str, list[str]] = {}
        for point in self.chart:
            if point.target is not None:
                values = bases.setdefault(point.target.citation, [])
                shown = f"{point.target.value_display}%（{point.target.due_on:%Y-%m-%d}）"
                if shown not in values:
                    values.append(shown)
        return [("、".join(values), basis) for basis, values in bases.items()]

    @property
    def children_gap(self) -> int | None:
        """Stations still needed for every child to reach its own target (None if none has one)."""
        gaps = [row.gap_stations for row in self.children if row.gap_stations is not None]
        return sum(gaps) if gaps else None


def target_bases(targets) -> list[str]:
    """The distinct citations of the given targets (None skipped), first seen first."""
    return list(dict.fromkeys(target.citation for target in targets if target is not None and target.citation))


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


def coverage_rows(*, region: Region, on_date: datetime.date, kinds=None) -> tuple[CoverageRow, list[CoverageRow]]:
    """The region's own coverage row and one row per child region (cities, counties or townships)
    as the divisions were on the date, with their 达标 figures, in four queries whatever the number
    of children."""
    kinds = kinds or counted_kinds_for(region)
    child_level = CHILD_LEVEL[region.level]
    # The region's own name on the date comes with its children's, in the same query.
    children = regions_on(Region.objects.filter(Q(parent=region) | Q(pk=region.pk)).order_by("code"), on_date)
    name = next((child.name for child in children if child.pk == region.pk), region.name)
    children = [child for child in children if child.pk != region.pk]
    if child_level == RegionLevel.TOWNSHIP:
        children = [child for child in children if child.kind in kinds]
    n = PREFIX_LENGTH[child_level]
    groups = dated_counts_with_standard(prefix=region.prefix, dates=[on_date], counted=counted_kinds(kinds),
                                        group_length=n)
    counts = {group: (totals[0], covered[0]) for group, (totals, covered, _meeting) in groups.items()}
    meeting = {group: standard[0] for group, (_totals, _covered, standard) in groups.items()}
    standard = standards_in_force(on_date, prefix=region.code[:2]).get(region.code[:2])
    chain = chain_codes(region.code, region.level)
    codes = set(chain) | {child.code for child in children if child.level in TARGET_LEVELS}
    by_metric = targets_by_region(codes, TargetMetric.TOWNSHIP_COVERAGE_PCT, TargetMetric.STATIONS_PER_COUNTY_MIN)
    targets, count_targets = by_metric[TargetMetric.TOWNSHIP_COVERAGE_PCT], by_metric[
        TargetMetric.STATIONS_PER_COUNTY_MIN]
    summary = CoverageRow(code=region.code, name=name, level=region.level, region=region,
                          townships=sum(total for total, _ in counts.values()),
                          covered=sum(covered for _, covered in counts.values()),
                          target=resolve_target(chain, targets, on_date))
    summary.set_standard(standard, sum(meeting.values()))
    rows = []
    for child in children:
        total, covered = counts.get(child.prefix, (0, 0))
        child_chain = [child.code, *chain] if child.level in TARGET_LEVELS else chain
        row = CoverageRow(code=child.code, name=child.name, level=child.level, region=child,
                          townships=total, covered=covered, target=resolve_target(child_chain, targets, on_date))
        row.set_standard(standard, meeting.get(child.prefix, 0))
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
    """Coverage of the region at each date (its townships as they were on that date), against the
    target applicable then (set by a document in force then): two queries."""
    kinds = kinds or counted_kinds_for(region)
    groups = dated_counts(prefix=region.prefix, dates=dates, counted=counted_kinds(kinds),
                          group_length=len(region.prefix))
    totals, covered = groups.get(region.prefix, ([0] * len(dates), [0] * len(dates)))
    chain = chain_codes(region.code, region.level)
    targets = targets_by_region(set(chain), TargetMetric.TOWNSHIP_COVERAGE_PCT)[TargetMetric.TOWNSHIP_COVERAGE_PCT]
    points = []
    for index, on_date in enumerate(dates):
        target = resolve_target(chain, targets, on_date)
        target_pct = target.value if target and target.unit == "percent" else None
        points.append(ChartPoint(on_date=on_date, townships=totals[index], covered=covered[index],
                                 target_pct=target_pct, target=target if target_pct is not None else None))
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
