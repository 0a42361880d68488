import pytest

from stations.models import Role
from tests import builders
from tests.projects import builders as pb


@pytest.fixture
def world(hierarchy):
    """Hierarchy plus stations, a county user each for counties A and B, and an organisation."""
    h = hierarchy
    h.root = builders.superuser()
    h.station_a1 = builders.station(h.a1)
    h.station_a2 = builders.station(h.a2)
    h.station_b1 = builders.station(h.b1)
    h.user_a = builders.county_user(h)
    h.user_b = builders.county_user(h, name="county_b", county=h.county_b)
    h.city_user = builders.user("city", Role.CITY, h.city)
    h.org = pb.organisation(h.county_a, name="江岸区阳光社工服务中心")
    return h
