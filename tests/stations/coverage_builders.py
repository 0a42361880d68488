"""A small hierarchy with stations opened, suspended and closed on known dates."""

from __future__ import annotations

import datetime

from stations import services
from stations.models import RegionLevel, StationKind, TargetMetric
from tests import builders
from tests.stations import policy_builders

D = datetime.date


def change(station, status, on, reason="测试"):
    services.station_change_status(actor=builders.superuser(), station=station, status=status, effective_on=on,
                                   reason=reason)


def target(region, pct, due, metric=TargetMetric.TOWNSHIP_COVERAGE_PCT, doc=None):
    """A target of the region's standing test document (or of ``doc``)."""
    return policy_builders.target(region, pct, due, metric=metric, doc=doc)


def build_coverage_story(h):
    """Province 42 has 7 counted townships (a1-a3, b1-b3, c1).

    a1: pilot 2021-06-01, operating 2021-10-01 (covered from 2021-06-01 on)
    a2: operating 2022-03-01, suspended 2023-05-01
    a3: planned 2022-01-01 only (never covers)
    b1: operating 2022-06-01, closed 2023-01-01
    c1: pilot 2023-02-01
    g1 (Gansu): operating 2021-01-01
    county A also has a guidance centre (not a township station: never counts),
    county B a development zone (other_township: not counted by default) with an operating station.
    Targets: Hubei 30/50/70/100% at the ends of 2021-2024; county A its own 60% by 2022-12-31.
    """
    h.s_a1 = builders.station(h.a1, status="pilot", on=D(2021, 6, 1))
    change(h.s_a1, "operating", D(2021, 10, 1))
    h.s_a2 = builders.station(h.a2, status="operating", on=D(2022, 3, 1))
    change(h.s_a2, "suspended", D(2023, 5, 1))
    h.s_a3 = builders.station(h.a3, status="planned", on=D(2022, 1, 1))
    h.s_b1 = builders.station(h.b1, status="operating", on=D(2022, 6, 1))
    change(h.s_b1, "closed", D(2023, 1, 1))
    h.s_c1 = builders.station(h.c1, status="pilot", on=D(2023, 2, 1))
    h.s_g1 = builders.station(h.g1, status="operating", on=D(2021, 1, 1))
    builders.station(h.county_a, kind=StationKind.COUNTY_CENTRE, status="operating", on=D(2021, 1, 1))
    h.b_zone = builders.region("420103400", "某某经济开发区", RegionLevel.TOWNSHIP, h.county_b)
    builders.station(h.b_zone, status="operating", on=D(2021, 1, 1))
    for pct, year in ((30, 2021), (50, 2022), (70, 2023), (100, 2024)):
        target(h.province, pct, D(year, 12, 31))
    target(h.county_a, 60, D(2022, 12, 31))
    return h
