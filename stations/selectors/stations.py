"""Reads for station screens and exports. Every one starts from ``visible_to``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.scope import scope_of
from stations.models import Region, RegionLevel, Station, StationAcceptance


def station_list(*, user, search: str = "", on_date: datetime.date | None = None) -> QuerySet[Station]:
    stations = Station.objects.visible_to(user).select_related("region", "region__parent")
    stations = stations.with_status_at(on_date or timezone.localdate())
    if search:
        stations = stations.filter(
            Q(name__icontains=search) | Q(region__name__icontains=search) | Q(address__icontains=search)
            | Q(region__code__startswith=search)
        )
    return stations.order_by("region__code", "kind")


def region_list(*, user) -> QuerySet[Region]:
    return Region.objects.visible_to(user)


@dataclass
class ScopeSummary:
    home_region: Region | None
    ancestors: list[Region]  # from the province down to the home region's parent
    station_count: int  # stations the user may see
    child_regions: list[Region]  # up to 60 of the home region's children


def scope_summary(*, user) -> ScopeSummary:
    """What the home page says about the user's scope (kept in the cache with the figures, so read
    at once). A station head's scope is the region their station is in, with nothing below it: no
    child regions to look for."""
    region = user.home_region
    has_children = region is not None and not scope_of(user).station_id
    children = Region.objects.visible_to(user).filter(parent=region).order_by("code")[:60] if has_children else []
    return ScopeSummary(
        home_region=region, ancestors=region.ancestors() if region else [],
        station_count=Station.objects.visible_to(user).count(),
        child_regions=list(children))


def county_names(*, region: Region) -> dict[str, str]:
    """The names of the counties in the region (or of the county itself) by their 6-digit prefix."""
    counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=region.prefix)
    return {code[:6]: name for code, name in counties.values_list("code", "name")}


def latest_acceptance_passed() -> Subquery:
    """Whether the station's latest acceptance check passed (None: never checked)."""
    latest = StationAcceptance.objects.filter(station=OuterRef("pk")).order_by("-checked_on", "-pk")
    return Subquery(latest.values("passed")[:1])


def station_registry(*, user, on_date: datetime.date | None = None) -> QuerySet[Station]:
    """The station list for the registry screen and its export, with the status in force and the
    latest acceptance result."""
    return station_list(user=user, on_date=on_date).annotate(
        meets_standard=latest_acceptance_passed(), latest_checked_on=Subquery(
            StationAcceptance.objects.filter(station=OuterRef("pk")).order_by("-checked_on", "-pk")
            .values("checked_on")[:1]),
    )
