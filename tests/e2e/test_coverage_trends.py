"""A provincial official opens the trends table from the coverage dashboard in headless Chromium:
each city and county has a drawn sparkline and a traffic light with a word, not colour alone."""

import pytest
from playwright.sync_api import Page, expect

from stations.models import Role
from tests import builders
from tests.stations.coverage_builders import build_coverage_story

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_provincial_official_sees_sparklines_and_lights_for_cities_and_counties(page: Page, live_server):
    h = build_coverage_story(builders.build_hierarchy())
    builders.user("hubei", Role.PROVINCE, h.province)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("hubei")
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}{h.province.get_absolute_url()}?at=2023-06-30")
    page.get_by_role("link", name="下级趋势与状态一览").click()

    expect(page.get_by_role("heading", name="湖北省覆盖率趋势与状态")).to_be_visible()
    rows = page.locator("#trend-table tbody tr")
    expect(rows).to_have_count(6)  # the province, 2 cities, 3 counties
    jiangan = rows.filter(has=page.get_by_role("link", name="江岸区", exact=True))
    expect(jiangan.locator(".signal")).to_have_text("✕落后")
    expect(jiangan.get_by_role("img")).to_be_visible()
    expect(jiangan.locator("svg title")).to_contain_text("2023-06-30：覆盖率 33.3%，目标 70%")
    line = jiangan.locator("polyline.sparkline-coverage").bounding_box()
    assert line and line["width"] > 100  # eight points across the 120px sparkline
    expect(jiangan.locator("polyline.sparkline-target")).to_have_attribute("stroke-dasharray", "4 3")
    yuanan = rows.filter(has=page.get_by_role("link", name="远安县"))
    expect(yuanan.locator(".signal")).to_contain_text("达标")
    expect(page.locator("#legend li")).to_have_count(5)  # met, within, behind, overdue, none

    jiangan.get_by_role("link", name="江岸区").click()
    expect(page.get_by_role("heading", name="江岸区社工站覆盖率")).to_be_visible()
