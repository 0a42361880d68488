"""Whether a contract's money holds to the floors its purchaser's documents set, in force when the
contract was made (award notice, else start): the personnel share of the budget
(``cost.personnel_min_pct``), the social workers' monthly wage against the local minimum wage plus
an uplift (``wage.min_wage_uplift_pct``), and the city subsidy per station per year
(``subsidy.city_per_station_min``). Where no document sets a rule, nothing is computed from it.

Every comparison is exact (amounts × 100 against percentages × amounts), never after rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from projects.models import Contract, FundingLine, FundingSource, MinimumWage
from projects.selectors.contract_terms import made_on, term_months
from projects.selectors.policies import CENT, rule_book
from stations.models import Region
from stations.selectors.policies import NOT_SET, RuleBook, RuleInForce

PERSONNEL = "cost.personnel_min_pct"
WAGE = "wage.min_wage_uplift_pct"
SUBSIDY = "subsidy.city_per_station_min"
KEYS = (PERSONNEL, WAGE, SUBSIDY)

UNSET, MISSING, PASS, FAIL = "unset", "missing", "pass", "fail"


@dataclass(frozen=True)
class Check:
    """One floor: the rule (None where no document sets it), whether the contract holds to it
    (unset / missing: the figures to check are not entered / pass / fail), and both sides in words."""

    key: str
    label: str
    rule: RuleInForce | None
    state: str
    requirement: str = ""
    actual: str = ""

    @property
    def holds(self) -> bool:
        return self.state == PASS

    @property
    def verdict(self) -> str:
        return {UNSET: str(NOT_SET), MISSING: _("无法判断"), PASS: _("符合"), FAIL: _("不符合")}[self.state]

    @property
    def citation(self) -> str:
        return self.rule.citation if self.rule else str(NOT_SET)


def _yuan(value: Decimal) -> str:
    return f"{value:,}"


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def personnel_check(contract: Contract, rule: RuleInForce | None) -> Check:
    label = _("人员费用占比")
    if rule is None:
        return Check(PERSONNEL, label, None, UNSET)
    requirement = _("人员费用不低于合同金额的 %(pct)s%%") % {"pct": rule.display.rstrip("%")}
    if not contract.has_cost_split:
        return Check(PERSONNEL, label, rule, MISSING, requirement, _("合同未填写费用构成"))
    actual = _("人员费用 %(cost)s 元，占 %(pct)s%%") % {"cost": _yuan(contract.personnel_cost),
                                                    "pct": _pct(contract.personnel_cost, contract.amount)}
    holds = contract.personnel_cost * 100 >= rule.value * contract.amount
    return Check(PERSONNEL, label, rule, PASS if holds else FAIL, requirement, actual)


def wage_check(contract: Contract, rule: RuleInForce | None, minimum: MinimumWage | None) -> Check:
    label = _("驻站社工工资")
    if rule is None:
        return Check(WAGE, label, None, UNSET)
    year = contract.starts_on.year
    if minimum is None:
        return Check(WAGE, label, rule, MISSING, _("不低于当地最低工资标准上浮 %(pct)s") % {"pct": rule.display},
                     _("未录入 %(year)s 年当地最低工资标准") % {"year": year})
    floor = (minimum.monthly_amount * (100 + rule.value) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    requirement = _("不低于 %(region)s %(year)s 年最低工资标准 %(min)s 元/月上浮 %(pct)s，即 %(floor)s 元/月") % {
        "region": minimum.region.name, "year": minimum.year, "min": _yuan(minimum.monthly_amount),
        "pct": rule.display, "floor": _yuan(floor)}
    if contract.monthly_wage is None:
        return Check(WAGE, label, rule, MISSING, requirement, _("合同未填写驻站社工月工资"))
    holds = contract.monthly_wage * 100 >= minimum.monthly_amount * (100 + rule.value)
    return Check(WAGE, label, rule, PASS if holds else FAIL, requirement,
                 _("月工资 %(wage)s 元") % {"wage": _yuan(contract.monthly_wage)})


def subsidy_check(contract: Contract, rule: RuleInForce | None, subsidy: Decimal, stations: int) -> Check:
    label = _("市级补助")
    if rule is None:
        return Check(SUBSIDY, label, None, UNSET)
    requirement = _("市级对每个社工站项目每年补助不少于 %(min)s") % {"min": rule.display}
    if not stations:
        return Check(SUBSIDY, label, rule, MISSING, requirement, _("合同未指定站点"))
    months = term_months(contract.starts_on, contract.ends_on)
    per_station_year = (subsidy * 12 / (stations * months)).quantize(CENT, rounding=ROUND_HALF_UP)
    actual = _("市级补助资金 %(sum)s 元，%(n)s 个站点，服务期 %(months)s 个月，折合每站每年 %(each)s 元") % {
        "sum": _yuan(subsidy), "n": stations, "months": months, "each": _yuan(per_station_year)}
    holds = subsidy * 12 >= rule.value * stations * months
    return Check(SUBSIDY, label, rule, PASS if holds else FAIL, requirement, actual)


def _checks(contract: Contract, book: RuleBook, minimum: MinimumWage | None, subsidy: Decimal,
            stations: int) -> list[Check]:
    code, day = contract.purchaser.code, made_on(contract)
    return [personnel_check(contract, book.rule(code, PERSONNEL, day)),
            wage_check(contract, book.rule(code, WAGE, day), minimum),
            subsidy_check(contract, book.rule(code, SUBSIDY, day), subsidy, stations)]


def city_subsidy(contract: Contract) -> Decimal:
    return sum((line.amount for line in contract.funding_lines.all() if line.source == FundingSource.CITY_SUBSIDY),
               Decimal("0.00"))


def contract_checks(contract: Contract) -> list[Check]:
    """The contract's three money checks, for its page."""
    minimum = MinimumWage.objects.for_region(contract.purchaser, contract.starts_on.year)
    return _checks(contract, rule_book(*KEYS), minimum, city_subsidy(contract), contract.stations.count())


