"""The coverage periods (:class:`stations.models.CoveragePeriod`) rebuilt from the status histories.

A period is attributed to the township the station belonged to on those days, with the township's
kind then: a run of covering statuses is cut where the township changed kind (a dated change, see
:class:`stations.models.RegionVersion`) and where it ended; after a township ended with a successor
(a merge) the station's coverage counts in the successor, with the successor's kind.

Kept by the rule in :mod:`stations.services.summaries`: every service that writes a status change,
a station (its township or its kind) or a township's kind calls it there, in its transaction. The
national data generator, which copies rows in past the services, calls
:func:`refresh_coverage_periods` for everything once it is done."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from stations.models import (
    COVERING_STATUSES,
    CoveragePeriod,
    Region,
    RegionVersion,
    Station,
    StationKind,
    StationStatusChange,
)

BATCH = 2000
ONE_DAY = datetime.timedelta(days=1)
MAX_MERGES = 20  # a chain of successors longer than this is a loop in the data

Day = datetime.date | None
Segment = tuple[Day, Day, str, str]  # from (None: always), up to the day before (None: still), code, kind


def covering_periods(history: Iterable[tuple[datetime.date, str]]) -> list[tuple[datetime.date, datetime.date | None]]:
    """(starts_on, ends_on) of each run of covering statuses in a history given in date order; the
    last is open (None) when the latest status still covers."""
    periods, start = [], None
    for effective_on, status in history:
        covers = status in COVERING_STATUSES
        if covers and start is None:
            start = effective_on
        elif not covers and start is not None:
            periods.append((start, effective_on))
            start = None
    if start is not None:
        periods.append((start, None))
    return periods


class Townships:
    """The dated attribution of township stations: for a township, the stretches of days and the
    township (code, kind) a station placed in it counts in. Loads the regions it needs, their
    versions and successors, a few queries per batch."""

    def __init__(self):
        self.regions: dict[int, tuple] = {}
        self.versions: dict[int, list[tuple[Day, datetime.date, str]]] = {}

    def load(self, region_ids) -> None:
        wanted = set(region_ids) - set(self.regions)
        for _depth in range(MAX_MERGES):
            if not wanted:
                break
            rows = Region.objects.filter(pk__in=wanted).values_list(
                "pk", "code", "kind", "valid_from", "valid_to", "successor_id")
            for pk, *info in rows:
                self.regions[pk] = tuple(info)
            for region_id, valid_from, valid_to, kind in RegionVersion.objects.filter(region_id__in=wanted).order_by(
                    "valid_to").values_list("region_id", "valid_from", "valid_to", "kind"):
                self.versions.setdefault(region_id, []).append((valid_from, valid_to, kind))
            wanted = {info[4] for info in self.regions.values() if info[4]} - set(self.regions)

    def segments(self, region_id: int, depth: int = 0) -> list[Segment]:
        code, kind, valid_from, valid_to, successor_id = self.regions[region_id]
        end = valid_to + ONE_DAY if valid_to else None
        result, start = [], valid_from
        for version_from, version_to, version_kind in self.versions.get(region_id, []):
            result.append((version_from or start, version_to + ONE_DAY, code, version_kind))
            start = version_to + ONE_DAY
        result.append((start, end, code, kind))
        if end is not None and successor_id and depth < MAX_MERGES:
            result += clip(self.segments(successor_id, depth + 1), end, None)
        return result


def clip(segments: list[Segment], start: Day, end: Day) -> list[Segment]:
    """The parts of the segments between ``start`` and the day before ``end`` (None: unbounded),
    adjacent parts in the same township with the same kind joined."""
    result: list[Segment] = []
    for seg_start, seg_end, code, kind in segments:
        lower = seg_start if start is None else (start if seg_start is None else max(start, seg_start))
        upper = seg_end if end is None else (end if seg_end is None else min(end, seg_end))
        if lower is not None and upper is not None and upper <= lower:
            continue
        if result and result[-1][1] == lower and result[-1][2:] == (code, kind):
            result[-1] = (result[-1][0], upper, code, kind)
        else:
            result.append((lower, upper, code, kind))
    return result


@transaction.atomic
def refresh_coverage_periods(station_ids: Iterable[int] | None = None) -> int:
    """Rebuild the coverage periods of these stations (of every station when None) from their
    status histories and their townships' dated history, a few queries per 2,000 stations.
    Returns the number of periods written."""
    if station_ids is None:
        CoveragePeriod.objects.all().delete()
        station_ids = Station.objects.order_by("pk").values_list("pk", flat=True)
    else:
        station_ids = sorted(set(station_ids))
    station_ids = list(station_ids)
    written = 0
    for start in range(0, len(station_ids), BATCH):
        batch = station_ids[start:start + BATCH]
        CoveragePeriod.objects.filter(station_id__in=batch).delete()
        townships = dict(Station.objects.filter(pk__in=batch, kind=StationKind.TOWNSHIP_STATION)
                         .values_list("pk", "region_id"))
        attribution = Townships()
        attribution.load(set(townships.values()))
        histories: dict[int, list[tuple[datetime.date, str]]] = {}
        changes = (StationStatusChange.objects.active().filter(station_id__in=list(townships))
                   .order_by("station_id", "effective_on", "pk").values_list("station_id", "effective_on", "status"))
        for station_id, effective_on, status in changes:
            histories.setdefault(station_id, []).append((effective_on, status))
        own = {region_id: info[0] for region_id, info in attribution.regions.items()}
        periods = [CoveragePeriod(station_id=station_id, township_code=code, township_kind=kind, starts_on=starts_on,
                                  ends_on=ends_on, merged_in=code != own[townships[station_id]])
                   for station_id, history in histories.items()
                   for period_start, period_end in covering_periods(history)
                   for starts_on, ends_on, code, kind in clip(attribution.segments(townships[station_id]),
                                                              period_start, period_end)]
        CoveragePeriod.objects.bulk_create(periods, batch_size=BATCH)
        written += len(periods)
    return written


def refresh_coverage_periods_in_regions(region_ids: Iterable[int]) -> int:
    """After townships changed kind, name or dates of use: rebuild the periods of their stations and
    of the stations of the townships merged into them."""
    region_ids = set(region_ids)
    if not region_ids:
        return 0
    frontier = set(region_ids)
    for _depth in range(MAX_MERGES):
        frontier = set(Region.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)) - region_ids
        if not frontier:
            break
        region_ids |= frontier
    return refresh_coverage_periods(Station.objects.filter(region_id__in=region_ids).values_list("pk", flat=True))
