"""A province's cities and counties (or a city's counties) in one table: coverage now, at the last
quarter-ends, and a traffic light against the applicable target.

Same definitions as ``coverage_rows`` (counted townships as the divisions were on each date, with a
pilot or operating township station then; targets resolved along the region's chain), in four
queries however many regions: the counted kinds, the regions, one query counting townships and
covered townships per county prefix at every date (``dated_counts``), and the targets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from stations.models import (
    PREFIX_LENGTH,
    Region,
    RegionLevel,
    TargetMetric,
    TargetUnit,
    counted_kinds_for,
)
from stations.selectors.coverage import (
    ChartPoint,
    CoverageRow,
    _holds_back_key,
    target_bases,
)
from stations.selectors.divisions import counted_kinds, dated_counts, regions_on
from stations.selectors.lights import LIGHT_ORDER
from stations.selectors.targets import chain_codes, resolve_target, targets_by_region

TREND_LEVELS = {RegionLevel.PROVINCE: (RegionLevel.CITY, RegionLevel.COUNTY), RegionLevel.CITY: (RegionLevel.COUNTY,)}
ORDERS = ("worst", "code", "coverage")


@dataclass
class TrendRow(CoverageRow):
    trend: list[ChartPoint] = field(default_factory=list)

    @property
    def is_county(self) -> bool:
        return self.level == RegionLevel.COUNTY


@dataclass
class CoverageTrends:
    region: Region
    on_date: datetime.date
    dates: list[datetime.date]
    summary: TrendRow
    rows: list[TrendRow]  # hierarchical: each city, then its counties

    @property
    def target_bases(self) -> list[str]:
        """The distinct bases of the targets on the table (each row's now, and at each trend date)."""
        rows = [self.summary, *self.rows]
        return target_bases([*(row.target for row in rows), *(p.target for row in rows for p in row.trend)])


def trend_dates(on_date: datetime.date, points: int = 8) -> list[datetime.date]:
    """The last ``points - 1`` quarter ends before the date, then the date itself, oldest first."""
    dates = [on_date]
    quarter_start = datetime.date(on_date.year, (on_date.month - 1) // 3 * 3 + 1, 1)
    while len(dates) < points:
        quarter_end = quarter_start - datetime.timedelta(days=1)
        dates.insert(0, quarter_end)
        quarter_start = datetime.date(quarter_end.year, quarter_end.month - 2, 1)
    return dates


def _counts_by_county(region: Region, kinds, dates) -> dict[str, tuple[list[int], list[int]]]:
    """county prefix → (counted townships at each date, covered at each date), in one query."""
    return dated_counts(prefix=region.prefix, dates=dates, counted=counted_kinds(kinds),
                        group_length=PREFIX_LENGTH[RegionLevel.COUNTY])


def _trend_row(region: Region, counts, targets, dates) -> TrendRow:
    """The region's row, summing the county groups under its prefix; the last date is "now"."""
    groups = [value for prefix, value in counts.items() if prefix.startswith(region.prefix)]
    totals = [sum(series[i] for series, _ in groups) for i in range(len(dates))]
    covered = [sum(series[i] for _, series in groups) for i in range(len(dates))]
    chain = chain_codes(region.code, region.level)
    trend = []
    for on_date, total, covered_then in zip(dates, totals, covered, strict=True):
        target = resolve_target(chain, targets, on_date)
        target_pct = target.value if target and target.unit == TargetUnit.PERCENT else None
        trend.append(ChartPoint(on_date=on_date, townships=total, covered=covered_then, target_pct=target_pct,
                                target=target if target_pct is not None else None))
    return TrendRow(code=region.code, name=region.name, level=region.level, region=region, townships=totals[-1],
                    covered=covered[-1], target=resolve_target(chain, targets, dates[-1]), trend=trend)


def _sort_key(order: str):
    if order == "code":
        return lambda row: row.code
    if order == "coverage":
        return lambda row: (row.coverage_pct if row.coverage_pct is not None else Decimal(101), row.code)
    return lambda row: (LIGHT_ORDER[row.light], _holds_back_key(row))


def coverage_trends(*, user, region: Region, on_date: datetime.date, points: int = 8,
                    order: str = "worst") -> CoverageTrends:
    """Rows for the region's cities and counties the user may see (a city: its counties), each with its
    coverage on the date, target, gap, light and coverage at ``trend_dates``; four queries.
    Each city comes before its own counties; cities, and counties within a city, in ``order``
    (worst light first by default, then most stations short)."""
    if region.level not in TREND_LEVELS:
        raise ValueError(region.level)
    dates = trend_dates(on_date, points)
    kinds = counted_kinds_for(region)
    regions = regions_on(Region.objects.visible_to(user).filter(
        code__startswith=region.prefix, level__in=TREND_LEVELS[region.level]).order_by("code"), on_date)
    counts = _counts_by_county(region, kinds, dates)
    codes = {code for row in [region, *regions] for code in chain_codes(row.code, row.level)}
    targets = targets_by_region(codes, TargetMetric.TOWNSHIP_COVERAGE_PCT)[TargetMetric.TOWNSHIP_COVERAGE_PCT]
    rows = [_trend_row(child, counts, targets, dates) for child in regions]
    key = _sort_key(order)
    cities = sorted((row for row in rows if not row.is_county), key=key)
    counties = sorted((row for row in rows if row.is_county), key=key)
    ordered = [] if cities else counties
    for city in cities:
        ordered += [city, *(row for row in counties if row.code.startswith(city.region.prefix))]
    return CoverageTrends(region=region, on_date=on_date, dates=dates,
                          summary=_trend_row(region, counts, targets, dates), rows=ordered)
