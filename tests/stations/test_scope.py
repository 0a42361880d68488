"""Nobody reads, lists, counts or guesses records outside their region."""

import pytest
from django.urls import reverse

from stations.models import Region, Role, Station
from tests import builders


@pytest.fixture
def world(hierarchy):
    h = hierarchy
    h.station_a = builders.station(h.a1)
    h.station_b = builders.station(h.b1, name="花楼街社工站B")
    h.station_c = builders.station(h.c1)
    h.station_g = builders.station(h.g1)
    return h


def login(client, user):
    client.force_login(user)
    return client


def test_county_user_gets_404_on_another_countys_station(client, world):
    login(client, builders.county_user(world))
    assert client.get(reverse("stations:station-detail", args=[world.station_a.pk])).status_code == 200
    response = client.get(reverse("stations:station-detail", args=[world.station_b.pk]))
    assert response.status_code == 404
    missing = client.get(reverse("stations:station-detail", args=[999999]))
    assert missing.status_code == 404


def test_county_user_lists_and_searches_only_their_county(client, world):
    login(client, builders.county_user(world))
    page = client.get(reverse("stations:station-list")).content.decode()
    assert world.station_a.name in page
    assert world.station_b.name not in page
    searched = client.get(reverse("stations:station-list"), {"q": "花楼街"}).content.decode()
    assert world.station_b.name not in searched
    assert "没有符合条件的社工站" in searched


def test_home_page_counts_only_what_the_user_may_see(client, world):
    login(client, builders.county_user(world))
    page = client.get(reverse("home")).content.decode()
    assert "江岸区" in page
    assert "1 个" in page


def test_province_official_sees_the_whole_province_and_nothing_of_another(world):
    official = builders.user("prov", Role.PROVINCE, world.province)
    visible = set(Station.objects.visible_to(official))
    assert visible == {world.station_a, world.station_b, world.station_c}
    assert world.gansu_county not in Region.objects.visible_to(official)


def test_city_official_sees_their_counties_only(world):
    official = builders.user("city", Role.CITY, world.city)
    assert set(Station.objects.visible_to(official)) == {world.station_a, world.station_b}


def test_station_head_sees_only_their_station(world):
    head = builders.user("head", Role.STATION_HEAD, world.a1, station=world.station_a)
    assert list(Station.objects.visible_to(head)) == [world.station_a]
    assert list(Region.objects.visible_to(head)) == [world.a1]


def test_user_with_no_scope_sees_nothing(client, world):
    nobody = builders.user("nobody")
    assert not Station.objects.visible_to(nobody).exists()
    assert not Region.objects.visible_to(nobody).exists()
    login(client, nobody)
    home = client.get(reverse("home")).content.decode()
    assert "尚未分配角色和管辖区划" in home
    listing = client.get(reverse("stations:station-list")).content.decode()
    assert world.station_a.name not in listing
    assert client.get(reverse("stations:station-detail", args=[world.station_a.pk])).status_code == 404


def test_role_without_region_fails_closed(world):
    half = builders.User(username="half", role=Role.COUNTY)
    half.save()
    assert not Station.objects.visible_to(half).exists()


def test_anonymous_user_is_sent_to_login(client, world):
    response = client.get(reverse("stations:station-list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.fixture
def county_admin(world):
    """A county user who has been given admin access: the admin must still be scoped."""
    user = builders.county_user(world)
    user.is_staff = True
    user.save()
    from stations.roles import ensure_role_groups

    user.groups.add(ensure_role_groups()[Role.PROVINCE])
    return user


def test_admin_lists_details_and_searches_only_within_scope(client, county_admin, world):
    login(client, county_admin)
    changelist = client.get(reverse("admin:stations_station_changelist")).content.decode()
    assert world.station_a.name in changelist
    assert world.station_b.name not in changelist
    searched = client.get(reverse("admin:stations_station_changelist"), {"q": "花楼街"}).content.decode()
    assert world.station_b.name not in searched
    other = client.get(reverse("admin:stations_station_change", args=[world.station_b.pk]))
    assert other.status_code == 302  # the admin redirects "does not exist" to its index
    regions = client.get(reverse("admin:stations_region_changelist"), {"q": "街道"}).content.decode()
    assert "大智街道" in regions
    assert "民族街街道" not in regions


def test_admin_autocomplete_offers_only_regions_in_scope(client, county_admin, world):
    login(client, county_admin)
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "stations", "model_name": "station", "field_name": "region", "term": "街道"})
    names = {item["text"] for item in response.json()["results"]}
    assert "大智街道" in names
    assert "民族街街道" not in names


def test_admin_station_form_offers_only_regions_in_scope(client, county_admin, world):
    login(client, county_admin)
    response = client.get(reverse("admin:stations_station_add"))
    field = response.context["adminform"].form.fields["region"]
    assert world.b1 not in field.queryset
    assert world.a2 in field.queryset


def test_province_official_admin_sees_whole_province_not_another(client, world):
    official = builders.user("prov", Role.PROVINCE, world.province, is_staff=True)
    from stations.roles import ensure_role_groups

    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    login(client, official)
    page = client.get(reverse("admin:stations_station_changelist")).content.decode()
    assert world.station_b.name in page
    assert world.station_g.name not in page
    assert "乡镇（街道）社工站管理系统" in page


def test_province_official_manages_accounts_of_their_province_only(client, world):
    from stations.roles import ensure_role_groups

    official = builders.user("prov", Role.PROVINCE, world.province, is_staff=True)
    official.groups.add(ensure_role_groups()[Role.PROVINCE])
    builders.user("gansu_county", Role.COUNTY, world.gansu_county)
    builders.user("jiangan", Role.COUNTY, world.county_a)
    client.force_login(official)
    listing = client.get(reverse("admin:stations_user_changelist")).content.decode()
    assert "jiangan" in listing
    assert "gansu_county" not in listing
    form = client.get(reverse("admin:stations_user_add")).context["adminform"].form
    assert world.gansu_county not in form.fields["region"].queryset
    assert "is_superuser" not in client.get(
        reverse("admin:stations_user_change", args=[builders.User.objects.get(username="jiangan").pk])
    ).context["adminform"].form.fields


def test_admin_history_of_another_countys_station_is_not_shown(client, county_admin, world):
    login(client, county_admin)
    own = client.get(reverse("admin:stations_station_history", args=[world.station_a.pk]))
    assert own.status_code == 200
    other = client.get(reverse("admin:stations_station_history", args=[world.station_b.pk]))
    assert other.status_code == 404
