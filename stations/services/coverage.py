"""Writes for coverage targets and the per-province coverage setting."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from core.audit import save_audited
from stations.models import CoverageSetting, PolicyDocument, Region, Target, TargetUnit
from stations.services.stations import ensure_region_in_scope


@transaction.atomic
def target_set(*, actor, region: Region, metric: str, due_on: datetime.date, value: Decimal,
               document: PolicyDocument, unit: str = TargetUnit.PERCENT, clause: str = "",
               quote: str = "") -> Target:
    """Create or change the target a document sets for a region, metric and due date; the
    document is the change's reason in the history."""
    ensure_region_in_scope(actor, region)
    target = Target.objects.filter(document=document, region=region, metric=metric, due_on=due_on).first() or Target(
        document=document, region=region, metric=metric, due_on=due_on)
    target.value, target.unit, target.clause, target.quote = Decimal(value), unit, clause, quote
    save_audited(target, actor=actor, reason=str(document))
    return target


@transaction.atomic
def coverage_setting_set(*, actor, province: Region, include_other_township: bool) -> CoverageSetting:
    ensure_region_in_scope(actor, province)
    setting = CoverageSetting.objects.filter(province=province).first() or CoverageSetting(province=province)
    setting.include_other_township = include_other_township
    save_audited(setting, actor=actor)
    return setting
