"""Station figures the projects app knows, offered to the stations app through its metric registry."""

from __future__ import annotations

import datetime

from projects.models import Contract
from stations.metrics import register_station_metric


def contract_covering(station, on_date: datetime.date) -> Contract | None:
    """The contract serving the station on a date (contracts of one station never overlap)."""
    return Contract.objects.filter(stations=station).active_on(on_date).select_related("contractor").first()


def required_social_workers(station, on_date: datetime.date) -> int | None:
    contract = contract_covering(station, on_date)
    return contract.social_workers_per_station if contract else None


def register_station_metrics() -> None:
    register_station_metric("contract_social_workers_required", "合同要求驻站社工人数", required_social_workers)
