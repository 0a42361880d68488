import datetime

import pytest
from django.urls import reverse

from stations import services
from stations.models import Role
from tests import builders

URL = reverse("audit-log")


@pytest.fixture
def changes(hierarchy):
    h = hierarchy
    h.jiangan = builders.county_user(h)
    h.station_a = builders.station(h.a1, actor=h.jiangan)
    services.station_update(actor=h.jiangan, station=h.station_a, site_area_m2=120)
    h.jianghan = builders.county_user(h, "county_b", h.county_b)
    h.station_b = builders.station(h.b1, actor=h.jianghan, name="花楼街社工站")
    services.station_change_status(actor=h.jianghan, station=h.station_b, status="suspended",
                                   effective_on=datetime.date(2024, 5, 1), reason="社工离职")
    return h


def test_county_user_sees_who_changed_what_in_their_county(client, changes):
    client.force_login(changes.jiangan)
    page = client.get(URL).content.decode()
    assert "大智街道社工站" in page
    assert "场地面积（平方米）</strong>：— → 120" in page
    assert "花楼街社工站" not in page
    assert "社工离职" not in page


def test_filters_by_user_and_record_type(client, changes):
    official = builders.user("prov", Role.PROVINCE, changes.province)
    client.force_login(official)
    everything = client.get(URL).content.decode()
    assert "社工离职" in everything and "大智街道社工站" in everything
    by_user = client.get(URL, {"user": "county_b"}).content.decode()
    assert "社工离职" in by_user and "大智街道社工站" not in by_user
    by_model = client.get(URL, {"model": "stations.stationstatuschange"}).content.decode()
    assert "社工离职" in by_model and "场地面积" not in by_model


def test_station_heads_evaluators_and_unscoped_users_are_refused(client, changes):
    head = builders.user("head", Role.STATION_HEAD, changes.a1, station=changes.station_a)
    client.force_login(head)
    assert client.get(URL).status_code == 403
    client.force_login(builders.user("nobody"))
    assert client.get(URL).status_code == 403
