"""Station registry screens: list filters, detail, create, edit, status change, scope."""

import datetime
import html
import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from stations import services
from stations.models import Role, Station, StationStatusChange
from tests import builders

D = datetime.date


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.s_a1 = builders.station(h.a1, status="operating", on=D(2022, 1, 1))
    h.s_a3 = builders.station(h.a3, status="planned", on=D(2022, 1, 1))
    h.s_b1 = builders.station(h.b1, status="operating", on=D(2022, 1, 1))
    h.s_b3 = builders.station(h.b3, status="pilot", on=D(2022, 1, 1))
    h.s_c1 = builders.station(h.c1, status="operating", on=D(2022, 1, 1))
    h.s_g1 = builders.station(h.g1, status="operating", on=D(2022, 1, 1))
    services.station_record_acceptance(actor=builders.superuser(), station=h.s_a1, checked_on=D(2023, 1, 1),
                                       passed=True)
    services.station_record_acceptance(actor=builders.superuser(), station=h.s_b1, checked_on=D(2023, 1, 1),
                                       passed=False)
    h.province_user = builders.user("hubei", Role.PROVINCE, h.province)
    return h


def names(response):
    """The stations the list shows, by name, as the page reads."""
    return sorted(html.unescape(name) for name in re.findall(
        r'<tr><td><a href="/stations/\d+/">([^<]*)</a>', response.content.decode()))


def test_county_staff_list_shows_only_their_county(client, h):
    client.force_login(builders.county_user(h))
    assert names(client.get("/stations/")) == ["大智街道社工站", "谌家矶镇社工站"]


@pytest.mark.parametrize(("query", "expected"), [
    ("status=operating", ["大智街道社工站", "民族街街道社工站", "鸣凤镇社工站"]),
    ("status=pilot", ["某某乡社工站"]),
    ("township_kind=xiang", ["某某乡社工站"]),
    ("township_kind=zhen", ["谌家矶镇社工站", "鸣凤镇社工站"]),
    ("meets_standard=yes", ["大智街道社工站"]),
    ("meets_standard=no", ["民族街街道社工站", "某某乡社工站", "谌家矶镇社工站", "鸣凤镇社工站"]),
    ("q=民族", ["民族街街道社工站"]),
    ("kind=centre", []),
])
def test_province_filters(client, h, query, expected):
    client.force_login(h.province_user)
    assert names(client.get(f"/stations/?{query}")) == sorted(expected)


def test_county_filter_offers_only_visible_counties(client, h):
    client.force_login(h.province_user)
    response = client.get(f"/stations/?county={h.county_b.pk}")
    assert names(response) == sorted(["民族街街道社工站", "某某乡社工站"])
    client.force_login(builders.county_user(h))
    response = client.get(f"/stations/?county={h.county_b.pk}")
    assert "筛选条件有误" in response.content.decode()
    assert names(response) == []


def test_detail_edit_status_are_404_across_counties(client, h):
    client.force_login(builders.county_user(h))
    for suffix in ("", "edit/", "status/", "acceptance/"):
        assert client.get(f"/stations/{h.s_b1.pk}/{suffix}").status_code == 404
        assert client.get(f"/stations/{h.s_a1.pk}/{suffix}").status_code == 200
    assert client.post(f"/stations/{h.s_b1.pk}/status/", {"status": "closed", "effective_on": "2024-01-01",
                                                           "reason": "x"}).status_code == 404
    assert h.s_b1.status_on(D(2024, 1, 2)) == "operating"


def test_create_a_station_in_own_county(client, h):
    client.force_login(builders.county_user(h))
    response = client.post("/stations/new/", {
        "county": h.county_a.code, "township": h.a2.code, "kind": "station", "name": "一元街道社工站", "site_area_m2": "60",
        "initial_status": "pilot", "status_effective_on": "2024-03-01", "co_location": "party_centre"})
    station = Station.objects.get(region=h.a2)
    assert response.status_code == 302 and response.url == station.get_absolute_url()
    assert station.status_on(D(2024, 3, 1)) == "pilot" and station.history.first().history_user.username == "county_a"


def test_create_refuses_another_countys_township_and_a_duplicate(client, h):
    client.force_login(builders.county_user(h))
    response = client.post("/stations/new/", {"township": h.b2.code, "kind": "station", "name": "x",
                                              "initial_status": "planned", "status_effective_on": "2024-03-01"})
    assert "不在您的管辖范围内" in response.content.decode()
    response = client.post("/stations/new/", {"township": h.a1.code, "kind": "station", "name": "重复",
                                              "initial_status": "planned", "status_effective_on": "2024-03-01"})
    assert response.status_code == 200 and Station.objects.filter(region=h.a1).count() == 1
    assert response.context["form"].errors


def test_create_asks_for_the_level_the_kind_needs(client, h):
    client.force_login(builders.county_user(h))
    response = client.post("/stations/new/", {"county": h.county_a.code, "kind": "station", "name": "x",
                                              "initial_status": "planned", "status_effective_on": "2024-03-01"})
    assert "请选择乡镇（街道）：社工站设在乡镇（街道）一级" in response.content.decode()
    assert not Station.objects.filter(name="x").exists()


def test_edit_and_status_change_are_audited(client, h):
    client.force_login(builders.county_user(h))
    response = client.post(f"/stations/{h.s_a1.pk}/edit/", {"township": h.a1.code, "kind": "station",
                                                             "name": "大智街道社会工作服务站", "site_area_m2": "88"})
    assert response.status_code == 302
    h.s_a1.refresh_from_db()
    assert h.s_a1.name == "大智街道社会工作服务站" and h.s_a1.site_area_m2 == 88
    response = client.post(f"/stations/{h.s_a1.pk}/status/", {"status": "suspended", "effective_on": "2024-05-01",
                                                               "reason": "社工离职"})
    assert response.status_code == 302
    change = StationStatusChange.objects.get(station=h.s_a1, effective_on=D(2024, 5, 1))
    assert (change.status, change.reason, change.changed_by.username) == ("suspended", "社工离职", "county_a")
    # Same day twice is refused with the date named.
    response = client.post(f"/stations/{h.s_a1.pk}/status/", {"status": "operating", "effective_on": "2024-05-01",
                                                               "reason": "恢复"})
    assert "2024-05-01 已有一次状态变更" in response.content.decode()


def test_city_official_reads_but_cannot_write(client, h):
    client.force_login(builders.user("wuhan", Role.CITY, h.city))
    assert client.get(f"/stations/{h.s_a1.pk}/").status_code == 200
    assert client.get(f"/stations/{h.s_a1.pk}/edit/").status_code == 403
    assert client.get("/stations/new/").status_code == 403


def test_export_is_the_filtered_scoped_list(client, h):
    client.force_login(builders.county_user(h))
    response = client.get("/stations/export/?status=operating")
    book = load_workbook(BytesIO(response.content))
    cells = [row for row in book.active.iter_rows(values_only=True)]
    station_rows = [row for row in cells if len(row) > 1 and row[1] and str(row[1]).endswith("社工站")]
    assert [(r[1], r[6], r[9]) for r in station_rows] == [("大智街道社工站", "运营", "是")]
    assert all(str(r[0]).isdigit() for r in station_rows)  # the 站点编号 an import names the station by
    text = " ".join(str(c) for r in cells for c in r if c)
    assert "民族街" not in text and "当前状态：运营" in text
