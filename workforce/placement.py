"""Stored placements (:class:`workforce.models.Placement`), kept by the rule for summaries (see
:mod:`stations.services.summaries`): the service that writes what places a person refreshes it.

Writes. A person is placed by their assignments, else by their registering region. The workforce
services that write either (a person registered or their registering region changed, an assignment
added, changed or deleted) call :func:`refresh_placements` for the people they touched, in their
transaction; so do the Excel imports of people and assignments, row by row. A station moving to
another township is a stations write: the stations services announce it, and
:func:`follow_station_moves`, registered from :class:`workforce.apps.WorkforceConfig`, gives its
people's placements the new township in the same transaction. Rows copied in past the services
(the national data generator) are followed by ``refresh_placements()`` for everyone.

Time. A placement also changes with no write at all: on the day a later assignment begins. A
stored placement carries that day as ``valid_until`` and the scope trusts it only before then
(``PlacementQuerySet.placed``, ``PersonQuerySet.with_placement``); from that day on, the query
works the placement out from the assignments itself. So no job has to run for anyone to be placed
correctly at midnight. ``manage.py refresh_placements``, run daily, is only a compaction: it stores
the placements that ran out, so that the scope goes back to an indexed match for those people."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core import figures
from stations.models import Station
from workforce.models import Person, Placement, placement_expressions

BATCH = 2000


def refresh_placements(person_ids: Iterable[int] | None = None, *, stale_only: bool = False) -> int:
    """Store today's placement of these people (everyone when None), one statement per 2,000.
    ``stale_only``: only people without a stored placement or whose placement has run out."""
    today = timezone.localdate()
    people = Person.objects.order_by()
    if stale_only:
        people = people.filter(Q(placement__isnull=True) | Q(placement__valid_until__lte=today))
    if person_ids is None:
        return _store(people, today)
    person_ids = sorted(set(person_ids))
    return sum(_store(people.filter(pk__in=person_ids[start:start + BATCH]), today)
               for start in range(0, len(person_ids), BATCH))


def _store(people: QuerySet, today: datetime.date) -> int:
    """INSERT … SELECT … ON CONFLICT: the placements worked out in the database, in one statement."""
    expressions = placement_expressions(OuterRef("pk"), F("registered_region__code"), today)
    computed = people.annotate(placed_station=expressions["station"], placed_code=expressions["region_code"],
                               placed_until=expressions["valid_until"]).values(
        "pk", "placed_station", "placed_code", "placed_until")
    select, params = computed.query.sql_with_params()
    table = connection.ops.quote_name(Placement._meta.db_table)
    # "WHERE true" keeps SQLite from reading ON CONFLICT as a join condition of the SELECT.
    sql = (f"INSERT INTO {table} (person_id, station_id, region_code, valid_until) "
           f"SELECT * FROM ({select}) computed WHERE true ON CONFLICT (person_id) DO UPDATE SET "
           "station_id = excluded.station_id, region_code = excluded.region_code, valid_until = excluded.valid_until")
    figures.changed(figures.REGISTRY)  # written in SQL, which no signal tells of
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def follow_station_moves(station_ids: Iterable[int]) -> int:
    """Placements at stations now in another township take the station's new region code."""
    station_ids = sorted(set(station_ids))
    figures.changed(figures.REGISTRY)
    code = Subquery(Station.objects.filter(pk=OuterRef("station_id")).values("region__code")[:1])
    unchanged = Station.objects.filter(pk=OuterRef("station_id"), region__code=OuterRef("region_code"))
    return sum(Placement.objects.filter(station_id__in=station_ids[start:start + BATCH]).filter(~Exists(unchanged))
               .update(region_code=code) for start in range(0, len(station_ids), BATCH))
