"""Reads for station screens and exports. Every one starts from ``visible_to``."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from stations.models import Region, Station


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
