import datetime

import pytest

from tests import builders


@pytest.fixture
def stations(hierarchy):
    """Township stations a1 (county A), b1 (county B) and c1 (county C, 远安县), operating since 2022."""
    h = hierarchy
    h.station_a1 = builders.station(h.a1)
    h.station_a2 = builders.station(h.a2)
    h.station_b1 = builders.station(h.b1)
    h.station_c1 = builders.station(h.c1)
    return h


@pytest.fixture
def county_a_user(hierarchy):
    return builders.county_user(hierarchy)


@pytest.fixture
def county_b_user(hierarchy):
    return builders.county_user(hierarchy, name="county_b", county=hierarchy.county_b)


ON = datetime.date(2025, 6, 30)
