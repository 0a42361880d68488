"""The reporting chain: which regions send a report up, for which period, and which region a
chain-report page shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.scope import scope_of
from stations.models import PREFIX_LENGTH, Region, RegionLevel

# The report each level sends up: a county's quarterly report, a city's semi-annual report.
CHAIN_KINDS = {RegionLevel.COUNTY: "quarter", RegionLevel.CITY: "half"}


@dataclass
class ChainRegions:
    region: Region | None  # None: nothing the user may see sends a report up
    choices: QuerySet[Region]  # read only when a page lists them

    @property
    def kind(self) -> str:
        """The period of the report the region sends up (``quarter`` or ``half``)."""
        return CHAIN_KINDS[self.region.level]


def chain_regions(*, user, code: str = "") -> ChainRegions:
    """The county or city named by ``code`` (its code or significant prefix) among those the user
    may see; without a code the user's own region, else the first city. The choices are the
    counties and cities the user may see, by code; for a user who sees everything, every city but
    only the counties of the chosen region's province."""
    regions = Region.objects.visible_to(user).filter(level__in=list(CHAIN_KINDS)).order_by("code")
    if code:
        region = regions.by_code_or_prefix(code).first()
    else:
        region = (regions.filter(pk=getattr(user.home_region, "pk", None)).first()
                  or regions.filter(level=RegionLevel.CITY).first())
    choices = regions
    if region is not None and scope_of(user).everything:
        province = region.code[:PREFIX_LENGTH[RegionLevel.PROVINCE]]
        choices = regions.filter(Q(level=RegionLevel.CITY) | Q(code__startswith=province))
    return ChainRegions(region, choices)
