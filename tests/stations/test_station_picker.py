"""Registering a station: its place is picked from the user's own county and township lists, the
townships with a station marked, with a type-ahead that answers with the user's regions only."""

import datetime
import re

import pytest

from stations.models import Role, Station
from tests import builders

D = datetime.date


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.s_a1 = builders.station(h.a1, status="operating", on=D(2022, 1, 1))
    h.s_b1 = builders.station(h.b1, status="operating", on=D(2022, 1, 1))
    return h


def options(response, name) -> list[str]:
    """The texts of a select's options, as the user sees them (the blank one left out)."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.content.decode(), re.S).group(1)
    return [text for text in re.findall(r"<option [^>]*>([^<]*)</option>", select) if not text.startswith("——")]


def selected(response, name) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.content.decode(), re.S).group(1)
    return re.search(r'<option value="(\d*)"[^>]*selected', select).group(1)


def search(client, **params):
    response = client.get("/stations/regions/search/", params)
    assert response.status_code == 200
    return [(r["name"], r["county_name"], r["taken"]) for r in response.json()["results"]]


def test_county_staff_pick_from_their_own_townships_with_stations_marked(client, h):
    client.force_login(builders.county_user(h))
    response = client.get("/stations/new/")
    assert options(response, "county") == ["江岸区"] and selected(response, "county") == h.county_a.code
    assert options(response, "township") == ["大智街道（已有社工站）", "一元街道", "谌家矶镇"]
    assert 'type="search"' in response.content.decode()  # the type-ahead, shown by the script


def test_the_chosen_township_is_saved(client, h):
    client.force_login(builders.county_user(h))
    response = client.post("/stations/new/", {
        "kind": "station", "county": h.county_a.code, "township": h.a3.code, "name": "谌家矶镇社工站",
        "initial_status": "planned", "status_effective_on": "2024-03-01"})
    station = Station.objects.get(name="谌家矶镇社工站")
    assert response.status_code == 302 and station.region == h.a3


def test_the_edit_form_starts_from_the_stations_place_and_does_not_mark_it(client, h):
    client.force_login(builders.county_user(h))
    response = client.get(f"/stations/{h.s_a1.pk}/edit/")
    assert (selected(response, "county"), selected(response, "township")) == (h.county_a.code, h.a1.code)
    assert options(response, "township")[0] == "大智街道"


def test_another_countys_township_is_refused_however_it_is_posted(client, h):
    client.force_login(builders.county_user(h))
    for data in ({"township": h.b2.code}, {"county": h.county_a.code, "township": h.b2.code},
                 {"county": h.county_b.code, "township": h.b2.code}):
        response = client.post("/stations/new/", {"kind": "station", "name": "越界社工站", "initial_status": "planned",
                                                  "status_effective_on": "2024-03-01", **data})
        assert response.status_code == 200 and "不在您的管辖范围内" in response.content.decode(), data
    # a township of the user's county under another county chosen on the form
    client.force_login(builders.user("hubei", Role.PROVINCE, h.province))
    response = client.post("/stations/new/", {"kind": "station", "name": "越界社工站", "initial_status": "planned",
                                              "status_effective_on": "2024-03-01", "county": h.county_b.code,
                                              "township": h.a2.code})
    assert "“一元街道”不在所选的江汉区" in response.content.decode()
    assert not Station.objects.filter(name="越界社工站").exists()


def test_search_answers_with_the_users_own_regions_only(client, h):
    client.force_login(builders.county_user(h))
    assert search(client, level="township", q="街道") == [("大智街道", "江岸区", True), ("一元街道", "江岸区", False)]
    assert search(client, level="township", q="民族街") == []
    assert search(client, level="township", parent=h.county_b.code) == []
    assert search(client, level="township", parent=h.county_a.code) == [
        ("大智街道", "江岸区", True), ("一元街道", "江岸区", False), ("谌家矶镇", "江岸区", False)]
    assert search(client, level="township") == []  # asking for nothing gives nothing


def test_a_provincial_official_picks_among_counties_and_finds_a_township_by_name(client, h):
    client.force_login(builders.user("hubei", Role.PROVINCE, h.province))
    response = client.get("/stations/new/")
    assert options(response, "county") == ["江岸区", "江汉区", "远安县"]
    assert '<optgroup label="江汉区">' in response.content.decode()  # no county chosen yet: grouped by county
    assert "民族街街道（已有社工站）" in options(response, "township")
    assert search(client, level="township", q="鸣凤") == [("鸣凤镇", "远安县", False)]
    assert search(client, level="township", q="酒泉路") == []  # Gansu's


def test_only_those_who_register_stations_may_search(client, h):
    client.force_login(builders.user("wuhan", Role.CITY, h.city))
    assert client.get("/stations/regions/search/", {"level": "township", "q": "街道"}).status_code == 403
    client.logout()
    assert client.get("/stations/regions/search/", {"level": "township", "q": "街道"}).status_code == 302
