"""Writes to the division register besides the division loads: an official's correction of a
region (its name, kind, population or validity dates). A township's change of kind moves it in
or out of the coverage count, so the service refreshes the coverage periods that carry it."""

from __future__ import annotations

from django.db import transaction

from core.audit import apply_changes, save_audited
from stations.models import Region
from stations.services.stations import ensure_region_in_scope
from stations.services.summaries import townships_changed

REGION_FIELDS = ("name", "kind", "population", "valid_from", "valid_to")


@transaction.atomic
def region_update(*, actor, region: Region, **data) -> Region:
    """Change a region within the actor's scope; its code, level and parent come from the
    official division data and are not changed here."""
    ensure_region_in_scope(actor, region)
    changed = apply_changes(region, data, REGION_FIELDS)
    if changed:
        save_audited(region, actor=actor, update_fields=changed)
    if "kind" in changed:
        townships_changed([region.pk])
    return region
