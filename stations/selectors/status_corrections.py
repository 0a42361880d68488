"""Corrections of station status records, as the station's page and the coverage dashboard list them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from stations.models import (
    CorrectionAction,
    Region,
    Station,
    StationKind,
    StationStatus,
    StationStatusChange,
    StationStatusCorrection,
)

DASHBOARD_LIMIT = 100


# A status record entered after the date it takes effect: not a correction, but it too changes the
# figures of the dates between.
LATE_ENTRY = "entry"
ROW_LABELS = {**dict(CorrectionAction.choices), LATE_ENTRY: gettext_lazy("补录")}


@dataclass
class CorrectionRow:
    """A correction of a status record (``action`` correct or void), or a late entry of one."""

    station_id: int
    station_name: str
    township_name: str
    action: str
    old_status: str
    old_effective_on: datetime.date | None
    new_status: str
    new_effective_on: datetime.date | None
    corrected_by: str
    corrected_at: datetime.datetime
    reason: str

    @property
    def voided(self) -> bool:
        return self.action == CorrectionAction.VOID

    @property
    def action_label(self) -> str:
        return ROW_LABELS[self.action]

    @property
    def old_status_label(self) -> str:
        return StationStatus(self.old_status).label if self.old_status else ""

    @property
    def new_status_label(self) -> str:
        return StationStatus(self.new_status).label if self.new_status else ""


@dataclass
class CorrectionsSince:
    """What was written after ``on_date`` about the statuses on or before it (newest first)."""

    on_date: datetime.date
    rows: list[CorrectionRow]
    more: bool  # more were written; only the newest ``len(rows)`` are listed


def _rows(corrections) -> list[CorrectionRow]:
    return [CorrectionRow(
        station_id=c.change.station_id, station_name=c.change.station.name, township_name=c.change.station.region.name,
        action=c.action, old_status=c.old_status, old_effective_on=c.old_effective_on, new_status=c.new_status,
        new_effective_on=c.new_effective_on, corrected_by=str(c.corrected_by), corrected_at=c.corrected_at,
        reason=c.reason) for c in corrections]


def _late_rows(changes) -> list[CorrectionRow]:
    return [CorrectionRow(
        station_id=c.station_id, station_name=c.station.name, township_name=c.station.region.name, action=LATE_ENTRY,
        old_status="", old_effective_on=None, new_status=c.status, new_effective_on=c.effective_on,
        corrected_by=str(c.changed_by or "—"), corrected_at=c.recorded_at, reason=c.reason) for c in changes]


def _selected(queryset):
    return queryset.select_related("change__station__region", "corrected_by").order_by("-corrected_at", "-pk")


def station_status_corrections(station: Station) -> list[CorrectionRow]:
    """Every correction of the station's status records, newest first (one query)."""
    return _rows(_selected(StationStatusCorrection.objects.filter(change__station=station)))


def status_corrections_after(*, user, region: Region | None, on_date: datetime.date,
                             limit: int = DASHBOARD_LIMIT) -> CorrectionsSince:
    """What changed the coverage figures for ``on_date`` after that day: the corrections made after
    it to township stations' status records dated on or before it (before or after the correction),
    and the records entered after it with such a date; among the records the user may see, in
    ``region`` (None: everywhere the user sees). Two queries."""
    day_after = timezone.make_aware(datetime.datetime.combine(on_date + datetime.timedelta(days=1), datetime.time.min))
    corrections = StationStatusCorrection.objects.visible_to(user).filter(
        Q(old_effective_on__lte=on_date) | Q(new_effective_on__lte=on_date),
        corrected_at__gte=day_after, change__station__kind=StationKind.TOWNSHIP_STATION)
    late = StationStatusChange.objects.visible_to(user).filter(
        effective_on__lte=on_date, recorded_at__gte=day_after, station__kind=StationKind.TOWNSHIP_STATION)
    if region is not None:
        corrections = corrections.filter(change__station__region__code__startswith=region.prefix)
        late = late.filter(station__region__code__startswith=region.prefix)
    rows = [*_rows(_selected(corrections)[:limit + 1]),
            *_late_rows(late.select_related("station__region", "changed_by").order_by("-recorded_at", "-pk")[:limit + 1])]
    rows.sort(key=lambda row: row.corrected_at, reverse=True)
    return CorrectionsSince(on_date=on_date, rows=rows[:limit], more=len(rows) > limit)
