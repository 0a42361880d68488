"""The coverage periods (:class:`stations.models.CoveragePeriod`) rebuilt from the status histories.

Kept by the rule in :mod:`stations.services.summaries`: every service that writes a status change,
a station (its township or its kind) or a township's kind calls it there, in its transaction. The
national data generator, which copies rows in past the services, calls
:func:`refresh_coverage_periods` for everything once it is done."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from stations.models import COVERING_STATUSES, CoveragePeriod, Station, StationKind, StationStatusChange

BATCH = 2000


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


@transaction.atomic
def refresh_coverage_periods(station_ids: Iterable[int] | None = None) -> int:
    """Rebuild the coverage periods of these stations (of every station when None) from their
    status histories, a few queries per 2,000 stations. Returns the number of periods written."""
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
        townships = {pk: (code, kind) for pk, code, kind in Station.objects.filter(
            pk__in=batch, kind=StationKind.TOWNSHIP_STATION).values_list("pk", "region__code", "region__kind")}
        histories: dict[int, list[tuple[datetime.date, str]]] = {}
        changes = (StationStatusChange.objects.active().filter(station_id__in=list(townships))
                   .order_by("station_id", "effective_on", "pk").values_list("station_id", "effective_on", "status"))
        for station_id, effective_on, status in changes:
            histories.setdefault(station_id, []).append((effective_on, status))
        periods = [CoveragePeriod(station_id=station_id, township_code=townships[station_id][0],
                                  township_kind=townships[station_id][1], starts_on=starts_on, ends_on=ends_on)
                   for station_id, history in histories.items() for starts_on, ends_on in covering_periods(history)]
        CoveragePeriod.objects.bulk_create(periods, batch_size=BATCH)
        written += len(periods)
    return written


def refresh_coverage_periods_in_regions(region_ids: Iterable[int]) -> int:
    """After townships changed kind: rebuild the periods of their stations."""
    region_ids = list(region_ids)
    if not region_ids:
        return 0
    return refresh_coverage_periods(Station.objects.filter(region_id__in=region_ids).values_list("pk", flat=True))
