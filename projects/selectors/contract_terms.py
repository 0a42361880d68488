"""A contract's term, its renewal cycle and the renewal condition, as the purchaser's documents in
force when the contract was made (its award notice, else its start) set them.

Where a document sets a longest term (``contract.max_term_months``), a contract serving longer is
refused; where it sets a cycle (``contract.cycle_years``), a renewal chain reaching past the cycle
is refused and the last contract inside it says re-procurement is due; where it makes renewal
depend on a pass (``contract.renewal_condition``), a renewal needs the previous contract's passed
annual or final evaluation. Where no document speaks, nothing here is checked.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from projects.models import Contract, ContractEvaluation
from stations.selectors.policies import RuleInForce, rule_in_force

MAX_TERM = "contract.max_term_months"
CYCLE = "contract.cycle_years"
RENEWAL = "contract.renewal_condition"
ANNUAL_PASS = "annual_pass"
# The evaluation kinds (recorded by the assessments app) whose pass carries a renewal.
RENEWAL_EVALUATION_KINDS = ("annual", "final")
FINAL = "final"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day where the month is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_months(starts_on: datetime.date, ends_on: datetime.date) -> int:
    """The months a service period runs, a part month counting as a month (1 Jan–31 Dec: 12)."""
    months = (ends_on.year - starts_on.year) * 12 + ends_on.month - starts_on.month
    while add_months(starts_on, months) <= ends_on:
        months += 1
    while months > 1 and add_months(starts_on, months - 1) > ends_on:
        months -= 1
    return max(months, 1)


def runs_longer_than(starts_on: datetime.date, ends_on: datetime.date, months: int) -> bool:
    """Whether the period from ``starts_on`` through ``ends_on`` is longer than ``months`` months."""
    return ends_on >= add_months(starts_on, months)


def made_on(contract: Contract) -> datetime.date | None:
    return contract.award_notice_on or contract.starts_on


def term_rule(contract: Contract, key: str) -> RuleInForce | None:
    day = made_on(contract)
    if contract.purchaser_id is None or day is None:
        return None
    return rule_in_force(contract.purchaser, key, day)


def earlier_links(contract: Contract) -> list[Contract]:
    """The contracts this one renews, through their ``previous`` links, oldest first."""
    earlier, current = [], contract.previous
    while current is not None:
        earlier.append(current)
        current = current.previous
    return list(reversed(earlier))


def later_links(contract: Contract) -> list[Contract]:
    later, current = [], contract
    while current.pk and (following := Contract.objects.filter(previous_id=current.pk).first()):
        later.append(following)
        current = following
    return later


@dataclass(frozen=True)
class CycleState:
    """Where a contract stands in the service cycle its documents set."""

    rule: RuleInForce
    starts_on: datetime.date  # the chain's first service day
    ends_on: datetime.date  # the cycle's last day
    position: int  # this contract's place in the chain, from 1

    def exceeded_by(self, contract: Contract) -> bool:
        return contract.ends_on > self.ends_on

    def completed_by(self, contract: Contract) -> bool:
        """The contract is the last that fits the cycle: after it, re-procurement is due."""
        return contract.ends_on >= self.ends_on


def cycle_state(contract: Contract, chain: list[Contract]) -> CycleState | None:
    rule = term_rule(contract, CYCLE)
    if rule is None:
        return None
    first = chain[0]
    ends_on = add_months(first.starts_on, 12 * rule.value) - datetime.timedelta(days=1)
    position = next((n for n, c in enumerate(chain, 1) if c.pk == contract.pk), len(chain))
    return CycleState(rule=rule, starts_on=first.starts_on, ends_on=ends_on, position=position)


def term_refusal(contract: Contract) -> str | None:
    rule = term_rule(contract, MAX_TERM)
    if rule is None or not runs_longer_than(contract.starts_on, contract.ends_on, rule.value):
        return None
    return _("服务期 %(start)s 至 %(end)s 共 %(n)s 个月，超过 %(region)s 规定的单份合同期限 %(months)s 个月"
             "（%(citation)s）。") % {
        "start": contract.starts_on, "end": contract.ends_on, "n": term_months(contract.starts_on, contract.ends_on),
        "region": rule.region.name, "months": rule.value, "citation": rule.citation}


def cycle_refusal(contract: Contract) -> str | None:
    rule = term_rule(contract, CYCLE)
    if rule is None:
        return None
    chain = [*earlier_links(contract), contract, *later_links(contract)]
    state = cycle_state(contract, chain)
    last = chain[-1]
    if not state.exceeded_by(last):
        return None
    return _("续签链自合同 %(first)s（%(start)s 开始）至 %(end)s，超过 %(region)s 规定的 %(years)s 年服务周期"
             "（周期至 %(cycle_end)s），周期届满须重新采购（%(citation)s）。") % {
        "first": chain[0].number or pgettext("unnumbered contract", "（未编号）"), "start": state.starts_on, "end": last.ends_on,
        "region": rule.region.name, "years": rule.value, "cycle_end": state.ends_on, "citation": rule.citation}


def renewal_refusal(contract: Contract) -> str | None:
    """Where the document makes renewal depend on a pass: the previous contract needs a passed annual
    or final evaluation, and a failed final evaluation (the latest one) refuses the renewal."""
    previous = contract.previous
    rule = term_rule(contract, RENEWAL) if previous is not None else None
    if rule is None or rule.value != ANNUAL_PASS:
        return None
    results = list(ContractEvaluation.objects.filter(contract=previous, kind__in=RENEWAL_EVALUATION_KINDS)
                   .order_by("-evaluated_on", "-pk"))
    final = next((r for r in results if r.kind == FINAL), None)
    facts = {"number": previous.number, "region": rule.region.name, "citation": rule.citation}
    if final is not None and not final.passed:
        return _("上一期合同 %(number)s 终期评估不合格（%(grade)s，%(date)s），%(region)s 规定评估不合格的不予续签，"
                 "须重新采购（%(citation)s）。") % {**facts, "grade": final.grade, "date": final.evaluated_on}
    if not any(r.passed for r in results):
        return _("上一期合同 %(number)s 尚无合格的年度或终期评估结果，%(region)s 规定评估合格后方可续签"
                 "（%(citation)s）。") % facts
    return None


@dataclass(frozen=True)
class TermBasis:
    """What the contract page shows of its term and cycle."""

    max_term: RuleInForce | None
    months: int
    over_term: bool
    cycle: CycleState | None
    cycle_end_reached: bool  # the last contract that fits the cycle: re-procurement is due after it
    cycle_exceeded: bool
    renewal: RuleInForce | None


def term_basis(contract: Contract, chain: list[Contract]) -> TermBasis:
    rule = term_rule(contract, MAX_TERM)
    cycle = cycle_state(contract, chain)
    return TermBasis(
        max_term=rule, months=term_months(contract.starts_on, contract.ends_on),
        over_term=rule is not None and runs_longer_than(contract.starts_on, contract.ends_on, rule.value),
        cycle=cycle, cycle_end_reached=cycle is not None and cycle.completed_by(contract),
        cycle_exceeded=cycle is not None and cycle.exceeded_by(chain[-1]), renewal=term_rule(contract, RENEWAL))
