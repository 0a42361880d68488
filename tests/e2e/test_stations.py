"""A provincial official drills down the coverage dashboard in headless Chromium; the chart
renders from the vendored Chart.js with no request leaving the machine."""

import datetime
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from stations.models import Role
from tests import builders
from tests.stations.coverage_builders import build_coverage_story

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def test_provincial_official_drills_down_to_a_county_and_sees_uncovered_townships(page: Page, live_server):
    h = build_coverage_story(builders.build_hierarchy())
    builders.user("hubei", Role.PROVINCE, h.province, last_name="王", first_name="省厅")
    outside = []

    def guard(route):
        if urlparse(route.request.url).hostname not in LOCAL_HOSTS:
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("hubei")
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.get_by_role("link", name="覆盖率", exact=True).click()
    expect(page.get_by_role("heading", name="湖北省社工站覆盖率")).to_be_visible()
    expect(page.locator("canvas#coverage-chart")).to_have_attribute("data-rendered", "true")
    assert page.evaluate("window.coverageChart.data.datasets.length") == 2

    page.get_by_label("统计日期").fill("2023-06-30")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#coverage-pct")).to_have_text("28.6%")
    expect(page.locator("#gap-text")).to_contain_text("还需建成 3 个社工站，才能在 2023年12月31日 前达到 70%")

    page.locator("#child-regions").get_by_role("link", name="武汉市").click()
    expect(page.get_by_role("heading", name="武汉市社工站覆盖率")).to_be_visible()
    page.locator("#child-regions").get_by_role("link", name="江岸区").click()
    expect(page.get_by_role("heading", name="江岸区社工站覆盖率")).to_be_visible()
    uncovered = page.locator("#uncovered")
    expect(uncovered).to_contain_text("一元街道")
    expect(uncovered).to_contain_text("谌家矶镇")
    expect(uncovered.locator("li")).to_have_count(2)
    expect(page.locator("canvas#coverage-chart")).to_have_attribute("data-rendered", "true")
    assert datetime.date.fromisoformat(page.get_by_label("统计日期").input_value()) == datetime.date(2023, 6, 30)
    assert outside == []
