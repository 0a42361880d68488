"""GB/T 37668 (web accessibility): axe-core finds no serious or critical violation on the main pages
and forms of every role. axe-core is vendored under tests/e2e/vendor/ for these tests only."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from assessments import services as assessment_services
from stations.models import Role, Station
from tests import builders
from tests.assessments import builders as ab
from tests.stations import report_builders as rb
from tests.stations.coverage_builders import build_coverage_story
from tests.workforce import builders as wb

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")
# The page's script-src policy refuses an injected <script>; Playwright's evaluate runs outside it.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      targets: v.nodes.slice(0, 5).map(node => {
    const data = (node.any[0] || {}).data || {};  // colour-contrast checks say which colours
    const colours = data.fgColor ? ` (${data.fgColor} on ${data.bgColor}, ${data.contrastRatio}:1)` : "";
    return node.target.join(" ") + colours;
  })}));
}"""
OCT = datetime.date(2026, 10, 1)


def log_in(page: Page, base: str, username: str):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def audit(page: Page, where: str, found: list):
    """Run axe over the page as it stands; keep each serious or critical violation with ``where``."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    found.extend((where, v) for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING)


def check(page: Page, url: str, found: list):
    response = page.goto(url)
    assert response.ok, f"{url}: HTTP {response.status}"
    audit(page, "/" + url.split("//", 1)[-1].split("/", 1)[-1], found)


def describe(found: list) -> str:
    return "\n".join(f"{path}: [{v['impact']}] {v['id']} — {v['help']} — {v['targets']}" for path, v in found)


def build_world():
    """Stations, a filed and a draft report, a contract under evaluation, a person, one user per role."""
    h = build_coverage_story(builders.build_hierarchy())
    w = {"h": h}
    builders.superuser()
    builders.user("hubei", Role.PROVINCE, h.province)
    builders.user("wuhan", Role.CITY, h.city)
    county = builders.county_user(h, "jiangan")
    station = Station.objects.get(region=h.a1)
    head = rb.head(station, "zhanzhang")
    w["filed"] = rb.report(station, head, OCT, lines=[rb.line(person_times=40)], submit_at=rb.at(2026, 11, 3))
    w["draft"] = rb.report(station, head, datetime.date(2026, 11, 1))
    org = ab.organisation(h.city, "武汉社会工作评估中心")
    ab.evaluator("pinggu", org)
    contract = ab.contract(h.county_a, number="JA-2025-001")
    template = ab.template(h.province, name="湖北省中期评估指标")
    w["evaluation"] = assessment_services.evaluation_create(
        actor=county, template=template, contract=contract, evaluator=org,
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))
    w["contract"] = contract
    w["person"] = wb.person(station=station, name="周晓")
    w["station"] = station
    return w


def test_the_check_finds_an_unlabelled_field(page: Page):
    page.set_content('<html lang="zh-hans"><head><title>t</title></head><body><main><input></main></body></html>')
    found: list = []
    audit(page, "sample", found)
    assert [v["id"] for _, v in found] == ["label"]


def test_every_roles_pages_and_forms_have_no_serious_or_critical_violation(page: Page, live_server):
    w = build_world()
    base = live_server.url
    province_code = w["h"].province.code
    found: list = []

    check(page, f"{base}/accounts/login/", found)

    log_in(page, base, "root")
    for path in ["/", "/stations/", "/stations/coverage/", f"/stations/coverage/{province_code}/", "/admin/",
                 "/admin/stations/station/"]:
        check(page, base + path, found)

    log_in(page, base, "hubei")
    for path in ["/", f"/stations/coverage/{province_code}/", "/stations/reports/rollup/?kind=month&year=2026&n=10",
                 "/workforce/dashboard/", "/projects/counties/", "/accounts/password/"]:
        check(page, base + path, found)

    log_in(page, base, "wuhan")
    for path in ["/", f"/stations/coverage/{w['h'].city.code}/", "/stations/"]:
        check(page, base + path, found)

    station, contract, person = w["station"], w["contract"], w["person"]
    log_in(page, base, "jiangan")
    for path in ["/", "/stations/", "/stations/new/", f"/stations/{station.pk}/", f"/stations/{station.pk}/edit/",
                 f"/stations/{station.pk}/status/", "/stations/reports/", f"/stations/reports/{w['filed'].pk}/",
                 "/projects/contracts/", "/projects/contracts/new/", f"/projects/contracts/{contract.pk}/",
                 "/workforce/people/", "/workforce/people/new/", f"/workforce/people/{person.pk}/",
                 "/assessments/", "/assessments/new/", f"/assessments/{w['evaluation'].pk}/"]:
        check(page, base + path, found)
    page.goto(f"{base}/workforce/people/new/")
    page.get_by_role("button", name="保存").click()  # nothing filled in: each field says what is missing
    expect(page.locator(".errorlist").first).to_be_visible()
    audit(page, "/workforce/people/new/ (refused)", found)

    log_in(page, base, "zhanzhang")
    for path in ["/", "/stations/reports/", f"/stations/reports/{w['draft'].pk}/edit/",
                 f"/stations/reports/{w['filed'].pk}/"]:
        check(page, base + path, found)

    log_in(page, base, "pinggu")
    for path in ["/", "/assessments/", f"/assessments/{w['evaluation'].pk}/",
                 f"/assessments/{w['evaluation'].pk}/score/"]:
        check(page, base + path, found)

    assert found == [], "axe-core found serious or critical violations:\n" + describe(found)
