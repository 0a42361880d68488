"""本地政策: every rule, target and building standard in force for a region on a date, each with the
document it comes from. Composed here from the stations app's rule book, targets and standards;
read through ``visible_to`` (the documents of the region and of the regions above it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from stations.models import PolicyDocument, PolicyRule, Region, StandardChecklist, Target
from stations.models.regions import ancestor_codes
from stations.rules import GROUPS, RuleSpec, rule_specs
from stations.selectors.policies import RuleBook, RuleInForce
from stations.selectors.targets import targets_in_force
from stations.services.standards import checklists_in_force
from workforce.selectors.stipends import stipend_rates_in_force

OTHER_GROUP = _("其他")


@dataclass
class RuleGroup:
    key: str
    label: str
    rules: list[RuleInForce] = field(default_factory=list)
    unset: list[RuleSpec] = field(default_factory=list)


@dataclass
class TargetInForce:
    target: Target
    applies: bool  # the one that applies to the region on the date, for its metric

    @property
    def citation(self) -> str:
        return self.target.citation


@dataclass
class LocalPolicies:
    region: Region
    on_date: datetime.date
    groups: list[RuleGroup]
    targets: list[TargetInForce]
    checklists: list[StandardChecklist]
    documents: list[PolicyDocument]
    # Stipend rates in force with their basis, from the workforce app.
    stipends: list = field(default_factory=list)

    @property
    def rule_count(self) -> int:
        return sum(len(group.rules) for group in self.groups)

    @property
    def unset_count(self) -> int:
        return sum(len(group.unset) for group in self.groups)


def _group_key(spec: RuleSpec) -> str:
    return spec.group if spec.group in GROUPS else ""


def _groups(book: RuleBook, code: str, on_date: datetime.date) -> list[RuleGroup]:
    """The catalogue's keys by group (catalogue order): those set, with their rule in force, and
    those no document in force sets."""
    groups = {key: RuleGroup(key, str(label)) for key, label in GROUPS.items()}
    groups[""] = RuleGroup("", str(OTHER_GROUP))
    for spec in rule_specs():
        found = book.rule(code, spec.key, on_date)
        group = groups[_group_key(spec)]
        if found is None:
            group.unset.append(spec)
        else:
            group.rules.append(found)
    return [group for group in groups.values() if group.rules or group.unset]


def local_policies(*, user, region: Region, on_date: datetime.date) -> LocalPolicies:
    """What the region's own and its ancestors' documents in force on the date set; the caller has
    checked that the user may see the region. Only documents the user may read take part."""
    chain = ancestor_codes(region.code)
    readable = PolicyDocument.objects.visible_to(user).filter(region__code__in=chain)
    documents = list(readable.in_force_on(on_date).select_related("region").order_by(
        "region__code", "effective_from", "pk"))
    ids = set(readable.values_list("pk", flat=True))
    book = RuleBook(PolicyRule.objects.filter(document__in=ids).select_related("document__region"))
    targets = [TargetInForce(target, applies) for target, applies in targets_in_force(region=region, on_date=on_date)
               if target.document_id in ids]
    checklists = [checklist for checklist in checklists_in_force(chain[0], on_date) if checklist.document_id in ids]
    prefetch_related_objects(checklists, "items")
    return LocalPolicies(region=region, on_date=on_date, groups=_groups(book, region.code, on_date), targets=targets,
                         checklists=checklists, documents=documents,
                         stipends=stipend_rates_in_force(region_code=region.code, on_date=on_date, documents=ids))


def item_basis(item) -> str:
    """An item's clause and quote, as the page shows them (its document is its checklist's)."""
    return f"{item.clause}「{item.quote}」" if item.quote else item.clause

