"""Writes for stations. Each takes the acting user, validates, runs in a
transaction and leaves an audit record."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.audit import apply_changes, save_audited
from stations.models import Region, Station, StationAcceptance, StationStatus, StationStatusChange
from stations.scope import scope_of

STATION_FIELDS = (
    "region", "name", "kind", "address", "site_area_m2", "co_location", "opened_on", "contact_name", "contact_phone",
)


def _ensure_region_in_scope(actor, region: Region) -> None:
    scope = scope_of(actor)
    if scope.everything:
        return
    if not scope.prefix or not region.code.startswith(scope.prefix):
        raise PermissionDenied(_("该区划不在您的管辖范围内。"))


@transaction.atomic
def station_create(*, actor, initial_status: str = StationStatus.PLANNED,
                   status_effective_on: datetime.date | None = None, **data) -> Station:
    """Register a station with its first status."""
    _ensure_region_in_scope(actor, data["region"])
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
    if "region" in data:
        _ensure_region_in_scope(actor, data["region"])
    changed = apply_changes(station, data, STATION_FIELDS)
    if changed:
        save_audited(station, actor=actor, update_fields=[*changed, "updated_at"])
    return station


@transaction.atomic
def station_change_status(*, actor, station: Station, status: str, effective_on: datetime.date,
                          reason: str = "") -> StationStatusChange:
    """Record a dated status change. One change per station per day."""
    if StationStatusChange.objects.filter(station=station, effective_on=effective_on).exists():
        raise ValidationError({"effective_on": _("该站点在 %(date)s 已有一次状态变更。") % {"date": effective_on}})
    if status not in StationStatus.values:
        raise ValidationError({"status": _("状态“%(status)s”不在可选范围内。") % {"status": status}})
    change = StationStatusChange(
        station=station, status=status, effective_on=effective_on, reason=reason, changed_by=actor,
    )
    save_audited(change, actor=actor, reason=reason)
    return change


@transaction.atomic
def station_record_acceptance(*, actor, station: Station, checked_on: datetime.date, passed: bool,
                              source: str = "", notes: str = "") -> StationAcceptance:
    """Record a dated acceptance check of a station against its province's standard."""
    acceptance = StationAcceptance(
        station=station, checked_on=checked_on, passed=passed, source=source, notes=notes, checked_by=actor,
    )
    save_audited(acceptance, actor=actor, reason=source)
    return acceptance
