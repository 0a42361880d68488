"""Coverage dashboard pages and exports: numbers, drill-down, scope."""

import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from stations.models import Role
from tests import builders
from tests.stations import policy_builders
from tests.stations.coverage_builders import build_coverage_story


@pytest.fixture
def story(hierarchy):
    return build_coverage_story(hierarchy)


@pytest.fixture
def province_user(story):
    return builders.user("hubei", Role.PROVINCE, story.province)


def url(region, at=None):
    return region.get_absolute_url() + (f"?at={at}" if at else "")


def test_province_official_sees_numbers_target_gap_and_cities_in_order(client, story, province_user):
    client.force_login(province_user)
    response = client.get(url(story.province, "2022-12-31"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "42.9%" in page and "3 / 7" in page
    assert "还需建成 1 个社工站，才能在 2022年12月31日 前达到 50%" in page
    assert page.index("宜昌市") < page.index("武汉市")  # 宜昌 holds the province back
    assert story.city.get_absolute_url() in page
    assert "vendor/chartjs/chart.umd.min.js" in page and "cdn" not in page.lower()


def test_county_page_lists_uncovered_townships(client, story, province_user):
    client.force_login(province_user)
    page = client.get(url(story.county_a, "2023-06-30")).content.decode()
    uncovered = page.split('id="uncovered"')[1].split("</section>")[0]
    assert "一元街道" in uncovered and "谌家矶镇" in uncovered and "大智街道" not in uncovered


def test_default_date_is_today_and_home_redirects_to_own_region(client, story):
    user = builders.county_user(story)
    client.force_login(user)
    response = client.get("/stations/coverage/")
    assert response.status_code == 302 and response.url == story.county_a.get_absolute_url()
    assert client.get(response.url).context["dashboard"].on_date is not None


def test_county_staff_cannot_open_another_county_or_the_province(client, story):
    client.force_login(builders.county_user(story))
    assert client.get(url(story.county_a)).status_code == 200
    for region in (story.county_b, story.city, story.province, story.other_province):
        assert client.get(url(region)).status_code == 404
        assert client.get(region.get_absolute_url() + "export/").status_code == 404


def test_province_official_sees_nothing_of_another_province(client, story, province_user):
    client.force_login(province_user)
    assert client.get(url(story.other_province)).status_code == 404
    assert client.get(url(story.gansu_county)).status_code == 404


def test_station_head_and_anonymous_have_no_dashboard(client, story):
    assert client.get(url(story.county_a)).status_code == 302
    head = builders.user("head", Role.STATION_HEAD, story.a1, station=story.s_a1)
    client.force_login(head)
    assert client.get(url(story.county_a)).status_code == 404
    assert story.a1.get_absolute_url() == story.county_a.get_absolute_url()


def test_breadcrumb_links_only_to_visible_ancestors(client, story):
    client.force_login(builders.county_user(story))
    page = client.get(url(story.county_a)).content.decode()
    assert story.city.get_absolute_url() not in page and "武汉市" in page


def test_export_matches_the_page_and_is_scoped(client, story):
    client.force_login(builders.user("wuhan", Role.CITY, story.city))
    response = client.get(story.city.get_absolute_url() + "export/?at=2022-12-31")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    summary, children = book.worksheets[0], book.worksheets[1]
    rows = [r for r in children.iter_rows(values_only=True) if r and r[1] and str(r[1]).isdigit()]
    assert [(r[0], r[2], r[3], r[7]) for r in rows] == [("江汉区", 3, 1, 1), ("江岸区", 3, 2, 0)]
    total = next(r for r in summary.iter_rows(values_only=True) if r and r[1] == story.city.code)
    assert total[2:4] == (6, 3)
    all_cells = " ".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r if c)
    assert "宜昌" not in all_cells and "鸣凤镇" not in all_cells


def test_county_export_has_uncovered_sheet(client, story):
    client.force_login(builders.county_user(story))
    response = client.get(story.county_a.get_absolute_url() + "export/?at=2023-06-30")
    book = load_workbook(BytesIO(response.content))
    names = [r[0] for r in book["未覆盖乡镇（街道）"].iter_rows(values_only=True)]
    assert "一元街道" in names and "谌家矶镇" in names and "大智街道" not in names


def test_navigation_shows_the_dashboard_to_officials(client, story):
    client.force_login(builders.county_user(story))
    assert "/stations/coverage/" in client.get("/").content.decode()


def test_an_invalid_date_says_so_and_shows_today(client, story, province_user):
    client.force_login(province_user)
    response = client.get(url(story.province, "2023-02-30"))
    assert "统计日期无效" in response.content.decode()
    assert response.context["dashboard"].on_date == timezone.localdate()


def test_city_page_shows_the_count_target_columns_when_one_applies(client, story, province_user):
    from stations import services
    from stations.models import TargetMetric
    services.target_set(actor=province_user, region=story.province, metric=TargetMetric.STATIONS_PER_COUNTY_MIN,
                        due_on=datetime.date(2021, 12, 31), value=2, unit="count",
                        document=policy_builders.document_for(story.province))
    client.force_login(province_user)
    page = client.get(url(story.city, "2021-12-31")).content.decode()
    assert "每县至少建成 2 个社工站（2021年12月31日 前），尚差站数" in page and "每县最低站数" in page


def test_dashboard_page_queries_do_not_grow_with_counties(client, story, province_user,
                                                          django_assert_max_num_queries):
    from tests.stations.test_coverage import _add_counties
    client.force_login(province_user)
    client.get(url(story.city))  # warm caches (session, user)
    with django_assert_max_num_queries(15) as before:  # 14 for the dashboard, one for the bell's unread count
        client.get(url(story.city, "2023-06-30"))
    _add_counties(story, 8)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url(story.city, "2023-06-30"))
    assert len(response.context["dashboard"].children) == 10
