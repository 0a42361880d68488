"""A station's acceptance check against the building standard in force on the check date, item by
item. Checklists come from policy documents (packs, or the admin); none is built in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import save_audited
from stations.metrics import Shortfall, staffing_shortfalls, station_metric, station_metric_spec
from stations.models import (
    AcceptanceItemResult,
    ItemSource,
    PolicyDocument,
    StandardChecklist,
    StandardItem,
    Station,
    StationAcceptance,
)
from stations.services.stations import ensure_region_in_scope, require_station_manager, station_record_acceptance


@dataclass
class ItemCheck:
    item: StandardItem
    measured: Decimal | int | None
    from_data: bool  # decided by the data, never by a tick: every item with a numeric minimum
    met: bool | None  # None: to be ticked by hand
    missing: str = ""  # the figure the item needs is not recorded: not met, and this says why
    shortfalls: list[Shortfall] = field(default_factory=list)  # roster by role against the staffing rules


def checklists_in_force(province_code: str, on_date: datetime.date) -> list[StandardChecklist]:
    """The active checklists set by the latest document governing the province that is in force on
    the date (a later standard replaces an earlier one), by name; empty where none is."""
    documents = PolicyDocument.objects.in_force_on(on_date).filter(region__code=province_code)
    rows = list(StandardChecklist.objects.filter(province__code=province_code, is_active=True, document__in=documents)
                .select_related("document", "province").order_by("-document__effective_from", "-document_id", "name"))
    return [checklist for checklist in rows if checklist.document_id == rows[0].document_id] if rows else []


def station_checklist(station: Station, on_date: datetime.date | None = None) -> StandardChecklist | None:
    """The checklist a station is checked against on a date (today by default): that of the latest
    document governing its province in force on the date; None where no document sets one."""
    found = checklists_in_force(station.region.code[:2].ljust(12, "0"), on_date or timezone.localdate())
    return found[0] if found else None


def checklist_preview(*, station: Station, checklist: StandardChecklist, on_date: datetime.date) -> list[ItemCheck]:
    """Each item with the verdict of the data, or None for an item without a numeric minimum (ticked
    by hand). An item with a minimum is decided by the data alone: where the figure is not recorded
    (no roster, no site area) it is not met and says why. A roster figure is also checked by role
    against the staffing rules in force for the station's region (a station head, N social workers),
    so a head count of any role cannot meet it."""
    checks = []
    for item in checklist.items.order_by("position", "pk"):
        if not item.metric:
            checks.append(ItemCheck(item=item, measured=None, from_data=False, met=None))
            continue
        spec = station_metric_spec(item.metric)
        measured = station_metric(item.metric, station, on_date)
        if measured is None:
            missing = (spec.missing if spec and spec.missing else
                       _("系统没有“%(label)s”数据") % {"label": item.get_metric_display()})
            checks.append(ItemCheck(item=item, measured=None, from_data=True, met=False, missing=str(missing)))
            continue
        shortfalls = staffing_shortfalls(station, on_date) if spec and spec.staffing else []
        checks.append(ItemCheck(item=item, measured=measured, from_data=True,
                                met=measured >= item.minimum and not shortfalls, shortfalls=shortfalls))
    return checks


@transaction.atomic
def station_check_standard(*, actor, station: Station, checklist: StandardChecklist, checked_on: datetime.date,
                           ticks: dict[int, bool], notes: str = "") -> StationAcceptance:
    """Record a dated acceptance check item by item. Items with a numeric minimum are decided by the
    data (a hand tick cannot override it; missing data is not met); the rest by the ticks given."""
    require_station_manager(actor, station)
    ensure_region_in_scope(actor, station.region)
    if checklist.province.code[:2] != station.region.code[:2]:
        raise ValidationError({"checklist": _("只能按站点所在省的建设标准验收。")})
    if checklist.pk not in {c.pk for c in checklists_in_force(checklist.province.code, checked_on)}:
        raise ValidationError({"checklist": _("“%(name)s”不是 %(date)s 适用的建设标准（其政策文件当日未施行、已废止，"
                                              "或已被更新的标准取代）。") % {
            "name": checklist.name, "date": checked_on.isoformat()}})
    checks = checklist_preview(station=station, checklist=checklist, on_date=checked_on)
    if not checks:
        raise ValidationError({"checklist": _("该建设标准还没有条目。")})
    results = []
    for check in checks:
        met = check.met if check.from_data else bool(ticks.get(check.item.pk, False))
        results.append((check, met))
    passed = all(met for _check, met in results)
    acceptance = station_record_acceptance(actor=actor, station=station, checked_on=checked_on, passed=passed,
                                           source=str(checklist), notes=notes)
    for check, met in results:
        save_audited(AcceptanceItemResult(
            acceptance=acceptance, item=check.item, met=met,
            source=ItemSource.DATA if check.from_data else ItemSource.MANUAL,
            measured=Decimal(check.measured) if check.measured is not None else None,
        ), actor=actor)
    return acceptance
