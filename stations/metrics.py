"""Station figures that other apps provide (staff counts come from workforce).

``stations`` imports no other app, so apps that know a station figure register
a provider here from their ``AppConfig.ready()``; the standards check reads
figures through :func:`station_metric` without knowing who supplies them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

Number = int | Decimal


@dataclass(frozen=True)
class StationMetric:
    key: str
    label: str
    compute: Callable[..., Number | None]  # compute(station, on_date) -> value, or None when unknown


_REGISTRY: dict[str, StationMetric] = {}


def register_station_metric(key: str, label: str, compute: Callable[..., Number | None]) -> None:
    _REGISTRY[key] = StationMetric(key, label, compute)


def station_metric(key: str, station, on_date: datetime.date) -> Number | None:
    """The figure for a station on a date, or None when no app provides it or the data is missing."""
    metric = _REGISTRY.get(key)
    return metric.compute(station, on_date) if metric else None


register_station_metric("site_area_m2", "场地面积（平方米）", lambda station, on_date: station.site_area_m2)
