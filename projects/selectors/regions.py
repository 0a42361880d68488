"""County figures: local organisations (a target metric) and the assistance purchase share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr

from projects.models import Contract, MinimumWage, Organisation, SocialAssistanceSpending
from projects.selectors.policies import AssistanceShare, assistance_share, year_reference_date
from stations.models import Region, RegionLevel, TargetMetric
from stations.selectors.targets import ApplicableTarget, region_target


def counties_visible(*, user) -> QuerySet[Region]:
    local = Organisation.objects.filter(
        is_local=True, region__code__startswith=Substr(OuterRef("code"), 1, 6))
    return (Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY)
            .annotate(has_local_organisation=Exists(local)).order_by("code"))


@dataclass(frozen=True)
class CountyRow:
    county: Region
    has_local_organisation: bool
    active_contracts: int
    amount_this_year: object
    overdue_filings: int


def county_overview(*, user, today: datetime.date) -> list[CountyRow]:
    """One row per county the user may see, computed in two queries whatever the number of counties."""
    counties = list(counties_visible(user=user))
    contracts = (Contract.objects.visible_to(user).annotate(county_code=Substr("purchaser__code", 1, 6))
                 .values("county_code").order_by("county_code").annotate(
                     active=Count("pk", filter=Q(starts_on__lte=today, ends_on__gte=today)),
                     amount=Sum("amount", filter=Q(starts_on__year=today.year)),
                     overdue=Count("pk", filter=Q(signed_on__isnull=False, filed_on__isnull=True,
                                                  filing_due_on__lt=today))))
    by_county = {row["county_code"]: row for row in contracts}
    rows = []
    for county in counties:
        figures = by_county.get(county.prefix, {})
        rows.append(CountyRow(county=county, has_local_organisation=county.has_local_organisation,
                              active_contracts=figures.get("active", 0), amount_this_year=figures.get("amount"),
                              overdue_filings=figures.get("overdue", 0)))
    return rows


@dataclass(frozen=True)
class CountyPage:
    county: Region
    local_organisations: list
    organisation_target: ApplicableTarget | None  # "at least N local organisations per county", if a document sets it
    share: AssistanceShare
    spending: list
    minimum_wages: list
    contracts: QuerySet


def county_page(*, user, county: Region, today: datetime.date) -> CountyPage:
    return CountyPage(
        county=county,
        local_organisations=list(Organisation.objects.visible_to(user).local_to(county).order_by("name")),
        organisation_target=region_target(region=county, metric=TargetMetric.LOCAL_ORGANISATIONS_PER_COUNTY,
                                          on_date=today, inherit=True),
        share=assistance_share(county=county, year=today.year, on_date=year_reference_date(today.year, today)),
        spending=list(SocialAssistanceSpending.objects.visible_to(user).filter(region=county).order_by("-year")),
        minimum_wages=list(MinimumWage.objects.visible_to(user).filter(region=county).order_by("-year")),
        contracts=(Contract.objects.visible_to(user).filter(purchaser__code__startswith=county.prefix)
                   .select_related("contractor").order_by("-starts_on")[:20]),
    )
