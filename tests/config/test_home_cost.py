"""The home page's cost: a station head's scope has no regions below its own, so none are looked
for; the overview read back from the cache still speaks the language the page is shown in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stations.models import Role
from stations.selectors.stations import scope_summary
from tests import builders

pytestmark = pytest.mark.django_db


def test_a_station_heads_scope_summary_looks_for_no_child_regions(hierarchy):
    h = hierarchy
    head = builders.user("head", Role.STATION_HEAD, station=builders.station(h.a1))
    summary = scope_summary(user=head)
    with CaptureQueriesContext(connection) as queries:
        assert list(summary.child_regions) == []
    assert queries.captured_queries == []
    assert summary.home_region == h.a1 and summary.station_count == 1


def test_cached_overview_labels_follow_the_pages_language(client, hierarchy, figures_cached):
    county = builders.county_user(hierarchy)
    client.force_login(county)
    assert "上月月报未报送" in client.get("/").content.decode()
    assert "上月月报未报送" in client.get("/").content.decode()  # from the cache
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "上月月报未报送" not in english
