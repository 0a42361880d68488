"""Under the content-security policy every page with a chart, the report form and the admin work in
Chromium: no script or style is refused, and the charts draw."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from stations.models import Role, Station
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.coverage_builders import build_coverage_story

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OCT = datetime.date(2026, 10, 1)
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page: Page):
    """The page, plus everything the browser complained about: console errors, script errors and
    CSP violations reported to the document."""
    problems = []
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(msg):
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):  # there is none
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def visit(page: Page, url: str, problems: list):
    response = page.goto(url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    problems.extend(page.evaluate("window.__cspViolations"))


def log_in(page: Page, base: str, username: str):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def chart_drawn(page: Page, canvas_id: str) -> bool:
    return page.evaluate("id => { var c = document.getElementById(id); return !!Chart.getChart(c) && c.width > 0; }",
                         canvas_id)


def test_charts_report_form_and_admin_run_under_the_policy(watched, live_server):
    page, problems = watched
    base = live_server.url
    h = build_coverage_story(builders.build_hierarchy())
    builders.user("hubei", Role.PROVINCE, h.province)
    county = builders.county_user(h)
    station = Station.objects.get(region=h.a1)
    head = rb.head(station, "zhanzhang")
    rb.report(station, head, OCT, lines=[rb.line(person_times=40)], submit_at=rb.at(2026, 11, 3), approve_by=county)
    draft = rb.report(station, head, datetime.date(2026, 11, 1))
    builders.superuser()

    log_in(page, base, "hubei")
    visit(page, f"{base}/stations/coverage/420000000000/", problems)
    expect(page.locator("canvas#coverage-chart")).to_have_attribute("data-rendered", "true")
    assert chart_drawn(page, "coverage-chart")

    visit(page, f"{base}/stations/reports/rollup/?kind=month&year=2026&n=10", problems)
    expect(page.locator('[data-kpi="person_times"]')).to_have_text("40")
    assert chart_drawn(page, "rollup-chart")

    visit(page, f"{base}/workforce/dashboard/", problems)
    assert chart_drawn(page, "workforce-chart")
    assert page.evaluate("Chart.getChart(document.getElementById('workforce-chart')).data.datasets[0].label") == "人数"

    log_in(page, base, "zhanzhang")
    visit(page, f"{base}/stations/reports/{draft.pk}/edit/", problems)
    rows = page.locator("#line-rows select[name$=-domain]")
    before = rows.count()
    page.locator("#add-line").click()
    expect(rows).to_have_count(before + 1)

    log_in(page, base, "root")
    for path in ["/admin/", "/admin/stations/station/", f"/admin/stations/station/{station.pk}/change/",
                 f"/admin/stations/station/{station.pk}/history/", "/admin/stations/monthlyreport/"]:
        visit(page, f"{base}{path}", problems)
        expect(page.locator("#site-name")).to_be_visible()
    visit(page, f"{base}/", problems)
    page.get_by_label("语言").select_option("en")  # app.js submits the switch
    expect(page.locator("html")).to_have_attribute("lang", "en")

    assert problems == []
