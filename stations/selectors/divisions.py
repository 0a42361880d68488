"""Counting townships as the divisions were on a date: the one definition behind every coverage figure.

On a date D a township counts when it existed on D (its ``valid_from``/``valid_to``) and its kind
on D is a counted one: its own kind, unless a dated change came after D, in which case the kind of
its version in force on D (:class:`RegionVersion`). It is covered on D when a township station
placed in it on D covered it: the stations' coverage periods carry the township (and its kind) the
station counted in on those days, a merged township's stations counting in its successor from the
merge on (:mod:`stations.services.coverage_periods`).

:func:`dated_counts` gives both numbers for any number of dates and groups of townships in one
query: townships by their present kind, corrected by their few versions, and the covered ones
from the coverage periods, as grouped selects joined by ``UNION ALL``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from django.db.models import Count, Q, Value
from django.db.models.functions import Substr

from stations.models import CoveragePeriod, Region, RegionLevel, RegionVersion
from stations.models.regions import existing_on_q, version_covers_q

# counted(kind_field, code_field) -> the condition on a row's kind (and code, where provinces differ)
Counted = Callable[[str, str], Q]


def counted_kinds(kinds) -> Counted:
    kinds = list(kinds)
    return lambda kind, code: Q(**{f"{kind}__in": kinds})


def code_range_q(field: str, prefix: str) -> Q:
    """Codes that start with ``prefix``, as a range (``prefix <= code < next prefix``): an index serves
    it on every database, where a ``LIKE 'prefix%'`` needs a special one on PostgreSQL and none serves
    it on SQLite."""
    if not prefix:
        return Q()
    upper = str(int(prefix) + 1).zfill(len(prefix))
    if len(upper) > len(prefix):  # 99…: nothing sorts after it
        return Q(**{f"{field}__gte": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def holding_q(on_date: datetime.date) -> Q:
    """Coverage periods that hold a date."""
    return Q(starts_on__lte=on_date) & (Q(ends_on__isnull=True) | Q(ends_on__gt=on_date))


def dated_counts(*, prefix: str, dates: Sequence[datetime.date], counted: Counted,
                 group_length: int) -> dict[str, tuple[list[int], list[int]]]:
    """Group (the first ``group_length`` digits of the township code) → (counted townships on each
    date, covered townships on each date), for the townships whose code starts with ``prefix``.
    One query; groups without any township are absent."""
    n = len(dates)

    def grouped(queryset, part: str, code: str, counts: list):
        return (queryset.filter(code_range_q(code, prefix))
                .annotate(part=Value(part), group=Substr(code, 1, group_length)).values("part", "group")
                .annotate(**{f"n{i}": count for i, count in enumerate(counts)}).order_by())

    townships = Region.objects.filter(counted("kind", "code"), level=RegionLevel.TOWNSHIP)
    undated = Q(valid_from__isnull=True, valid_to__isnull=True)
    versions = RegionVersion.objects.filter(region__level=RegionLevel.TOWNSHIP)
    parts = [
        # Townships in use since the first load and still: counted on every date (most of them).
        grouped(townships.filter(undated), "+", "code", [Count("pk")] * n),
        # Townships set up or ended on some day: counted on the dates they existed.
        grouped(townships.exclude(undated), "+", "code",
                [Count("pk", filter=existing_on_q(day)) for day in dates]),
        # A township whose kind on a date was another one (a version in force then): counted with
        # that kind instead of its present one.
        grouped(versions.filter(counted("kind", "region__code")), "+", "region__code",
                [Count("pk", filter=_in_force(day)) for day in dates]),
        grouped(versions.filter(counted("region__kind", "region__code")), "-", "region__code",
                [Count("pk", filter=_in_force(day)) for day in dates]),
        # One township may hold several stations' periods on a date (a merge): count townships.
        grouped(CoveragePeriod.objects.filter(counted("township_kind", "township_code")), "c", "township_code",
                [Count("township_code", distinct=True, filter=holding_q(day)) for day in dates]),
    ]
    result: dict[str, tuple[list[int], list[int]]] = {}
    for row in parts[0].union(*parts[1:], all=True):
        totals, covering = result.setdefault(row["group"], ([0] * n, [0] * n))
        target, sign = (covering, 1) if row["part"] == "c" else (totals, 1 if row["part"] == "+" else -1)
        for i in range(n):
            target[i] += sign * row[f"n{i}"]
    return result


def _in_force(on_date: datetime.date) -> Q:
    return version_covers_q(on_date) & existing_on_q(on_date, "region__")


def regions_on(queryset, on_date: datetime.date) -> list[Region]:
    """The regions of ``queryset`` that existed on the date, each with its name and kind of that
    date in ``name`` and ``kind`` (for display: the instances are not to be saved)."""
    regions = list(queryset.as_on(on_date))
    for region in regions:
        region.name, region.kind = region.name_on, region.kind_on
    return regions
