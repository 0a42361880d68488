"""Per-region procurement rules: which policy applies, and the social-assistance purchase share."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from projects.models import FundingLine, FundingSource, ProcurementPolicy, ShareBasis, SocialAssistanceSpending
from stations.models import Region, RegionLevel

DEFAULT_SIGNING_WITHIN_DAYS = 30


def policy_for(region: Region) -> ProcurementPolicy | None:
    """The policy of the nearest region at or above ``region`` (nearest ancestor wins)."""
    return ProcurementPolicy.objects.for_region(region)


def county_of(region: Region) -> Region | None:
    if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        return None
    if region.level == RegionLevel.COUNTY:
        return region
    return Region.objects.filter(code=region.code[:6].ljust(12, "0")).first()


@dataclass(frozen=True)
class AssistanceShare:
    """Purchases paid from social-assistance funds in ``year`` against the spending
    figure of ``basis_year``, and the applicable cap or floor."""

    county: Region
    year: int
    basis_year: int
    purchases: Decimal
    spending: Decimal | None
    policy: ProcurementPolicy | None

    @property
    def share(self) -> Decimal | None:
        if not self.spending:
            return None
        return (self.purchases * 100 / self.spending).quantize(Decimal("0.01"))

    @property
    def cap(self) -> Decimal | None:
        return self.policy.assistance_share_max if self.policy else None

    @property
    def floor(self) -> Decimal | None:
        return self.policy.assistance_share_min if self.policy else None

    @property
    def precise_share(self) -> Decimal | None:
        if not self.spending:
            return None
        return (self.purchases * 100 / self.spending).quantize(Decimal("0.0001"))

    # Compared exactly (purchases × 100 against limit × spending), not after rounding.
    @property
    def over_cap(self) -> bool:
        return bool(self.spending) and self.cap is not None and self.purchases * 100 > self.cap * self.spending

    @property
    def under_floor(self) -> bool:
        return bool(self.spending) and self.floor is not None and self.purchases * 100 < self.floor * self.spending

    @property
    def light(self) -> str:
        if self.share is None:
            return "amber"
        return "red" if self.over_cap or self.under_floor else "green"


def assistance_share(*, county: Region, year: int, exclude_contract_id: int | None = None,
                     extra: Decimal = Decimal("0")) -> AssistanceShare:
    """The county's social-assistance purchase share for contracts starting in ``year``.
    ``extra`` adds a contract not yet saved (for the check before saving)."""
    policy = policy_for(county)
    basis = policy.share_basis if policy else ShareBasis.LAST_YEAR
    basis_year = year - 1 if basis == ShareBasis.LAST_YEAR else year
    lines = FundingLine.objects.filter(
        source=FundingSource.SOCIAL_ASSISTANCE, contract__purchaser__code__startswith=county.prefix,
        contract__starts_on__year=year,
    )
    if exclude_contract_id:
        lines = lines.exclude(contract_id=exclude_contract_id)
    purchases = ((lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")) + extra).quantize(Decimal("0.01"))
    spending = SocialAssistanceSpending.objects.filter(region=county, year=basis_year).values_list(
        "amount", flat=True).first()
    return AssistanceShare(county=county, year=year, basis_year=basis_year, purchases=purchases,
                           spending=spending, policy=policy)
