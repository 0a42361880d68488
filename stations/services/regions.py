"""Writes to the division register: an official's change of a region in the admin, and the dated
changes of a division load (:mod:`stations.divisions`).

A region's name and kind are dated: changing them from a day on keeps the old ones before that
day (a :class:`RegionVersion`), so coverage at an earlier date still counts the township as it
was. Ending a region (merged, abolished) sets its last day and, for a merge, the region its
stations count in from then on. Every dated change leaves a :class:`RegionChange`, and refreshes
the coverage periods of the stations it touches, in the same transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import apply_changes, save_audited
from stations.models import Region, RegionChange, RegionVersion
from stations.services.stations import ensure_region_in_scope
from stations.services.summaries import townships_changed

REGION_FIELDS = ("name", "kind", "population")
DATED_FIELDS = ("name", "kind")
ONE_DAY = datetime.timedelta(days=1)


@transaction.atomic
def region_update(*, actor, region: Region, effective_on: datetime.date | None = None, reason: str = "",
                  **data) -> Region:
    """Change a region within the actor's scope. A new name or kind takes effect from
    ``effective_on`` (required then): before it the region keeps its old ones. Its code, level,
    parent and dates of use come from the official division data and are not changed here."""
    ensure_region_in_scope(actor, region)
    dated = {name: data.pop(name) for name in DATED_FIELDS if name in data}
    changed = apply_changes(region, data, REGION_FIELDS)
    if changed:
        save_audited(region, actor=actor, update_fields=changed)
    if any(getattr(region, name) != value for name, value in dated.items()):
        if effective_on is None:
            raise ValidationError({"effective_on": _("修改区划名称或类型必须填写生效日期：此前各日期的统计保持原名称和类型。")})
        source = _("管理后台") + (f"：{reason}" if reason else "")
        region_change_dated(region=region, effective_on=effective_on, actor=actor, source=source, **dated)
    return region


def region_change_dated(*, region: Region, effective_on: datetime.date, actor, source: str, **new) -> bool:
    """From ``effective_on`` on, the region has the ``new`` name and/or kind; before it, the ones
    it has now. Refused when the region already changed on or after that day, or did not exist
    then. Returns whether anything changed. Call inside a transaction."""
    changes = {name: [getattr(region, name), value] for name, value in new.items() if getattr(region, name) != value}
    if not changes:
        return False
    _ensure_changeable(region, effective_on)
    RegionVersion.objects.create(region=region, name=region.name, kind=region.kind,
                                 valid_from=region.current_since(), valid_to=effective_on - ONE_DAY)
    for name, (_before, after) in changes.items():
        setattr(region, name, after)
    save_audited(region, actor=actor, update_fields=list(changes))
    RegionChange.objects.create(region=region, effective_on=effective_on, changes=changes, source=source,
                                changed_by=actor if getattr(actor, "pk", None) else None)
    townships_changed([region.pk])
    return True


def region_end(*, region: Region, effective_on: datetime.date, actor, source: str,
               successor: Region | None = None) -> bool:
    """The region is no longer in use from ``effective_on`` (its last day is the day before); a
    ``successor`` takes its stations' coverage from then on (a merge). Returns whether anything
    changed (ending a region again on the same day with the same successor changes nothing)."""
    last_day = effective_on - ONE_DAY
    if region.valid_to is not None:
        if region.valid_to == last_day and region.successor_id == getattr(successor, "pk", None):
            return False
        raise ValidationError(_("%(name)s（%(code)s）已于 %(day)s 停用。")
                              % {"name": region.name, "code": region.code, "day": region.valid_to})
    _ensure_changeable(region, effective_on)
    if successor is not None and not successor.exists_on(effective_on):
        raise ValidationError(_("并入的区划 %(name)s（%(code)s）在 %(day)s 不存在。")
                              % {"name": successor.name, "code": successor.code, "day": effective_on})
    changes = {"valid_to": [None, last_day.isoformat()]}
    if successor is not None:
        changes["successor"] = [None, successor.code]
    region.valid_to, region.successor = last_day, successor
    save_audited(region, actor=actor, update_fields=["valid_to", "successor"])
    RegionChange.objects.create(region=region, effective_on=effective_on, changes=changes, source=source,
                                changed_by=actor if getattr(actor, "pk", None) else None)
    townships_changed([region.pk])
    return True


def _ensure_changeable(region: Region, effective_on: datetime.date) -> None:
    """A dated change must come after the region's last one and while it is in use: an earlier
    one would rewrite days already recorded, which only an explicit correction may do."""
    since = region.current_since()
    if since is not None and effective_on <= since:
        raise ValidationError(_("%(name)s（%(code)s）自 %(since)s 起已有记录，变更生效日期必须晚于该日。")
                              % {"name": region.name, "code": region.code, "since": since})
    if region.valid_to is not None and effective_on > region.valid_to + ONE_DAY:
        raise ValidationError(_("%(name)s（%(code)s）已于 %(day)s 停用，不能再变更。")
                              % {"name": region.name, "code": region.code, "day": region.valid_to})
