"""Stored placements (:class:`workforce.models.Placement`) kept in step with what places a person.

A placement changes when a person is registered or their registering region changes, when an
assignment is added, changed or removed, when a station moves to another township, and when a
future assignment begins. The first three reach the database through many paths (the services,
the admin's forms and inlines, the spreadsheet imports), so they are caught by the model signals
connected in :class:`workforce.apps.WorkforceConfig`. Bulk writes that bypass signals (a station
import, the national data generator) call these functions themselves; assignments beginning are
picked up by ``manage.py refresh_placements`` once a day, and until then by the scope itself."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from stations.models import Station
from workforce.models import Employment, Person, Placement, placement_expressions

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
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def follow_station_moves(station_ids: Iterable[int]) -> int:
    """Placements at stations now in another township take the station's new region code."""
    station_ids = sorted(set(station_ids))
    code = Subquery(Station.objects.filter(pk=OuterRef("station_id")).values("region__code")[:1])
    unchanged = Station.objects.filter(pk=OuterRef("station_id"), region__code=OuterRef("region_code"))
    return sum(Placement.objects.filter(station_id__in=station_ids[start:start + BATCH]).filter(~Exists(unchanged))
               .update(region_code=code) for start in range(0, len(station_ids), BATCH))


# -- signal receivers (connected in WorkforceConfig.ready) ------------------------------------

def person_saved(sender, instance: Person, raw=False, created=False, update_fields=None, **kwargs):
    # Of a person's own fields only the registering region places them (an edit of the phone does not).
    if not raw and (created or update_fields is None or "registered_region" in update_fields):
        refresh_placements([instance.pk])


def employment_saving(sender, instance: Employment, raw=False, **kwargs):
    """Remember whose assignment it was, in case the save moves it to another person."""
    if not raw and instance.pk:
        instance._placement_previous_person = (
            Employment.objects.filter(pk=instance.pk).values_list("person_id", flat=True).first())


def employment_saved(sender, instance: Employment, raw=False, **kwargs):
    if not raw:
        previous = getattr(instance, "_placement_previous_person", None)
        refresh_placements({instance.person_id, *([previous] if previous else [])})


def employment_deleted(sender, instance: Employment, origin=None, **kwargs):
    # When the person is deleted with their assignments, there is nobody left to place.
    deleting_people = isinstance(origin, Person) or (isinstance(origin, QuerySet) and origin.model is Person)
    if not deleting_people:
        refresh_placements([instance.person_id])


def station_saved(sender, instance: Station, raw=False, created=False, update_fields=None, **kwargs):
    # A new station has nobody placed at it yet; a save that leaves the township alone moves no one.
    if not raw and not created and (update_fields is None or "region" in update_fields):
        follow_station_moves([instance.pk])


def stations_saved_in_bulk(sender, station_ids, **kwargs):
    follow_station_moves(station_ids)
