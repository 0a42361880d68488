"""Writes for stations. Each takes the acting user, validates, runs in a
transaction and leaves an audit record."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import figures
from core.audit import apply_changes, save_audited
from core.scope import scope_of
from stations.models import Region, Station, StationAcceptance, StationStatus, StationStatusChange
from stations.permissions import can_manage_station
from stations.services.status_history import check_status_change, latest_status_record
from stations.services.summaries import stations_changed

BULK_BATCH = 1000
STATION_FIELDS = (
    "region", "name", "kind", "address", "site_area_m2", "co_location", "opened_on", "contact_name", "contact_phone",
)


def require_station_manager(actor, station: Station | None = None) -> None:
    """Refuses anyone :func:`can_manage_station` does not allow (for ``station``, when given)."""
    if not can_manage_station(actor, station):
        raise PermissionDenied(
            _("只有县级民政部门（或省级民政部门）可以登记和修改本辖区的社工站。"))


def ensure_region_in_scope(actor, region: Region) -> None:
    ensure_regions_in_scope(actor, [region])


def ensure_regions_in_scope(actor, regions) -> None:
    scope = scope_of(actor)
    if scope.everything:
        return
    if not scope.prefix or not all(region.code.startswith(scope.prefix) for region in regions):
        raise PermissionDenied(_("该区划不在您的管辖范围内。"))


@transaction.atomic
def station_create(*, actor, initial_status: str = StationStatus.PLANNED,
                   status_effective_on: datetime.date | None = None, **data) -> Station:
    """Register a station with its first status."""
    require_station_manager(actor)
    ensure_region_in_scope(actor, data["region"])
    station = Station(**{key: value for key, value in data.items() if key in STATION_FIELDS})
    save_audited(station, actor=actor)
    station_change_status(
        actor=actor, station=station, status=initial_status,
        effective_on=status_effective_on or data.get("opened_on") or timezone.localdate(),
        reason=_("登记"),
    )
    return station


@transaction.atomic
def station_update(*, actor, station: Station, **data) -> Station:
    require_station_manager(actor, station)
    if "region" in data:
        ensure_region_in_scope(actor, data["region"])
    changed = apply_changes(station, data, STATION_FIELDS)
    if changed:
        save_audited(station, actor=actor, update_fields=[*changed, "updated_at"])
        if {"region", "kind"} & set(changed):
            stations_changed([station.pk], moved="region" in changed)
    return station


@transaction.atomic
def station_change_status(*, actor, station: Station, status: str, effective_on: datetime.date,
                          reason: str = "") -> StationStatusChange:
    """Record a dated status change: after the station's latest record, and a step the lifecycle
    allows (:func:`stations.services.status_history.check_status_change`)."""
    require_station_manager(actor, station)
    Station.objects.select_for_update().filter(pk=station.pk).first()  # one writer per station's history
    check_status_change(latest=latest_status_record(station), status=status, effective_on=effective_on,
                        reason=reason)
    change = StationStatusChange(
        station=station, status=status, effective_on=effective_on, reason=reason, changed_by=actor,
    )
    save_audited(change, actor=actor, reason=reason)
    stations_changed([station.pk])
    return change


@transaction.atomic
def stations_save_in_bulk(*, actor, created: list[Station], updated: list[Station],
                          status_changes: list[StationStatusChange], reason: str, on_written=None) -> None:
    """Write many already validated stations at once (an Excel import): new ones, existing ones
    and their status changes (each ``check_status_change``-ed against the station's latest record),
    in batches. As with one station at a time, every region must be within the actor's scope and
    every row written gets its history record naming the actor and the reason. ``on_written(done,
    total)``, if given, is told after each batch how many of the records are written."""
    require_station_manager(actor)
    ensure_regions_in_scope(actor, (station.region for station in (*created, *updated)))
    audit = {"batch_size": BULK_BATCH, "default_user": actor, "default_change_reason": reason}
    total, done = len(created) + len(updated) + len(status_changes), 0

    def tell(batch: list) -> None:
        nonlocal done
        done += len(batch)
        if on_written is not None:
            on_written(done, total)

    for batch in _batches(created):
        bulk_create_with_history(batch, Station, **audit)
        tell(batch)
    moved, rekinded = [], []  # updated stations put in another division, or given another kind
    for batch in _batches(updated):
        stored = dict((pk, (region_id, kind)) for pk, region_id, kind in Station.objects.filter(
            pk__in=[station.pk for station in batch]).values_list("pk", "region_id", "kind"))
        for station in batch:
            region_id, kind = stored.get(station.pk, (None, None))
            if region_id != station.region_id:
                moved.append(station.pk)
            elif kind != station.kind:
                rekinded.append(station.pk)
        _upsert_stations(batch, audit)
        tell(batch)
    for batch in _batches(status_changes):  # bulk_create takes a new station's id from the now saved station
        bulk_create_with_history(batch, StationStatusChange, **audit)
        tell(batch)
    # The summaries follow what they summarise: a status history, a station's division or kind
    # (an update of other fields, such as a name or a phone number, changes none of them).
    figures.changed(figures.REGISTRY)
    stations_changed([*(station.pk for station in created), *rekinded,
                      *(change.station_id for change in status_changes)])
    stations_changed(moved, moved=True)


def _batches(records: list):
    for start in range(0, len(records), BULK_BATCH):
        yield records[start:start + BULK_BATCH]


def _upsert_stations(updated: list[Station], audit: dict) -> None:
    """An upsert by primary key (INSERT … ON CONFLICT (id) DO UPDATE) rather than bulk_update,
    whose CASE per field and row costs about a millisecond a row. Every row exists, so each one is
    an update of the station's own fields; created_at stays as stored."""
    created_at = [station.created_at for station in updated]
    Station.objects.bulk_create(updated, batch_size=BULK_BATCH, update_conflicts=True, unique_fields=["id"],
                                update_fields=[*STATION_FIELDS, "updated_at"])
    for station, value in zip(updated, created_at, strict=True):
        station.created_at = value  # the insert half set it on the instance, as the history would record
    Station.history.bulk_history_create(updated, update=True, **audit)


@transaction.atomic
def station_record_acceptance(*, actor, station: Station, checked_on: datetime.date, passed: bool,
                              source: str = "", notes: str = "") -> StationAcceptance:
    """Record a dated acceptance check of a station against its province's standard."""
    acceptance = StationAcceptance(
        station=station, checked_on=checked_on, passed=passed, source=source, notes=notes, checked_by=actor,
    )
    save_audited(acceptance, actor=actor, reason=source)
    return acceptance
