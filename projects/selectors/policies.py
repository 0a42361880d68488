"""The purchase rules in force for a region, read from its policy documents, and the
social-assistance purchase share they are checked against.

Rules are resolved with ``stations.selectors.policies`` at the date a figure is about: a
contract's checks at its award or start date, a year's share at 31 December of the year (today
while the year runs). Where no document sets a rule, nothing is computed from it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from projects.models import FundingLine, FundingSource, SocialAssistanceSpending
from projects.rules import BASIS_LAST_YEAR, SHARE_BASIS, SHARE_MAX, SHARE_MIN
from stations.models import PolicyRule, Region, RegionLevel
from stations.selectors.policies import NOT_SET, RuleBook, RuleInForce

CENT = Decimal("0.01")


def rule_book(*keys: str) -> RuleBook:
    """The rules with these keys of every document (one query), to resolve for many regions."""
    return RuleBook(PolicyRule.objects.select_related("document__region").filter(
        key__in=keys, document__region__isnull=False))


def county_of(region: Region) -> Region | None:
    if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        return None
    if region.level == RegionLevel.COUNTY:
        return region
    return Region.objects.filter(code=region.code[:6].ljust(12, "0")).first()


def year_reference_date(year: int, today: datetime.date) -> datetime.date:
    """The date a year's figure reads its rules at: 31 December of the year, or today while it runs."""
    return min(datetime.date(year, 12, 31), today)


def joined_citations(rules) -> str:
    """The citations of several rules, each once (a cap and its basis often quote the same words)."""
    seen = []
    for rule in rules:
        if rule is not None and rule.citation not in seen:
            seen.append(rule.citation)
    return "；".join(seen)


@dataclass(frozen=True)
class ShareRules:
    """The cap, the floor and the basis of the purchase share in force for a county on a date."""

    cap: RuleInForce | None
    floor: RuleInForce | None
    basis: RuleInForce | None

    @classmethod
    def of(cls, book: RuleBook, code: str, on_date: datetime.date) -> ShareRules:
        return cls(book.rule(code, SHARE_MAX, on_date), book.rule(code, SHARE_MIN, on_date),
                   book.rule(code, SHARE_BASIS, on_date))

    @property
    def limited(self) -> bool:
        return self.cap is not None or self.floor is not None

    @property
    def citation(self) -> str:
        return joined_citations((self.cap, self.floor, self.basis))

    @property
    def basis_label(self) -> str:
        return self.basis.display if self.basis else str(NOT_SET)


@dataclass(frozen=True)
class AssistanceShare:
    """Purchases paid from social-assistance funds for service in ``year``, against the
    spending figure of the year the rules' basis names, and the cap or floor in force on ``on_date``."""

    county: Region
    year: int
    on_date: datetime.date
    purchases: Decimal
    rules: ShareRules
    spending_by_year: dict

    @property
    def basis_year(self) -> int | None:
        if self.rules.basis is None:
            return None
        return self.year - 1 if self.rules.basis.value == BASIS_LAST_YEAR else self.year

    @property
    def spending(self) -> Decimal | None:
        return self.spending_by_year.get(self.basis_year) if self.basis_year else None

    @property
    def share(self) -> Decimal | None:
        return (self.purchases * 100 / self.spending).quantize(CENT) if self.spending else None

    @property
    def precise_share(self) -> Decimal | None:
        return (self.purchases * 100 / self.spending).quantize(Decimal("0.0001")) if self.spending else None

    @property
    def cap(self) -> Decimal | None:
        return self.rules.cap.value if self.rules.cap else None

    @property
    def floor(self) -> Decimal | None:
        return self.rules.floor.value if self.rules.floor else None

    # Compared exactly (purchases × 100 against limit × spending), not after rounding.
    @property
    def over_cap(self) -> bool:
        return bool(self.spending) and self.cap is not None and self.purchases * 100 > self.cap * self.spending

    @property
    def under_floor(self) -> bool:
        return bool(self.spending) and self.floor is not None and self.purchases * 100 < self.floor * self.spending

    @property
    def light(self) -> str:
        """none: no rule to check against (or no basis to compute on); amber: the spending
        figure is missing; red: outside the cap or floor; green: within."""
        if not self.rules.limited or self.basis_year is None:
            return "none"
        if self.share is None:
            return "amber"
        return "red" if self.over_cap or self.under_floor else "green"

    @property
    def verdict(self) -> str:
        if not self.rules.limited:
            return _("上下限%(not_set)s，不作检查") % {"not_set": NOT_SET}
        if self.basis_year is None:
            return _("计算基数%(not_set)s，不计算占比") % {"not_set": NOT_SET}
        if self.share is None:
            return _("缺少 %(year)s 年社会救助支出，无法计算") % {"year": self.basis_year}
        if self.over_cap:
            return _("超过上限")
        if self.under_floor:
            return _("低于下限")
        return _("符合规定")


