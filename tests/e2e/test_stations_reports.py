"""A monthly report's whole round trip in headless Chromium."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.dates import month_start, next_month, previous_month
from stations.models import MonthlyReport, Role
from tests import builders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Page, live_server, username: str):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def test_station_head_files_county_returns_head_corrects_county_approves_rollup_shows(page: Page, live_server):
    h = builders.build_hierarchy()
    station = builders.station(h.a1)
    builders.user("zhanzhang", Role.STATION_HEAD, h.a1, station=station)
    builders.user("xianju", Role.COUNTY, h.county_a)
    period = previous_month(timezone.localdate())  # a month is submitted once it has ended
    label = f"{period.year}年{period.month}月"
    page.on("dialog", lambda dialog: dialog.accept())  # 保存并报送, 退回 and 审核通过 ask first

    # The station head sees the month due on the home page and files it.
    _login(page, live_server, "zhanzhang")
    page.get_by_role("button", name=f"填报{label}报告").click()
    expect(page.get_by_role("heading", name=re.compile(f"{label}工作简报"))).to_be_visible()
    page.locator("select[name=lines-0-domain]").select_option(label="养老服务")
    page.locator("select[name=lines-0-target_group]").select_option(label="困难老人")
    page.locator("input[name=lines-0-person_times]").fill("40")
    page.locator("input[name=lines-0-home_visits]").fill("12")
    page.get_by_label("动员志愿者（人）").fill("6")
    page.get_by_label("链接慈善资金（元）").fill("1280.50")
    page.get_by_role("button", name="保存并报送").click()
    expect(page.locator("#report-status")).to_have_text("已报送")

    # County staff return it with a reason.
    _login(page, live_server, "xianju")
    page.goto(f"{live_server.url}/stations/reports/")
    page.get_by_role("link", name=label).click()
    page.get_by_label("退回原因").fill("入户走访户次与台账不一致")
    page.get_by_role("button", name="退回", exact=True).click()
    expect(page.locator("#report-status")).to_have_text("已退回")

    # The station head sees why, corrects and resubmits.
    _login(page, live_server, "zhanzhang")
    page.get_by_role("link", name="继续填写").click()
    expect(page.get_by_text("入户走访户次与台账不一致")).to_be_visible()
    page.locator("input[name=lines-0-home_visits]").fill("10")
    page.locator("input[name=lines-0-person_times]").fill("45")
    page.get_by_role("button", name="保存并报送").click()
    expect(page.locator("#report-status")).to_have_text("已报送")

    # County staff approve; the roll-up for the month shows the numbers.
    _login(page, live_server, "xianju")
    report = MonthlyReport.objects.get(station=station, period=period)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    expect(page.locator(".history")).to_contain_text("入户走访（户次）：12 → 10")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator("#report-status")).to_have_text("已审核通过")
    page.goto(f"{live_server.url}/stations/reports/rollup/?kind=month&year={period.year}&n={period.month}")
    expect(page.locator('[data-kpi="person_times"]')).to_have_text("45")
    expect(page.locator('[data-kpi="home_visits"]')).to_have_text("10")
    expect(page.locator("table.rollup")).to_contain_text("困难老人")
    expect(page.locator("#rollup-chart")).to_be_visible()


def test_two_tabs_editing_one_draft_the_second_save_is_refused_and_kept(page: Page, live_server):
    h = builders.build_hierarchy()
    station = builders.station(h.a1)
    builders.user("zhanzhang", Role.STATION_HEAD, h.a1, station=station)
    _login(page, live_server, "zhanzhang")
    label = f"{timezone.localdate().year}年{timezone.localdate().month}月"
    page.get_by_role("button", name=f"填报{label}报告").click()
    edit_url = page.url
    other = page.context.new_page()
    other.goto(edit_url)
    page.get_by_label("工作亮点").fill("第一个标签页写的")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    other.get_by_label("工作亮点").fill("第二个标签页写的")
    other.get_by_role("button", name="保存草稿").click()
    expect(other.get_by_role("alert")).to_contain_text("该报告已被他人修改")
    expect(other.get_by_label("工作亮点")).to_have_value("第二个标签页写的")
    assert MonthlyReport.objects.get(station=station).highlights == "第一个标签页写的"


def test_the_current_month_is_saved_as_a_draft_and_says_when_submitting_opens(page: Page, live_server):
    h = builders.build_hierarchy()
    station = builders.station(h.a1)
    builders.user("zhanzhang", Role.STATION_HEAD, h.a1, station=station)
    today = timezone.localdate()
    opens = next_month(month_start(today))
    _login(page, live_server, "zhanzhang")
    page.get_by_role("button", name=f"填报{today.year}年{today.month}月报告").click()
    expect(page.get_by_role("button", name="保存并报送")).to_be_disabled()
    expect(page.locator("#submit-opens")).to_contain_text(
        f"{today.year}年{today.month}月的月报自{opens.year}年{opens.month}月1日起可以报送。")
    page.get_by_label("工作亮点").fill("先存草稿")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    assert MonthlyReport.objects.get(station=station).status == "draft"
