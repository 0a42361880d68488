"""Station figures that other apps provide (staff counts come from workforce).

``stations`` imports no other app, so apps that know a station figure register
a provider here from their ``AppConfig.ready()``; the standards check reads
figures through :func:`station_metric` without knowing who supplies them.

A roster figure (``staffing=True``) is also checked by role: an app registers a
staffing check (:func:`register_staffing_check`) that compares the station's
roster with the staffing rules of the documents in force, so an item such as
"有人员" is not met by a head count of any role.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

Number = int | Decimal


@dataclass(frozen=True)
class StationMetric:
    key: str
    label: str
    compute: Callable[..., Number | None]  # compute(station, on_date) -> value, or None when unknown
    missing: str = ""  # why the figure can be unknown, shown where an item needs it
    staffing: bool = False  # a roster figure: the staffing rules by role apply to an item that reads it


@dataclass(frozen=True)
class Shortfall:
    """What a station's roster lacks against one staffing rule of a document, with its basis."""

    text: str
    citation: str = ""


_REGISTRY: dict[str, StationMetric] = {}
_STAFFING_CHECKS: list[Callable[..., list[Shortfall]]] = []


def register_station_metric(key: str, label: str, compute: Callable[..., Number | None], *, missing: str = "",
                            staffing: bool = False) -> None:
    _REGISTRY[key] = StationMetric(key, label, compute, missing, staffing)


def register_staffing_check(check: Callable[..., list[Shortfall]]) -> None:
    """``check(station, on_date)``: the station's shortfalls by role against the staffing rules in
    force for its region on the date (empty where it meets them or no document sets any)."""
    if check not in _STAFFING_CHECKS:
        _STAFFING_CHECKS.append(check)


def station_metric_spec(key: str) -> StationMetric | None:
    return _REGISTRY.get(key)


def station_metric(key: str, station, on_date: datetime.date) -> Number | None:
    """The figure for a station on a date, or None when no app provides it or the data is missing."""
    metric = _REGISTRY.get(key)
    return metric.compute(station, on_date) if metric else None


def staffing_shortfalls(station, on_date: datetime.date) -> list[Shortfall]:
    return [shortfall for check in _STAFFING_CHECKS for shortfall in check(station, on_date)]


register_station_metric("site_area_m2", _("场地面积（平方米）"), lambda station, on_date: station.site_area_m2,
                        missing=_("站点未登记场地面积"))