@dataclass(frozen=True)
class ContractCheckRow:
    contract: Contract
    checks: list[Check]

    @property
    def failing(self) -> list[Check]:
        return [check for check in self.checks if check.state in (FAIL, MISSING)]


def _minimum_wages(years: set[int]) -> dict[tuple[str, int], MinimumWage]:
    rows = MinimumWage.objects.filter(year__in=years).select_related("region")
    return {(row.region.code, row.year): row for row in rows}


def _nearest_minimum(wages: dict, region: Region, year: int) -> MinimumWage | None:
    codes = [region.code[:n].ljust(12, "0") for n in (6, 4, 2)]
    return next((wages[(code, year)] for code in codes if (code, year) in wages), None)


def contract_check_rows(*, user, year: int) -> list[ContractCheckRow]:
    """The contracts starting in ``year`` the user may see that do not hold to a floor their documents
    set, or whose figures are missing to tell; in three queries whatever the number of contracts."""
    subsidy = (FundingLine.objects.filter(contract=OuterRef("pk"), source=FundingSource.CITY_SUBSIDY)
               .values("contract").annotate(total=Sum("amount")).values("total"))
    stations = Contract.stations.through.objects.filter(contract_id=OuterRef("pk")).values("contract_id").annotate(
        n=Count("pk")).values("n")
    contracts = (Contract.objects.visible_to(user).filter(starts_on__year=year)
                 .select_related("purchaser", "contractor")
                 .annotate(city_subsidy=Coalesce(Subquery(subsidy), Value(Decimal("0.00")),
                                                  output_field=DecimalField(max_digits=14, decimal_places=2)),
                           station_count=Coalesce(Subquery(stations), Value(0)))
                 .order_by("purchaser__code", "starts_on", "number"))
    book, wages = rule_book(*KEYS), _minimum_wages({year})
    rows = []
    for contract in contracts:
        checks = _checks(contract, book, _nearest_minimum(wages, contract.purchaser, contract.starts_on.year),
                         contract.city_subsidy, contract.station_count)
        row = ContractCheckRow(contract, checks)
        if row.failing:
            rows.append(row)
    return rows

