"""Cached figures (core.figures): right after a write that changes a figure, every page shows the new
one; a user is never served a part cached for another scope; caching costs no correctness.

These tests commit for real (``transaction=True``): a figure's counter moves when the write commits."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Generation
from stations.models import Role
from stations.reports import services as report_services
from tests import builders
from tests.config.test_overview import alerts, listed
from tests.config.test_overview import today as today  # a fixture the tests use through world
from tests.config.test_overview import world as overview_world
from tests.stations import report_builders as rb
from tests.workforce import builders as wb

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("figures_cached")]
world = overview_world  # the fixture, under the name the tests ask for

COVERAGE = re.compile(r'id="coverage-pct">([^<]*)<')
MISSING = re.compile(r'data-kpi="missing">(\d+)<')


def coverage_pct(client, region) -> str:
    response = client.get(reverse("stations:coverage-dashboard", args=[region.code]))
    assert response.status_code == 200
    return COVERAGE.search(response.content.decode())[1]


def counter(name: str) -> int:
    return Generation.objects.get(name=name).value


@pytest.fixture
def province_user(world):
    return builders.user("prov", Role.PROVINCE, world.province)


def test_the_dashboard_shows_a_new_station_on_the_next_request(client, world, province_user,
                                                               django_assert_max_num_queries):
    client.force_login(province_user)
    before = coverage_pct(client, world.province)
    with django_assert_max_num_queries(8):  # served from the cache: no figure computed again
        assert coverage_pct(client, world.province) == before
    builders.station(world.a3, actor=world.staff_a)
    after = coverage_pct(client, world.province)
    assert (before, after) == ("57.1%", "71.4%")  # 4 then 5 of the province's 7 townships


def test_home_and_completeness_follow_a_submitted_report(client, world):
    client.force_login(world.staff_a)
    month = f"{datetime.date(2026, 2, 1):%Y-%m}"
    completeness = f"{reverse('stations:report-completeness')}?region={world.county_a.code}&month={month}"
    assert alerts(client)["reports_missing"][0] == 1
    assert MISSING.search(client.get(completeness).content.decode())[1] == "1"
    late = world.county_a.children.get(code=world.a2.code).stations.get()
    rb.report(late, rb.head(late), datetime.date(2026, 2, 1), submit_at=rb.at(2026, 3, 9))
    assert alerts(client)["reports_missing"][0] == 0
    assert MISSING.search(client.get(completeness).content.decode())[1] == "0"
    assert listed(client, alerts(client)["reports_missing"][1], "reports_missing") == 0


def test_saving_a_draft_again_changes_no_figure_and_moves_no_counter(client, world):
    station = world.county_a.children.get(code=world.a2.code).stations.get()
    head = rb.head(station)
    draft = report_services.report_create(actor=head, station=station, period=datetime.date(2026, 2, 1))
    started = counter("reports")
    for volunteers in (3, 4):
        draft = report_services.report_save(actor=head, report=draft, expected_version=draft.version,
                                             data={"volunteers": volunteers}, lines=[rb.line(person_times=5)])
    assert counter("reports") == started
    client.force_login(world.staff_a)
    assert alerts(client)["reports_missing"][0] == 1  # a draft is not a report sent
    report_services.report_submit(actor=head, report=draft, expected_version=draft.version)
    assert counter("reports") > started
    assert alerts(client)["reports_missing"][0] == 0


def test_a_write_rolled_back_moves_no_counter(world):
    started = counter("registry") if Generation.objects.filter(name="registry").exists() else None
    with pytest.raises(RuntimeError), transaction.atomic():
        builders.station(world.a3, actor=world.staff_a)
        raise RuntimeError
    assert (counter("registry") if started is not None else None) == started


def test_people_figures_follow_a_new_person(client, world):
    client.force_login(world.staff_a)
    before = alerts(client)["qualification_deadlines"][0]
    station = world.county_a.children.get(code=world.a1.code).stations.get()
    wb.person(station=station, actor=world.staff_a, name="新来的", start_on=datetime.date(2024, 2, 1))
    assert alerts(client)["qualification_deadlines"][0] == before + 1


def test_a_county_is_never_served_another_countys_cached_part(client, world):
    completeness = reverse("stations:report-completeness")
    client.force_login(world.staff_a)
    page_a = client.get(completeness).content.decode()
    home_a = alerts(client)
    assert world.county_a.name in page_a
    client.force_login(world.staff_b)
    page_b = client.get(completeness).content.decode()  # the very same address, cached for county A
    assert world.county_b.name in page_b and world.county_a.name not in page_b
    # County B's own home figures, though the overview of county A is in the cache.
    home_b = alerts(client)
    assert home_b["reports_missing"][1] != home_a["reports_missing"][1]  # links to county B's page
    assert world.county_b.code in home_b["reports_missing"][1]
    # County A's dashboard, cached for county A, is no page of county B's.
    client.force_login(world.staff_a)
    assert client.get(reverse("stations:coverage-dashboard", args=[world.county_a.code])).status_code == 200
    client.force_login(world.staff_b)
    assert client.get(reverse("stations:coverage-dashboard", args=[world.county_a.code])).status_code == 404


def test_the_home_page_costs_the_same_queries_whatever_the_number_of_stations(client, world,
                                                                               django_assert_num_queries):
    client.force_login(world.staff_a)
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("home"))
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("home"))
    for township in (world.a3,):
        station = builders.station(township, actor=world.staff_a)
        wb.person(station=station, actor=world.staff_a, name="又一位", start_on=datetime.date(2024, 3, 1))
    for code, name in (("420102102", "新镇一"), ("420102103", "新镇二"), ("420102104", "新镇三")):
        builders.station(builders.region(code, name, "township", world.county_a), actor=world.staff_a)
    cache.clear()
    with django_assert_num_queries(len(cold.captured_queries)):
        client.get(reverse("home"))
    with django_assert_num_queries(len(warm.captured_queries)):
        client.get(reverse("home"))
    assert len(warm.captured_queries) <= 10


def test_a_bulk_update_of_reports_moves_the_counter(world):
    from core import figures
    from stations.models import MonthlyReport

    (started,) = figures.generations(["reports"])
    assert MonthlyReport.objects.filter(station__region__code__startswith=world.county_a.prefix).update(
        return_reason="") == 1
    assert counter("reports") == started + 1


STATION_ROW = re.compile(r'<tr><td><a href="/stations/\d+/">([^<]*)</a>')


def test_the_station_list_shows_a_new_station_and_a_status_change_on_the_next_request(client, world):
    from stations.models import StationStatus
    from stations.services import station_change_status

    client.force_login(world.staff_a)
    listed_before = STATION_ROW.findall(client.get(reverse("stations:station-list")).content.decode())
    station = builders.station(world.a3, actor=world.staff_a, name="刚登记的社工站")
    page = client.get(reverse("stations:station-list")).content.decode()
    assert sorted(STATION_ROW.findall(page)) == sorted([*listed_before, "刚登记的社工站"])
    station_change_status(actor=world.staff_a, station=station, status=StationStatus.SUSPENDED,
                          effective_on=datetime.date(2024, 1, 1), reason="场地维修")
    row = re.search(r"刚登记的社工站</a>.*?</tr>", client.get(reverse("stations:station-list")).content.decode(), re.S)
    assert str(StationStatus.SUSPENDED.label) in row[0] and str(StationStatus.OPERATING.label) not in row[0]


def test_a_county_is_never_served_another_countys_cached_station_list(client, world):
    client.force_login(world.staff_a)
    county_a = STATION_ROW.findall(client.get(reverse("stations:station-list")).content.decode())
    client.force_login(world.staff_b)
    county_b = STATION_ROW.findall(client.get(reverse("stations:station-list")).content.decode())
    assert county_a and county_b and not set(county_a) & set(county_b)
    assert client.get(reverse("stations:station-list")).content.decode().count("<tr><td><a") == len(county_b)


def test_the_home_pages_station_count_follows_a_new_station(client, world):
    count = re.compile(r'data-figure="station_count">(\d+) 个<')
    client.force_login(world.staff_a)
    before = int(count.search(client.get(reverse("home")).content.decode())[1])
    builders.station(world.a3, actor=world.staff_a)
    assert int(count.search(client.get(reverse("home")).content.decode())[1]) == before + 1
    client.force_login(world.staff_b)  # county B's own count, though county A's is in the cache
    from stations.models import Station

    county_b = Station.objects.filter(region__code__startswith=world.county_b.prefix).count()
    assert county_b != before + 1
    assert int(count.search(client.get(reverse("home")).content.decode())[1]) == county_b
