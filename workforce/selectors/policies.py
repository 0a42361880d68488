"""The workforce rules in force, from the policy documents (``stations.selectors.policies``).

Each figure resolves its rules at the date it is about, so a document loaded later never moves
a figure for an earlier date:
- qualification (routes, training hours, deadline years and start): at the person's first hire
  date, for the region of the station they work at;
- continuing education for a year: at the year's reference date, min(31 December, the date asked);
- a supervisor's certificate level and a station's staffing: at the date asked;
- hiring limits (age, education): at the person's first hire date.
Where no document sets a rule it is ``None``: nothing is computed from it and the page says
本地政策未规定 (``NOT_SET``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Case, DecimalField, F, Q, Value, When
from django.db.models.functions import Cast

from stations.models import PolicyRule, ancestor_codes
from stations.rules import rule_spec
from stations.selectors.policies import NOT_SET, RuleBook, RuleInForce, citation

__all__ = ["NOT_SET", "QualificationRules", "RuleBook", "RuleInForce", "add_years", "citation",
           "qualification_rules", "qualified_expression", "region_rules"]

QUALIFICATION_KEYS = ("qualification.routes", "qualification.training_hours", "qualification.deadline_years",
                      "qualification.deadline_from")
# A social work degree or a certificate is a qualification in itself; a document that lists the
# routes narrows them, and only a document that lists "training" with its hours makes training one.
FACT_ROUTES = ("degree", "certificate")


@dataclass(frozen=True)
class QualificationRules:
    routes: RuleInForce | None = None
    training_hours: RuleInForce | None = None
    deadline_years: RuleInForce | None = None
    deadline_from: RuleInForce | None = None

    def allows(self, route: str) -> bool:
        """Where a document lists the routes, only those qualify; where none does, a degree or a
        certificate does and training hours do not."""
        return route in (self.routes.value if self.routes is not None else FACT_ROUTES)

    @property
    def training_threshold(self) -> Decimal | None:
        """The recognised training hours that qualify, or None where training is not a route."""
        if self.training_hours is None or not self.allows("training"):
            return None
        return self.training_hours.value


def qualification_rules(book: RuleBook, code: str | None, on_date: datetime.date) -> QualificationRules:
    return QualificationRules(*(book.rule(code, key, on_date) for key in QUALIFICATION_KEYS))


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def region_rules(region, keys) -> list[PolicyRule]:
    """The rules with these keys set by documents of the region, its ancestors and its
    descendants (every rule a figure about the region can use), with their documents: one query."""
    return list(PolicyRule.objects.select_related("document__region").filter(key__in=keys).filter(
        Q(document__region__code__startswith=region.prefix)
        | Q(document__region__code__in=ancestor_codes(region.prefix))))


def _rule_case(rules, key: str, value, output_field, default, *, code: str, on: str) -> Case:
    """Per row, ``value(rule value)`` of the rule ``key`` in force for the region code in the
    ``code`` annotation on the date in the ``on`` annotation: the choice ``RuleBook.rule``
    makes (the nearest region first, then its latest document), as WHEN clauses in that order."""
    spec = rule_spec(key)
    ordered = sorted((r for r in rules if r.key == key and r.document.region_id),
                     key=lambda r: (len(r.document.region.prefix), r.document.effective_from, r.document.pk),
                     reverse=True)
    whens = []
    for rule in ordered:
        document = rule.document
        condition = Q(**{f"{code}__startswith": document.region.prefix, f"{on}__gte": document.effective_from})
        if document.repealed_on:
            condition &= Q(**{f"{on}__lt": document.repealed_on})
        whens.append(When(condition, then=Value(value(spec.typed(rule.value)), output_field=output_field)))
    # Cast: PostgreSQL types a CASE of bare parameters (and a NULL default) as text otherwise.
    return Cast(Case(*whens, default=Value(default, output_field=output_field), output_field=output_field),
                output_field=output_field)


def qualified_expression(rules, *, code: str, on: str, hours: str, certified: str) -> dict:
    """Annotations that decide, in the database, whether a person is qualified under the rules
    in force for the region code in ``code`` on the date in ``on`` (their first hire date):
    the same decision as ``qualification_on``. Returns the annotations and the Q of "qualified"."""
    flag = BooleanField()
    annotations = {
        "route_degree": _rule_case(rules, "qualification.routes", lambda v: "degree" in v, flag,
                                   "degree" in FACT_ROUTES, code=code, on=on),
        "route_certificate": _rule_case(rules, "qualification.routes", lambda v: "certificate" in v, flag,
                                        "certificate" in FACT_ROUTES, code=code, on=on),
        "route_training": _rule_case(rules, "qualification.routes", lambda v: "training" in v, flag,
                                     "training" in FACT_ROUTES, code=code, on=on),
        "training_threshold": _rule_case(rules, "qualification.training_hours", lambda v: v,
                                         DecimalField(max_digits=8, decimal_places=1), None, code=code, on=on),
    }
    qualified = (Q(route_degree=True, social_work_degree=True) | Q(route_certificate=True, **{certified: True})
                 | Q(route_training=True, training_threshold__isnull=False, **{f"{hours}__gte": F("training_threshold")}))
    return {"annotations": annotations, "qualified": qualified}
