"""The national coverage dashboard, counted from the stations' coverage periods (a summary of their status histories kept by the services) in a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Substr

from stations.models import (
    DEFAULT_COUNTED_KINDS,
    PREFIX_LENGTH,
    CoveragePeriod,
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
from stations.selectors.targets import resolve_target, targets_by_region


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
    targets = targets_by_region({province.code for province in provinces}, TargetMetric.TOWNSHIP_COVERAGE_PCT)[
        TargetMetric.TOWNSHIP_COVERAGE_PCT]
    children = []
    for province in provinces:
        total, covered = counts.get(province.prefix, (0, [0] * len(dates)))
        children.append(CoverageRow(code=province.code, name=province.name, level=province.level, region=province,
                                    townships=total, covered=covered[-1],
                                    target=resolve_target([province.code], targets, on_date)))
    children.sort(key=_holds_back_key)
    nation = national_region()
    townships = sum(total for total, _covered in counts.values())
    chart = [ChartPoint(on_date=day, townships=townships, covered=sum(covered[index] for _, covered in counts.values()),
                        target_pct=None) for index, day in enumerate(dates)]
    summary = CoverageRow(code=nation.code, name=nation.name, level=nation.level, region=nation,
                          townships=townships, covered=chart[-1].covered)
    return CoverageDashboard(region=nation, on_date=on_date, summary=summary, children=children, chart=chart)
