"""Policy documents, and the targets, rules and checklists they set, built through the services."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from core.audit import save_audited
from stations import services
from stations.models import PolicyDocument, PolicyRule, StandardChecklist, StandardItem, TargetMetric, TargetUnit
from tests import builders

_serial = itertools.count(1)


def document(region, *, effective_from=datetime.date(2021, 1, 1), title=None, key=None, actor=None,
             **extra) -> PolicyDocument:
    """A document governing ``region`` from ``effective_from``."""
    number = next(_serial)
    return services.policy_document_save(actor=actor or builders.superuser(), document=PolicyDocument(
        key=key or f"TEST-{region.code[:6]}-{number}", title=title or f"{region.name}测试文件{number}",
        effective_from=effective_from, region=region, **extra))


def document_for(region) -> PolicyDocument:
    """The region's standing test document (in force since 2020), made on first use."""
    return PolicyDocument.objects.filter(region=region, key=f"TEST-{region.code}").first() or document(
        region, key=f"TEST-{region.code}", title=f"{region.name}社工站建设文件", effective_from=datetime.date(2020, 1, 1))


def rule(doc, key, value, *, clause="", quote="", actor=None) -> PolicyRule:
    return services.policy_rule_save(actor=actor or builders.superuser(), rule=PolicyRule(
        document=doc, key=key, value=value, clause=clause, quote=quote))


def target(region, value, due, *, metric=TargetMetric.TOWNSHIP_COVERAGE_PCT, doc=None, actor=None, **extra):
    unit = TargetUnit.PERCENT if metric in (TargetMetric.TOWNSHIP_COVERAGE_PCT, TargetMetric.VILLAGE_COVERAGE_PCT) \
        else TargetUnit.COUNT
    return services.target_set(actor=actor or builders.superuser(), region=region, metric=metric, due_on=due,
                               value=Decimal(value), unit=unit, document=doc or document_for(region), **extra)


def checklist(province, items, *, doc=None, name="五有", actor=None, **extra) -> StandardChecklist:
    """A checklist of ``items``: (title, requirement, metric, minimum) or just titles."""
    actor = actor or builders.superuser()
    made = StandardChecklist(province=province, document=doc or document_for(province), name=name, **extra)
    save_audited(made, actor=actor)
    for position, item in enumerate(items, 1):
        title, requirement, metric, minimum = (item, "", "", None) if isinstance(item, str) else item
        save_audited(StandardItem(checklist=made, position=position, title=title, requirement=requirement,
                                  metric=metric, minimum=None if minimum is None else Decimal(minimum)), actor=actor)
    return made
