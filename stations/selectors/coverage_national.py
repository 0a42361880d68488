"""The national coverage dashboard, counted like every other (``dated_counts``: the townships as the
divisions were on each date, the covered ones from the stations' coverage periods) in a fixed
number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Q

from stations.models import (
    DEFAULT_COUNTED_KINDS,
    PREFIX_LENGTH,
    CoverageSetting,
    Region,
    RegionLevel,
    TargetMetric,
)
from stations.selectors.coverage import (
    ChartPoint,
    CoverageDashboard,
    CoverageRow,
    _holds_back_key,
    chart_dates,
    national_region,
)
from stations.selectors.divisions import dated_counts_with_standard, regions_on
from stations.selectors.standards import standards_in_force
from stations.selectors.targets import resolve_target, targets_by_region


def _counted_nationwide(settings, kind: str = "kind", code: str = "code") -> Q:
    """Counted townships across the country: each province counts the kinds its own setting counts."""
    counted = Q(**{f"{kind}__in": DEFAULT_COUNTED_KINDS})
    for setting in settings:
        in_province = Q(**{f"{code}__startswith": setting.province.prefix})
        counted = (counted & ~in_province) | (in_province & Q(**{f"{kind}__in": setting.counted_kinds}))
    return counted


def _national_counts(dates: list[datetime.date]) -> dict[str, tuple[list[int], list[int], list[int]]]:
    """Province prefix → (counted townships on each date, covered on each date, 达标 on the last date
    (the one the table shows; 0 on the others)), in one query (plus the settings).

    Replaying every status history nationwide takes several times the page's budget, so the covered
    townships are counted from the stations' coverage periods (:class:`CoveragePeriod`, kept by the
    services)."""
    settings = list(CoverageSetting.objects.select_related("province"))
    return dated_counts_with_standard(prefix="", dates=dates,
                                      counted=lambda kind, code: _counted_nationwide(settings, kind, code),
                                      group_length=PREFIX_LENGTH[RegionLevel.PROVINCE], standard_on=dates[-1:])


def national_dashboard(*, on_date: datetime.date) -> CoverageDashboard:
    """The whole country: one row per province, counting the township kinds its own setting counts and
    measured against its own target and its own standard, the total, and the national chart (without
    a target line). Five queries: the provinces, the coverage settings, the townships and the covered
    (and 达标) ones at every chart date, the targets, the standards in force. The nation's 达标率 is
    over the provinces with a standard in force."""
    dates = chart_dates(on_date)
    provinces = regions_on(Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code"), on_date)
    counts = _national_counts(dates)
    targets = targets_by_region({province.code for province in provinces}, TargetMetric.TOWNSHIP_COVERAGE_PCT)[
        TargetMetric.TOWNSHIP_COVERAGE_PCT]
    standards = standards_in_force(on_date)
    empty = ([0] * len(dates), [0] * len(dates), [0] * len(dates))
    children = []
    for province in provinces:
        totals, covered, meeting = counts.get(province.prefix, empty)
        row = CoverageRow(code=province.code, name=province.name, level=province.level, region=province,
                          townships=totals[-1], covered=covered[-1],
                          target=resolve_target([province.code], targets, on_date))
        row.set_standard(standards.get(province.prefix), meeting[-1])
        children.append(row)
    children.sort(key=_holds_back_key)
    nation = national_region()
    chart = [ChartPoint(on_date=day, townships=sum(totals[index] for totals, _, _ in counts.values()),
                        covered=sum(covered[index] for _, covered, _ in counts.values()), target_pct=None)
             for index, day in enumerate(dates)]
    summary = CoverageRow(code=nation.code, name=nation.name, level=nation.level, region=nation,
                          townships=chart[-1].townships, covered=chart[-1].covered)
    with_standard = [row for row in children if row.standard_set]
    if with_standard:
        summary.standard_covered = sum(row.standard_covered for row in with_standard)
        summary.standard_townships = sum(row.townships for row in with_standard)
    return CoverageDashboard(region=nation, on_date=on_date, summary=summary, children=children, chart=chart)
