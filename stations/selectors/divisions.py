"""Counting townships as the divisions were on a date: the one definition behind every coverage figure.

On a date D a township counts when it existed on D (its ``valid_from``/``valid_to``) and its kind
on D is a counted one: its own kind, unless a dated change came after D, in which case the kind of
its version in force on D (:class:`RegionVersion`). It is covered on D when a township station
placed in it on D covered it: the stations' coverage periods carry the township (and its kind) the
station counted in on those days, a merged township's stations counting in its successor from the
merge on (:mod:`stations.services.coverage_periods`).

:func:`dated_counts` gives both numbers for any number of dates and groups of townships in one
query: townships by their present kind, corrected by their few versions, and the covered ones
from the coverage periods, as grouped selects joined by ``UNION ALL``;
:func:`dated_counts_with_standard` adds, in the same query, the covered townships whose station had
passed its latest acceptance check against the province's standard by the date (达标).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from django.db import connection
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr

from stations.models import CoveragePeriod, Region, RegionLevel, RegionVersion, StationAcceptance

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


def dated_counts(*, prefix: str, dates: Sequence[datetime.date], counted: Counted,
                 group_length: int) -> dict[str, tuple[list[int], list[int]]]:
    """Group (the first ``group_length`` digits of the township code) → (counted townships on each
    date, covered townships on each date), for the townships whose code starts with ``prefix``.
    One query; groups without any township are absent."""
    counts = _counts(prefix=prefix, dates=dates, counted=counted, group_length=group_length, standard_on=())
    return {group: (totals, covered) for group, (totals, covered, _standard) in counts.items()}


def dated_counts_with_standard(*, prefix: str, dates: Sequence[datetime.date], counted: Counted, group_length: int,
                               standard_on: Sequence[datetime.date] | None = None,
                               ) -> dict[str, tuple[list[int], list[int], list[int]]]:
    """As :func:`dated_counts`, with a third list: the townships covered on each date by a station
    whose latest acceptance check on or before that date passed (达标), for the dates of
    ``standard_on`` (all by default; 0 on the others). Never more than the covered ones: the same
    coverage periods, fewer of them. Still one query."""
    return _counts(prefix=prefix, dates=dates, counted=counted, group_length=group_length,
                   standard_on=dates if standard_on is None else standard_on)


def _counts(*, prefix: str, dates: Sequence[datetime.date], counted: Counted, group_length: int,
            standard_on: Sequence[datetime.date]) -> dict[str, tuple[list[int], list[int], list[int]]]:
    n = len(dates)

    def grouped(queryset, part: str, code: str, counts: list):
        return (queryset.filter(code_range_q(code, prefix))
                .annotate(part=Value(part), group=Substr(code, 1, group_length)).values("part", "group")
                .annotate(**{f"n{i}": count for i, count in enumerate(counts)}).order_by())

    townships = Region.objects.filter(counted("kind", "code"), level=RegionLevel.TOWNSHIP)
    dated = Q(valid_from__isnull=False) | Q(valid_to__isnull=False)
    versions = RegionVersion.objects.filter(region__level=RegionLevel.TOWNSHIP)
    periods = CoveragePeriod.objects.filter(counted("township_kind", "township_code"))
    existing, in_force, holding = (_day_in(Region, "valid_from", "valid_to"),
                                   _day_in(RegionVersion, "valid_from", "valid_to"),
                                   _day_in(CoveragePeriod, "starts_on", "ends_on", last_included=False))
    parts = [
        # Townships in use since the first load and still: counted on every date (most of them).
        grouped(townships.exclude(dated), "=", "code", [Count("pk")] + [Value(0)] * (n - 1)),
        # Townships set up or ended on some day: counted on the dates they existed.
        grouped(townships.filter(dated), "+", "code", [Count("pk", filter=existing(day)) for day in dates]),
        # A township whose kind on a date was another one (a version in force then): counted with
        # that kind instead of its present one.
        grouped(versions.filter(counted("kind", "region__code")), "+", "region__code",
                [Count("pk", filter=in_force(day)) for day in dates]),
        grouped(versions.filter(counted("region__kind", "region__code")), "-", "region__code",
                [Count("pk", filter=in_force(day)) for day in dates]),
        # Covered townships: one period of its own station at most holds a township on a day...
        grouped(periods.filter(merged_in=False), "c", "township_code",
                [Count("pk", filter=holding(day)) for day in dates]),
        # ...and periods of merged townships' stations count where no such period holds it, once.
        grouped(periods.filter(merged_in=True), "c", "township_code",
                [Count("township_code", distinct=True, filter=_not_held_by_own(day)) for day in dates]),
    ]
    if standard_on:
        # Townships covered by a station (its own or a merged one's) whose latest check then passed:
        # only stations that ever passed one need looking at.
        passed_once = Exists(StationAcceptance.objects.filter(station_id=OuterRef("station_id"), passed=True))
        parts.append(grouped(periods.filter(passed_once), "s", "township_code", [
            Count("township_code", distinct=True, filter=_held_by_passed(day)) if day in standard_on else Value(0)
            for day in dates]))
    result: dict[str, tuple[list[int], list[int], list[int]]] = {}
    for row in parts[0].union(*parts[1:], all=True):
        totals, covering, meeting = result.setdefault(row["group"], ([0] * n, [0] * n, [0] * n))
        counts = [row["n0"]] * n if row["part"] == "=" else [row[f"n{i}"] for i in range(n)]
        target, sign = {"c": (covering, 1), "s": (meeting, 1), "-": (totals, -1)}.get(row["part"], (totals, 1))
        for i in range(n):
            target[i] += sign * counts[i]
    return result


# The conditions on a date are written as SQL: built as filters, ten dates over six parts took
# longer to build than the query took to run. Standard SQL, the same on SQLite and PostgreSQL.

def _column(model, name: str) -> str:
    return f"{connection.ops.quote_name(model._meta.db_table)}.{connection.ops.quote_name(name)}"


def _day_in(model, first: str, last: str, *, last_included: bool = True):
    """The condition "the row's days (``first`` to ``last``, empty: unbounded) hold the date"."""
    sql = (f"({_column(model, first)} IS NULL OR {_column(model, first)} <= %s) AND "
           f"({_column(model, last)} IS NULL OR {_column(model, last)} {'>=' if last_included else '>'} %s)")
    return lambda day: RawSQL(sql, (day, day), output_field=BooleanField())


def _not_held_by_own(day: datetime.date):
    """A merged township's station's period holds the date, and no period of the successor's own
    station does (it would count the township already)."""
    table, code = _column(CoveragePeriod, "starts_on").split(".")[0], _column(CoveragePeriod, "township_code")
    sql = (f"{_column(CoveragePeriod, 'starts_on')} <= %s AND ({_column(CoveragePeriod, 'ends_on')} IS NULL OR "
           f"{_column(CoveragePeriod, 'ends_on')} > %s) AND NOT EXISTS (SELECT 1 FROM {table} own "
           f"WHERE own.township_code = {code} AND own.merged_in = %s AND own.starts_on <= %s "
           f"AND (own.ends_on IS NULL OR own.ends_on > %s))")
    return RawSQL(sql, (day, day, False, day, day), output_field=BooleanField())


def _held_by_passed(day: datetime.date):
    """The period holds the date, and its station's latest acceptance check on or before the date
    passed: a check dated after the date plays no part in it, so the figure for a past date stays."""
    table = connection.ops.quote_name(StationAcceptance._meta.db_table)
    sql = (f"{_column(CoveragePeriod, 'starts_on')} <= %s AND ({_column(CoveragePeriod, 'ends_on')} IS NULL OR "
           f"{_column(CoveragePeriod, 'ends_on')} > %s) AND (SELECT latest.passed FROM {table} latest "
           f"WHERE latest.station_id = {_column(CoveragePeriod, 'station_id')} AND latest.checked_on <= %s "
           f"ORDER BY latest.checked_on DESC, latest.id DESC LIMIT 1) = %s")
    return RawSQL(sql, (day, day, day, True), output_field=BooleanField())


def regions_on(queryset, on_date: datetime.date) -> list[Region]:
    """The regions of ``queryset`` that existed on the date, each with its name and kind of that
    date in ``name`` and ``kind`` (for display: the instances are not to be saved)."""
    regions = list(queryset.as_on(on_date))
    for region in regions:
        region.name, region.kind = region.name_on, region.kind_on
    return regions
