"""Hubei's villages ship as a file of their own and are loaded a county at a time when first needed,
so a village social-work room (社工室) can be placed in its village."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from stations.models import Region, RegionChange, RegionLevel, Station
from tests import builders

D = datetime.date
FENGSHAN = "420525101001"  # 凤山社区居民委员会, 鸣凤镇, 远安县 (the shipped file's first village there)


@pytest.fixture
def yuanan(hierarchy):
    return builders.county_user(hierarchy, name="yuanan", county=hierarchy.county_c)


def villages(prefix):
    return Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=prefix)


def room_data(h, **extra):
    return {"kind": "room", "county": h.county_c.code, "township": h.c1.code, "name": "凤山社区社工室",
            "initial_status": "planned", "status_effective_on": "2024-03-01", **extra}


def test_a_county_user_places_a_room_in_a_village_loaded_on_demand(client, hierarchy, yuanan):
    h = hierarchy
    assert not villages("42").exists()  # not loaded with the townships
    client.force_login(yuanan)

    response = client.post("/stations/new/", room_data(h))  # a room needs its village: the list appears

    page = response.content.decode()
    assert "请从下面的列表中选择鸣凤镇的村（社区）" in page and "凤山社区居民委员会" in page
    assert villages("420525").count() == 14 and not villages("420102").exists()  # 鸣凤镇's, and no other county's
    load = RegionChange.objects.get(region=h.county_c)
    assert (load.changes, load.changed_by) == ({"villages": [0, 14]}, yuanan)
    assert "42_hubei_villages.csv.gz" in load.source

    response = client.post("/stations/new/", room_data(h, village=FENGSHAN))

    room = Station.objects.get(name="凤山社区社工室")
    assert response.status_code == 302 and room.region.code == FENGSHAN and room.region.parent == h.c1
    assert room.history.first().history_user == yuanan
    # the village now shows as having its room, and the county's villages are not loaded twice
    response = client.get("/stations/regions/search/", {"level": "village", "parent": h.c1.code})
    labels = [r["label"] for r in response.json()["results"]]
    assert labels[0] == "凤山社区居民委员会（已有社工室）" and len(labels) == 14
    assert RegionChange.objects.filter(region=h.county_c).count() == 1


def test_the_type_ahead_loads_the_villages_of_the_users_own_county_only(client, hierarchy, yuanan):
    h = hierarchy
    client.force_login(builders.county_user(h))  # 江岸区
    response = client.get("/stations/regions/search/", {"level": "village", "parent": h.c1.code})
    assert response.json()["results"] == [] and not villages("42").exists()
    client.force_login(yuanan)
    response = client.get("/stations/regions/search/", {"level": "village", "parent": h.c1.code})
    assert response.json()["results"][0]["name"] == "凤山社区居民委员会" and villages("420525").count() == 14


def test_a_village_of_another_township_is_refused(client, hierarchy, yuanan):
    h = hierarchy
    other = builders.region("420525102", "旧县镇", RegionLevel.TOWNSHIP, h.county_c)
    client.force_login(yuanan)
    client.post("/stations/new/", room_data(h))
    response = client.post("/stations/new/", room_data(h, township=other.code, village=FENGSHAN))
    assert "“凤山社区居民委员会”不在所选的旧县镇" in response.content.decode()
    assert not Station.objects.filter(kind="room").exists()


def test_the_command_loads_a_provinces_villages_county_by_county_once(hierarchy):
    out = StringIO()
    call_command("load_divisions", "--villages", "42", "--county", "420525", stdout=out)
    assert "远安县（420525）: 村（社区）14" in out.getvalue() and villages("42").count() == 14
    out = StringIO()
    call_command("load_divisions", "--villages", "42", stdout=out)
    # the other counties' villages, under their townships in use (the fixture's real codes)
    assert "远安县" not in out.getvalue() and "江岸区（420102）" in out.getvalue()
    assert villages("420102").exists() and villages("420103").exists() and not villages("62").exists()
    before = villages("42").count()
    call_command("load_divisions", "--villages", "42", stdout=StringIO())
    assert villages("42").count() == before
    assert sorted(RegionChange.objects.values_list("region__name", flat=True)) == ["江岸区", "江汉区", "远安县"]
