"""Station heads and county staff on a phone (390 × 844, touch): no page scrolls sideways, the menu
folds behind one button, a report is filed with touch-sized controls, and the actions that cannot be
taken back ask first."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from core.dates import month_start
from stations.models import MonthlyReport, ReportStatus, Role, Station
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.coverage_builders import build_coverage_story

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 390
TOUCH = 44  # px: the smallest control a thumb hits reliably


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": WIDTH, "height": 844}, "is_mobile": True,
            "has_touch": True}


def log_in(page: Page, base: str, username: str):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").tap()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def assert_fits_phone(page: Page):
    """The page does not scroll sideways, and its menu is folded until the button is tapped."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"
    menu = page.get_by_role("button", name="菜单")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    expect(page.get_by_role("button", name="退出")).to_be_hidden()


def assert_touch_sized(control: Locator):
    box = control.bounding_box()
    assert box and box["height"] >= TOUCH, f"{control} is {box and box['height']} px high"


def open_menu_and_go(page: Page, link: str):
    menu = page.get_by_role("button", name="菜单")
    assert_touch_sized(menu)
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH
    target = nav.get_by_role("link", name=link, exact=True)
    assert_touch_sized(target)
    target.tap()


def answer_next_dialog(page: Page, *, accept: bool) -> list[str]:
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", answer)
    return asked


def test_station_head_files_a_past_month_on_a_phone(page: Page, live_server):
    h = builders.build_hierarchy()
    station = builders.station(h.a1)
    builders.user("zhanzhang", Role.STATION_HEAD, h.a1, station=station)
    today_month = month_start(timezone.localdate())
    period = month_start(today_month - datetime.timedelta(days=1))  # last month: submitted on the 1st
    label = f"{period.year}年{period.month}月"
    base = live_server.url

    log_in(page, base, "zhanzhang")
    assert_fits_phone(page)
    open_menu_and_go(page, "月度报告")
    expect(page.get_by_role("heading", name="月度工作简报")).to_be_visible()
    assert_fits_phone(page)

    open_menu_and_go(page, "首页")
    start = page.get_by_role("button", name=f"填报{label}报告")
    assert_touch_sized(start)
    start.tap()
    expect(page.get_by_role("heading", name=f"大智街道社工站 {label}工作简报")).to_be_visible()
    assert_fits_phone(page)

    # The first service line is a card: each field under its own label, all of it on screen.
    card = page.locator("tr.line-row").first
    domain, group = card.get_by_label("服务领域"), card.get_by_label("服务对象")
    person_times, home_visits = card.get_by_label("服务人次"), card.get_by_label("入户走访（户次）")
    for control in (domain, group, person_times, home_visits):
        assert_touch_sized(control)
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    domain.select_option(label="养老服务")
    group.select_option(label="困难老人")
    person_times.tap()
    person_times.fill("40")
    home_visits.tap()
    home_visits.fill("12")
    submit = page.get_by_role("button", name="保存并报送")
    submit.scroll_into_view_if_needed()
    assert_touch_sized(submit)
    assert_touch_sized(page.get_by_role("button", name="保存草稿"))

    # Changing one's mind sends nothing: the report stays an empty draft.
    asked = answer_next_dialog(page, accept=False)
    submit.tap()
    assert asked and "报送后不能修改" in asked[0]
    expect(person_times).to_have_value("40")
    report = MonthlyReport.objects.get(station=station, period=period)
    assert report.status == ReportStatus.DRAFT and not report.lines.exists()

    asked = answer_next_dialog(page, accept=True)
    submit.tap()
    expect(page.locator("#report-status")).to_have_text("已报送")
    assert "报送后不能修改" in asked[0]
    assert_fits_phone(page)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert [(line.person_times, line.home_visits) for line in report.lines.all()] == [(40, 12)]


def test_county_pages_fit_a_phone_and_review_asks_first(page: Page, live_server):
    h = build_coverage_story(builders.build_hierarchy())
    builders.county_user(h)
    station = Station.objects.get(region=h.a1)
    today_month = month_start(timezone.localdate())
    period = month_start(today_month - datetime.timedelta(days=1))  # last month: submitted on the 1st
    report = rb.report(station, rb.head(station, "zhanzhang"), period, lines=[rb.line(person_times=40)],
                       submit_at=rb.at(today_month.year, today_month.month, 1, hour=0))
    base = live_server.url

    log_in(page, base, "county_a")
    assert_fits_phone(page)
    open_menu_and_go(page, "社工站")
    expect(page.get_by_role("heading", name="社工站", exact=True)).to_be_visible()
    assert_fits_phone(page)
    for path in ("/stations/coverage/420102000000/", "/stations/coverage/420102000000/trends/"):
        page.goto(f"{base}{path}")
        assert_fits_phone(page)

    # The coverage table scrolls in its own box with the townships fixed, each name on one line.
    page.goto(f"{base}/stations/coverage/420102000000/")
    table = page.locator("#child-regions")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")
    township = table.get_by_role("link", name="谌家矶镇")
    assert township.evaluate("a => a.getClientRects().length") == 1
    before = township.bounding_box()["x"]
    table.evaluate("t => { t.scrollLeft = 200; }")
    assert table.evaluate("t => t.scrollLeft") > 0
    assert township.bounding_box()["x"] == pytest.approx(before, abs=1)

    page.goto(f"{base}{report.get_absolute_url()}")
    assert_fits_phone(page)
    page.get_by_label("退回原因").fill("入户走访户次与台账不一致")
    asked = answer_next_dialog(page, accept=False)
    page.get_by_role("button", name="退回", exact=True).tap()
    assert asked and "退回后站长可修改后重新报送" in asked[0]
    expect(page.locator("#report-status")).to_have_text("已报送")

    approve = page.get_by_role("button", name="审核通过")
    assert_touch_sized(approve)
    asked = answer_next_dialog(page, accept=True)
    approve.tap()
    expect(page.locator("#report-status")).to_have_text("已审核通过")
    assert "审核通过后报告锁定" in asked[0]
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.return_reason == ""
