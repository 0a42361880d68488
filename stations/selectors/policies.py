"""The rule in force for a region on a date, and where it comes from.

The rule in force at date D for a region is the one set by the region itself or
by its nearest ancestor that has one in force on D; within one region, the
latest document in force on D wins. A document is in force from its
``effective_from`` until it is repealed; a rule of a document issued after D
plays no part in figures for D, so figures for a past date do not move when a
newer document is loaded. Where no document speaks, the rule is ``None``:
callers compute nothing from it and say so (本地政策未规定).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stations.models.policies import PolicyDocument, PolicyRule
from stations.models.regions import ancestor_codes
from stations.rules import rule_spec, rule_specs


def citation(document: PolicyDocument, clause: str = "", quote: str = "") -> str:
    """依据：《title》（文号）clause「quote」 — the way a figure names its rule's source."""
    text = _("依据：%(document)s") % {"document": document.citation_title}
    if clause:
        text += clause
    if quote:
        text += f"「{quote}」"
    return text


@dataclass(frozen=True)
class RuleInForce:
    key: str
    value: object  # typed: int, Decimal, str, list
    stored: object
    document: PolicyDocument
    clause: str
    quote: str

    @property
    def label(self) -> str:
        spec = rule_spec(self.key)
        return str(spec.label) if spec else self.key

    @property
    def display(self) -> str:
        spec = rule_spec(self.key)
        return spec.display(self.stored) if spec else str(self.stored)

    @property
    def citation(self) -> str:
        return citation(self.document, self.clause, self.quote)

    @property
    def region(self):
        return self.document.region


NOT_SET = gettext_lazy("本地政策未规定")


class RuleBook:
    """Every rule with its document, loaded once (one query); resolved per region and date in
    memory. Build one per request or per report and ask it for as many regions as needed."""

    def __init__(self, rules=None):
        rows = rules if rules is not None else PolicyRule.objects.select_related("document__region").filter(
            document__region__isnull=False)
        self._by_code_key: dict[tuple[str, str], list[PolicyRule]] = {}
        for rule in rows:
            self._by_code_key.setdefault((rule.document.region.code, rule.key), []).append(rule)
        for rules_of_region in self._by_code_key.values():
            rules_of_region.sort(key=lambda r: (r.document.effective_from, r.document.pk), reverse=True)

    def rule(self, code: str | None, key: str, on_date: datetime.date) -> RuleInForce | None:
        """The rule ``key`` in force on ``on_date`` for the region with this code (or code prefix)."""
        if not code:
            return None
        for ancestor in reversed(ancestor_codes(code)):
            for rule in self._by_code_key.get((ancestor, key), ()):
                if rule.document.in_force_on(on_date):
                    return _in_force(rule)
        return None

    def value(self, code: str | None, key: str, on_date: datetime.date):
        found = self.rule(code, key, on_date)
        return found.value if found else None

    def rules_for(self, code: str, on_date: datetime.date) -> list[RuleInForce]:
        """Every registered rule in force for the region on the date, in catalogue order."""
        found = (self.rule(code, spec.key, on_date) for spec in rule_specs())
        return [rule for rule in found if rule is not None]


def _in_force(rule: PolicyRule) -> RuleInForce:
    spec = rule_spec(rule.key)
    value = spec.typed(rule.value) if spec else rule.value
    return RuleInForce(rule.key, value, rule.value, rule.document, rule.clause, rule.quote)


def rule_in_force(region, key: str, on_date: datetime.date) -> RuleInForce | None:
    """One rule for one region (a query over the region's chain only)."""
    codes = ancestor_codes(region.code if hasattr(region, "code") else region)
    rows = PolicyRule.objects.select_related("document__region").filter(key=key, document__region__code__in=codes)
    return RuleBook(rows).rule(codes[-1], key, on_date)


def documents_governing(code: str, on_date: datetime.date | None = None):
    """The documents of the region and its ancestors (in force on the date when given), province first."""
    documents = PolicyDocument.objects.filter(region__code__in=ancestor_codes(code)).select_related("region")
    if on_date is not None:
        documents = documents.in_force_on(on_date)
    return documents.order_by("region__code", "effective_from", "pk")
