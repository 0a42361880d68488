"""Writes for building standards: seeding the documented checklists, and a station's
acceptance check against its province's checklist, item by item."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import save_audited
from stations.metrics import station_metric
from stations.models import (
    AcceptanceItemResult,
    ItemMetric,
    ItemSource,
    Region,
    RegionLevel,
    StandardChecklist,
    StandardItem,
    Station,
    StationAcceptance,
)
from stations.services.stations import ensure_region_in_scope, require_station_manager, station_record_acceptance

# The three checklists documented in DOMAIN.md: (name, source, items); an item is
# (title, requirement, metric, minimum). Minimums are the documents' own and editable in the admin.
CHECKLISTS = {
    "hubei_wuyou": ("五有", "湖北省2021年乡镇（街道）社工站建设通知", [
        ("有场地", "有相对固定的办公和服务场所，面积不少于40平方米，设个案工作室。", ItemMetric.SITE_AREA, 40),
        ("有人员", "至少1名站长和2名驻站社工。", ItemMetric.STAFF_TOTAL, 3),
        ("有功能", "开展社会救助、养老服务、儿童福利、社区治理、社会事务等服务。", "", None),
        ("有制度", "建立工作制度、服务流程和档案管理制度并上墙。", "", None),
        ("有活动", "定期开展个案、小组、社区活动。", "", None),
    ]),
    "gansu_liuyou": ("六有", "甘肃省“十四五”社会工作发展规划", [
        ("有场地", "办公面积不少于12平方米，另有活动空间。", ItemMetric.SITE_AREA, 12),
        ("有设备", "配备电脑、文件柜、办公桌椅等。", "", None),
        ("有人员", "至少2名驻站社工。", ItemMetric.RESIDENT_SOCIAL_WORKERS, 2),
        ("有服务功能", "明确服务对象与服务内容。", "", None),
        ("有工作流程", "需求评估、服务计划、实施、评估、结案流程完整。", "", None),
        ("有规章制度", "建立考勤、督导、财务、档案等规章制度。", "", None),
    ]),
    "liuyou_wuyao": ("六有、五要", "省级乡镇（街道）社工站建设标准", [
        ("有阵地", "有固定服务阵地。", ItemMetric.SITE_AREA, 40),
        ("有人员", "1名站长加2名社工。", ItemMetric.STAFF_TOTAL, 3),
        ("有制度", "建立规章制度。", "", None),
        ("有项目", "有在办服务项目。", "", None),
        ("有标识", "统一标识“中国社会工作标识 + ××乡镇（街道）社会工作服务站”。", "", None),
        ("有成效", "服务成效可查。", "", None),
        ("服务数据要准确", "月度报告数据真实准确。", "", None),
        ("服务对象要聚焦", "聚焦困难群众和特殊群体。", "", None),
        ("服务内容要精准", "服务内容与需求对应。", "", None),
        ("服务边界要清晰", "不承担与社会工作无关的行政事务。", "", None),
        ("财务管理要规范", "项目资金专款专用、账目清楚。", "", None),
    ]),
}
DEFAULT_PROVINCES = {"hubei_wuyou": "42", "gansu_liuyou": "62"}


@transaction.atomic
def standard_checklist_seed(*, actor, key: str, province: Region) -> StandardChecklist:
    """Create one documented checklist for a province (existing items are left as edited)."""
    ensure_region_in_scope(actor, province)
    name, source, items = CHECKLISTS[key]
    checklist = StandardChecklist.objects.filter(province=province, name=name).first()
    if checklist is not None:
        return checklist
    checklist = StandardChecklist(province=province, name=name, source=source)
    save_audited(checklist, actor=actor)
    for position, (title, requirement, metric, minimum) in enumerate(items, 1):
        save_audited(StandardItem(checklist=checklist, position=position, title=title, requirement=requirement,
                                  metric=metric, minimum=None if minimum is None else Decimal(minimum)), actor=actor)
    return checklist


def standard_checklists_seed(*, actor, assignments: dict[str, str] | None = None) -> list[StandardChecklist]:
    """Seed the documented checklists for the provinces that exist (by default Hubei 42 and Gansu 62;
    the third, "六有、五要", for whichever province code it is assigned)."""
    seeded = []
    for key, prefix in (assignments or DEFAULT_PROVINCES).items():
        province = Region.objects.filter(level=RegionLevel.PROVINCE, code=prefix.ljust(12, "0")).first()
        if province is not None:
            seeded.append(standard_checklist_seed(actor=actor, key=key, province=province))
    return seeded


@dataclass
class ItemCheck:
    item: StandardItem
    measured: Decimal | int | None
    from_data: bool
    met: bool | None  # None: to be ticked by hand


def station_checklist(station: Station) -> StandardChecklist | None:
    """The active checklist of the station's province (the first by name if several)."""
    province_code = station.region.code[:2].ljust(12, "0")
    return StandardChecklist.objects.filter(province__code=province_code, is_active=True).order_by("name").first()


def checklist_preview(*, station: Station, checklist: StandardChecklist, on_date: datetime.date) -> list[ItemCheck]:
    """Each item, with the figure from the data where an app provides it (None: tick by hand)."""
    checks = []
    for item in checklist.items.order_by("position", "pk"):
        measured = station_metric(item.metric, station, on_date) if item.metric else None
        if measured is None:
            checks.append(ItemCheck(item=item, measured=None, from_data=False, met=None))
        else:
            checks.append(ItemCheck(item=item, measured=measured, from_data=True, met=measured >= item.minimum))
    return checks


@transaction.atomic
def station_check_standard(*, actor, station: Station, checklist: StandardChecklist, checked_on: datetime.date,
                           ticks: dict[int, bool], notes: str = "") -> StationAcceptance:
    """Record a dated acceptance check item by item. Items with a numeric minimum are decided by the
    data when it exists (a hand tick cannot override it); the rest by the ticks given."""
    require_station_manager(actor, station)
    ensure_region_in_scope(actor, station.region)
    if checklist.province.code[:2] != station.region.code[:2]:
        raise ValidationError({"checklist": _("只能按站点所在省的建设标准验收。")})
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
            measured=Decimal(check.measured) if check.from_data else None,
        ), actor=actor)
    return acceptance
