"""Coverage trends with traffic lights: same figures as the dashboard, lights, scope, export, query count."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from stations.models import Role
from stations.selectors.coverage import coverage_rows
from stations.selectors.coverage_trends import coverage_trends, trend_dates
from stations.selectors.lights import Light
from stations.templatetags.coverage_sparklines import HEIGHT, PAD, sparkline_for
from tests import builders
from tests.stations.coverage_builders import D, build_coverage_story

ON = D(2023, 6, 30)


@pytest.fixture
def story(hierarchy):
    return build_coverage_story(hierarchy)


@pytest.fixture
def province_user(story):
    return builders.user("hubei", Role.PROVINCE, story.province)


def trends_url(region, query=""):
    return reverse("stations:coverage-trends", kwargs={"code": region.code}) + (f"?{query}" if query else "")


def figures(row):
    target = (row.target.value, row.target.due_on, row.target.overdue) if row.target else None
    return row.townships, row.covered, row.coverage_pct, target, row.gap_stations


def test_trend_dates_are_the_last_quarter_ends_then_the_date():
    assert trend_dates(D(2023, 5, 10), 4) == [D(2022, 9, 30), D(2022, 12, 31), D(2023, 3, 31), D(2023, 5, 10)]
    assert trend_dates(D(2023, 12, 31), 3) == [D(2023, 6, 30), D(2023, 9, 30), D(2023, 12, 31)]
    assert len(trend_dates(ON)) == 8


def test_every_row_and_every_trend_point_matches_the_dashboard(story, province_user):
    trends = coverage_trends(user=province_user, region=story.province, on_date=ON)
    assert [row.code for row in trends.rows] == [
        story.city.code, story.county_b.code, story.county_a.code, story.other_city.code, story.county_c.code]
    for on_date in trends.dates:
        index = trends.dates.index(on_date)
        summary, cities = coverage_rows(region=story.province, on_date=on_date)
        expected = {row.code: row for row in cities} | {
            row.code: row for city in (story.city, story.other_city)
            for row in coverage_rows(region=city, on_date=on_date)[1]}
        expected[story.province.code] = summary
        for row in [trends.summary, *trends.rows]:
            point, reference = row.trend[index], expected[row.code]
            assert (point.townships, point.covered, point.coverage_pct) == figures(reference)[:3], (row.name, on_date)
            assert point.target_pct == (reference.target.value if reference.target else None)
            if on_date == ON:
                assert figures(row) == figures(reference), row.name


def test_lights_at_mid_2023(story, province_user):
    trends = coverage_trends(user=province_user, region=story.province, on_date=ON)
    lights = {row.name: row.light for row in [trends.summary, *trends.rows]}
    # Hubei 28.6% against 70% due at the end of 2023: far behind; 宜昌 and 远安 100%: met.
    # (The light itself, case by case: tests/stations/test_traffic_light.py.)
    assert lights == {"湖北省": Light.BEHIND, "武汉市": Light.BEHIND, "江汉区": Light.BEHIND, "江岸区": Light.BEHIND,
                      "宜昌市": Light.MET, "远安县": Light.MET}


def test_sparkline_scales_0_to_100_and_lists_every_value(story, province_user):
    trends = coverage_trends(user=province_user, region=story.province, on_date=ON, points=3)
    yichang = next(row for row in trends.rows if row.name == "宜昌市")
    spark = sparkline_for(yichang.trend, "宜昌市")
    # 2022-12-31: 0%, 2023-03-31 and 2023-06-30: 100% (c1 pilot since 2023-02-01)
    assert [point.split(",")[1] for point in spark.coverage.split()] == [str(float(HEIGHT - PAD)), "3.0", "3.0"]
    assert spark.last == (117.0, 3.0)
    # The target steps from 50% to 70% right after 2022-12-31, then stays: a dashed step line.
    assert spark.target.split() == ["3.0,16.0", "3.0,10.8", "60.0,10.8", "117.0,10.8"]
    assert spark.title.splitlines() == ["宜昌市", "2022-12-31：覆盖率 0.0%，目标 50%",
                                        "2023-03-31：覆盖率 100.0%，目标 70%", "2023-06-30：覆盖率 100.0%，目标 70%"]


def test_province_page_shows_rows_lights_sparklines_and_legend(client, story, province_user):
    client.force_login(province_user)
    response = client.get(trends_url(story.province, "at=2023-06-30"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<svg class="sparkline"') == 6 and page.count("stroke-dasharray") == 6
    assert page.count("signal signal-behind") == 4 + 1 and page.count("signal signal-met") == 2 + 1  # + legend
    assert "低于目标，差距不超过 5 个百分点，且未过完成期限" in page
    # Row names link to their dashboards on the same date.
    assert f'href="{story.county_a.get_absolute_url()}?at=2023-06-30">江岸区</a>' in page
    assert page.index("武汉市") < page.index("江汉区") < page.index("江岸区") < page.index("宜昌市") < page.index("远安县")


def test_sort_by_code_keeps_each_city_above_its_counties(client, story, province_user):
    client.force_login(province_user)
    rows = client.get(trends_url(story.province, "at=2023-06-30&sort=code")).context["trends"].rows
    assert [row.name for row in rows] == ["武汉市", "江岸区", "江汉区", "宜昌市", "远安县"]


def test_dashboard_links_to_the_trends_of_a_province_or_city_only(client, story, province_user):
    client.force_login(province_user)
    for region in (story.province, story.city):
        assert trends_url(region) in client.get(region.get_absolute_url()).content.decode()
    assert 'id="trends-link"' not in client.get(story.county_a.get_absolute_url()).content.decode()


def test_city_user_sees_only_their_counties_and_not_another_city_or_the_province(client, story):
    client.force_login(builders.user("wuhan", Role.CITY, story.city))
    trends = client.get(trends_url(story.city, "at=2023-06-30")).context["trends"]
    assert [row.name for row in trends.rows] == ["江汉区", "江岸区"]
    for region in (story.other_city, story.province, story.other_province, story.gansu_city):
        assert client.get(trends_url(region)).status_code == 404
        assert client.get(trends_url(region, "format=xlsx")).status_code == 404


def test_a_county_has_no_trend_table_its_dashboard_instead(client, story, province_user):
    client.force_login(builders.county_user(story))
    response = client.get(trends_url(story.county_a, "at=2023-06-30"))
    assert response.status_code == 302 and response.url == story.county_a.get_absolute_url() + "?at=2023-06-30"
    for region in (story.county_b, story.city, story.province):
        assert client.get(trends_url(region)).status_code == 404
    client.force_login(province_user)
    assert client.get(trends_url(story.county_b)).url == story.county_b.get_absolute_url()
    assert client.get(trends_url(story.gansu_county)).status_code == 404


def test_station_head_and_anonymous_have_no_trends(client, story):
    assert client.get(trends_url(story.province)).status_code == 302  # to the login page
    client.force_login(builders.user("head", Role.STATION_HEAD, story.a1, station=story.s_a1))
    assert client.get(trends_url(story.province)).status_code == 404
    assert client.get(trends_url(story.city)).status_code == 404


def test_export_has_the_table_with_one_column_per_trend_date(client, story, province_user):
    client.force_login(province_user)
    response = client.get(trends_url(story.province, "at=2023-06-30&format=xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(values) if row[0] == "区划" and row[1] == "代码")
    headers, body = values[header_at], values[header_at + 1:]
    assert headers[3] == "状态" and headers[-8] == "2021-09-30 覆盖率（%）" and headers[-1] == "2023-06-30 覆盖率（%）"
    assert [row[0] for row in body] == ["湖北省", "武汉市", "江汉区", "江岸区", "宜昌市", "远安县"]
    jiangan = body[3]
    assert jiangan[1:10] == ["420102000000", "县（市、区）", "落后", 3, 1, 33.3, 70, jiangan[8], 2]
    assert jiangan[-8:] == [33.3, 33.3, 66.7, 66.7, 66.7, 66.7, 66.7, 33.3]
    assert "420103000000" not in [row[1] for row in body if row[0] == "江岸区"]
    assert "甘肃" not in str(values)


def test_query_count_does_not_grow_with_regions(story, province_user, django_assert_max_num_queries):
    from tests.stations.test_coverage import _add_counties

    with django_assert_max_num_queries(5) as small:
        before = coverage_trends(user=province_user, region=story.province, on_date=ON)
    _add_counties(story, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        after = coverage_trends(user=province_user, region=story.province, on_date=ON)
    assert len(after.rows) == len(before.rows) + 8


def test_page_queries_do_not_grow_with_regions(client, story, province_user, django_assert_max_num_queries):
    from tests.stations.test_coverage import _add_counties

    client.force_login(province_user)
    client.get(trends_url(story.province))  # warm caches (session, user)
    with django_assert_max_num_queries(12) as small:
        client.get(trends_url(story.province, "at=2023-06-30"))
    _add_counties(story, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(trends_url(story.province, "at=2023-06-30"))
    assert len(response.context["trends"].rows) == 13


def test_english_page_and_workbook(client, story, province_user):
    client.force_login(province_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(trends_url(story.province, "at=2023-06-30")).content.decode()
    assert "Below target by at most 5 percentage points" in page and "Target met" in page
    assert "2023-06-30: coverage 33.3%, target 70%" in page
    sheet = load_workbook(BytesIO(client.get(trends_url(story.province, "at=2023-06-30&format=xlsx")).content)).active
    assert "Coverage on 2023-06-30 (%)" in [cell.value for row in sheet.iter_rows() for cell in row]
