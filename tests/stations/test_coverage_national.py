"""The national (全国) coverage dashboard: the provinces summed, each against its own target; superusers only."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from stations import services
from stations.models import RegionLevel, Role
from stations.selectors.coverage import NATIONAL_CODE, chart_dates, coverage_over_time, coverage_rows
from stations.selectors.coverage_national import national_dashboard
from tests import builders
from tests.stations.coverage_builders import D, build_coverage_story, target

NATIONAL_URL = f"/stations/coverage/{NATIONAL_CODE}/"


@pytest.fixture
def story(hierarchy):
    return build_coverage_story(hierarchy)


@pytest.fixture
def root(story):
    return builders.superuser()


def _add_province(prefix, name, *, pct=None):
    """A province with one county of three townships, one of them covered since 2022-01-01."""
    province = builders.region(prefix, name, RegionLevel.PROVINCE)
    city = builders.region(f"{prefix}01", f"{name}一市", RegionLevel.CITY, province)
    county = builders.region(f"{prefix}0102", f"{name}一区", RegionLevel.COUNTY, city)
    townships = [builders.region(f"{prefix}0102{t:03}", f"{name}{t}街道", RegionLevel.TOWNSHIP, county)
                 for t in (1, 2, 3)]
    builders.station(townships[0], status="operating", on=D(2022, 1, 1))
    if pct:
        target(province, pct, D(2023, 12, 31))
    return province


@pytest.mark.parametrize("on_date", [D(2020, 12, 31), D(2021, 12, 31), D(2022, 12, 31), D(2023, 6, 30)])
def test_figures_are_the_provinces_own_rows_and_their_sum(story, on_date):
    # Hubei counts its development zones (one with an operating station): the nation follows each
    # province's own setting.
    services.coverage_setting_set(actor=builders.superuser(), province=story.province, include_other_township=True)
    _add_province("11", "北京市", pct=90)
    dashboard = national_dashboard(on_date=on_date)
    rows = {row.code: row for row in dashboard.children}
    provinces = [story.province, story.other_province, rows["110000000000"].region]
    assert sorted(rows) == sorted(p.code for p in provinces)
    for province in provinces:
        own, _cities = coverage_rows(region=province, on_date=on_date)
        row = rows[province.code]
        assert (row.townships, row.covered, row.target, row.gap_stations) == (
            own.townships, own.covered, own.target, own.gap_stations)
    assert rows[story.province.code].townships == 8  # 7 townships and the development zone
    summary = dashboard.summary
    assert summary.townships == sum(rows[p.code].townships for p in provinces)
    assert summary.covered == sum(rows[p.code].covered for p in provinces)
    assert summary.target is None and summary.name == "全国"
    assert dashboard.children_gap == sum(rows[p.code].gap_stations or 0 for p in provinces)
    assert [p.on_date for p in dashboard.chart] == chart_dates(on_date)
    per_province = [coverage_over_time(region=p, dates=chart_dates(on_date)) for p in provinces]
    assert [p.covered for p in dashboard.chart] == [sum(points) for points in zip(
        *[[p.covered for p in chart] for chart in per_province], strict=True)]
    assert all(p.target_pct is None and p.townships == summary.townships for p in dashboard.chart)


def test_a_suspension_and_a_closure_uncover_nationally_too(story):
    covered = {on: national_dashboard(on_date=on).summary.covered for on in (D(2022, 12, 31), D(2023, 6, 30))}
    # End of 2022: a1, a2, b1 in Hubei and g1 in Gansu; mid-2023: b1 closed, a2 suspended, c1 a pilot.
    assert covered == {D(2022, 12, 31): 4, D(2023, 6, 30): 3}


def test_superuser_lands_on_the_national_page_with_provinces_and_their_targets(client, story, root):
    client.force_login(root)
    response = client.get("/stations/coverage/")
    assert response.status_code == 302 and response.url == NATIONAL_URL
    page = client.get(NATIONAL_URL + "?at=2022-12-31").content.decode()
    assert "全国社工站覆盖率" in page and "4 / 8" in page  # 3 of 7 in Hubei, 1 of 1 in Gansu
    table = page.split('id="child-regions"')[1]
    assert table.index("湖北省") < table.index("甘肃省")  # Hubei is 1 station short of its 50%
    assert f'href="{story.province.get_absolute_url()}?at=2022-12-31"' in table
    hubei_row = table.split(f'data-code="{story.province.code}"')[1].split("</tr>")[0]
    assert "50%" in hubei_row and "2022-12-31" in hubei_row
    assert 'id="children-gap">1<' in page and "trends-link" not in page


def test_province_breadcrumb_starts_at_the_nation_for_superusers_only(client, story, root):
    client.force_login(root)
    crumbs = client.get(story.county_a.get_absolute_url()).content.decode().split('class="region-path"')[1]
    assert crumbs.index(f'href="{NATIONAL_URL}"') < crumbs.index("湖北省")
    client.force_login(builders.user("hubei", Role.PROVINCE, story.province))
    crumbs = client.get(story.county_a.get_absolute_url()).content.decode().split('class="region-path"')[1]
    assert "全国" not in crumbs.split("</nav>")[0]


def test_national_trends_url_leads_to_the_national_dashboard(client, story, root):
    client.force_login(root)
    response = client.get(NATIONAL_URL + "trends/?at=2022-12-31")
    assert response.status_code == 302 and response.url == NATIONAL_URL + "?at=2022-12-31"


def test_only_users_who_see_everything_get_the_national_dashboard(client, story):
    head = builders.user("head", Role.STATION_HEAD, story.a1, station=story.s_a1)
    users = [builders.user("hubei", Role.PROVINCE, story.province), builders.user("wuhan", Role.CITY, story.city),
             builders.county_user(story), head]
    for user in users:
        client.force_login(user)
        for suffix in ("", "export/", "trends/"):
            assert client.get(NATIONAL_URL + suffix).status_code == 404, (user.username, suffix)
    client.logout()
    assert client.get(NATIONAL_URL).status_code == 302  # to the login page


def test_page_queries_do_not_grow_with_provinces(client, story, root, django_assert_max_num_queries):
    client.force_login(root)
    client.get(NATIONAL_URL)  # warm caches (session, user)
    with django_assert_max_num_queries(10) as before:
        client.get(NATIONAL_URL + "?at=2023-06-30")
    for index in range(5):
        _add_province(str(31 + index), f"测试{index}省", pct=70)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(NATIONAL_URL + "?at=2023-06-30")
    assert len(response.context["dashboard"].children) == 7


def test_export_has_the_total_the_provinces_and_the_chart(client, story, root):
    client.force_login(root)
    response = client.get(NATIONAL_URL + "export/?at=2022-12-31")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    summary, children, chart = book["覆盖率汇总"], book["下级区划"], book["覆盖率变化"]
    assert [r[:4] for r in summary.iter_rows(values_only=True) if r and r[1] == NATIONAL_CODE] == [
        ("全国", NATIONAL_CODE, 8, 4)]
    assert ("各省距本省目标还需建站合计", 1) in [r[:2] for r in summary.iter_rows(values_only=True)]
    rows = [r for r in children.iter_rows(values_only=True) if r and len(str(r[1])) == 12]
    assert [(r[0], r[2], r[3], r[5], r[7]) for r in rows] == [("湖北省", 7, 3, 50, 1), ("甘肃省", 1, 1, None, None)]
    points = {str(r[0])[:10]: r[2] for r in chart.iter_rows(values_only=True) if r and r[1] == 8}
    assert points == {"2020-12-31": 0, "2021-12-31": 2, "2022-12-31": 4}