def part_in_year(amount: Decimal, starts_on: datetime.date, ends_on: datetime.date, year: int) -> Decimal:
    """The part of ``amount`` spent in ``year``, pro rata by the days of the service period falling in
    each year. The parts of all the years add up exactly to the amount: each year's part is the
    rounded share of the days through its end, less that through the end of the year before."""
    days = (ends_on - starts_on).days + 1

    def through(last_year: int) -> Decimal:
        end = min(ends_on, datetime.date(last_year, 12, 31))
        return (amount * max(0, (end - starts_on).days + 1) / days).quantize(CENT, rounding=ROUND_HALF_UP)

    return through(year) - through(year - 1)


def _purchases(*, prefixes: list[str], year: int, exclude_contract_id: int | None = None) -> dict[str, Decimal]:
    """Social-assistance funding spent in ``year`` by county: a line of a contract serving several
    years counts in each by its part (:func:`part_in_year`), not wholly in its first year."""
    lines = FundingLine.objects.filter(source=FundingSource.SOCIAL_ASSISTANCE,
                                       contract__starts_on__lte=datetime.date(year, 12, 31),
                                       contract__ends_on__gte=datetime.date(year, 1, 1))
    lines = lines.annotate(county_code=Substr("contract__purchaser__code", 1, 6)).filter(county_code__in=prefixes)
    if exclude_contract_id:
        lines = lines.exclude(contract_id=exclude_contract_id)
    totals: dict[str, Decimal] = {}
    for code, amount, starts_on, ends_on in lines.values_list("county_code", "amount", "contract__starts_on",
                                                              "contract__ends_on"):
        totals[code] = totals.get(code, Decimal("0")) + part_in_year(amount, starts_on, ends_on, year)
    return totals


def _spending(*, counties: list[Region], year: int) -> dict[int, dict[int, Decimal]]:
    rows = SocialAssistanceSpending.objects.filter(region__in=counties, year__in=(year - 1, year))
    spending: dict[int, dict[int, Decimal]] = {}
    for region_id, spent_in, amount in rows.values_list("region_id", "year", "amount"):
        spending.setdefault(region_id, {})[spent_in] = amount
    return spending


def assistance_share(*, county: Region, year: int, on_date: datetime.date, exclude_contract_id: int | None = None,
                     extra: Decimal = Decimal("0")) -> AssistanceShare:
    """The county's social-assistance purchase share for what its contracts spend in ``year``, checked
    against the rules in force on ``on_date``. ``extra`` adds a contract's part not yet saved."""
    purchases = _purchases(prefixes=[county.prefix], year=year, exclude_contract_id=exclude_contract_id)
    total = ((purchases.get(county.prefix) or Decimal("0")) + extra).quantize(CENT)
    rules = ShareRules.of(rule_book(SHARE_MAX, SHARE_MIN, SHARE_BASIS), county.code, on_date)
    return AssistanceShare(county=county, year=year, on_date=on_date, purchases=total, rules=rules,
                           spending_by_year=_spending(counties=[county], year=year).get(county.pk, {}))


def assistance_shares(*, user, year: int, today: datetime.date) -> list[AssistanceShare]:
    """The yearly purchase-share check of every county the user may see, in four queries whatever
    the number of counties; rules read at 31 December of the year (today while it runs)."""
    on_date = year_reference_date(year, today)
    counties = list(Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("code"))
    purchases = _purchases(prefixes=[county.prefix for county in counties], year=year)
    spending = _spending(counties=counties, year=year)
    book = rule_book(SHARE_MAX, SHARE_MIN, SHARE_BASIS)
    return [AssistanceShare(county=county, year=year, on_date=on_date,
                            purchases=(purchases.get(county.prefix) or Decimal("0")).quantize(CENT),
                            rules=ShareRules.of(book, county.code, on_date),
                            spending_by_year=spending.get(county.pk, {}))
            for county in counties]
