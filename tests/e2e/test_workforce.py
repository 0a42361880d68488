"""County staff register a social worker with a certificate and an assignment; the station's
roster and the workforce dashboard show them."""

import pytest
from playwright.sync_api import Page, expect

from stations.models import Role
from tests import builders
from tests.workforce.builders import grant_full_id_numbers, id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page: Page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def test_county_staff_add_a_certified_social_worker(page: Page, live_server):
    h = builders.build_hierarchy()
    station = builders.station(h.a1)
    county = builders.user("jiangan", Role.COUNTY, h.county_a)
    number = id_number("420102", "19930412", "051")

    login(page, live_server, "jiangan")
    page.goto(f"{live_server.url}/workforce/dashboard/")
    expect(page.locator("#kpi-people")).to_have_text("0")
    expect(page.locator("#kpi-certified")).to_have_text("0")

    page.get_by_role("link", name="社工人才", exact=True).click()
    page.get_by_role("link", name="登记人员").click()
    page.get_by_label("姓名").fill("周晓")
    page.get_by_label("身份证号码").fill(number)
    page.locator("#id_education").select_option(label="本科")
    page.get_by_label("服务站点").select_option(label=station.name)
    page.get_by_label("岗位").select_option(label="驻站社工")
    page.get_by_label("到岗日期").fill("2024-03-01")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("heading", name="周晓")).to_be_visible()
    masked = number[:6] + "********" + number[-4:]
    expect(page.get_by_text(masked)).to_be_visible()
    expect(page.get_by_role("button", name="显示完整身份证号")).to_have_count(0)
    grant_full_id_numbers(county)
    page.reload()
    page.get_by_role("button", name="显示完整身份证号").click()
    expect(page.get_by_text(number)).to_be_visible()
    page.get_by_role("link", name="添加证书").click()
    page.get_by_label("证书等级").select_option(label="社会工作师（中级）")
    page.get_by_label("证书编号").fill("ZS2024E2E01")
    page.get_by_label("取得日期").fill("2024-06-01")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("cell", name="ZS2024E2E01")).to_be_visible()
    expect(page.locator("#rules-heading + dl")).to_contain_text("已具备")

    page.get_by_role("link", name=station.name).click()
    expect(page.get_by_role("heading", name=f"{station.name} · 人员名册")).to_be_visible()
    roster = page.locator("table.data")
    expect(roster).to_contain_text("周晓")
    expect(roster).to_contain_text("驻站社工")
    expect(page.get_by_text("社工缺 1 名")).to_be_visible()

    page.goto(f"{live_server.url}/workforce/dashboard/")
    expect(page.locator("#kpi-people")).to_have_text("1")
    expect(page.locator("#kpi-certified")).to_have_text("1")
    expect(page.locator("#kpi-qualified")).to_have_text("100.0%")
    expect(page.locator("#by-level")).to_contain_text("社会工作师（中级）")
    assert page.evaluate("() => typeof Chart !== 'undefined' && !!Chart.getChart('workforce-chart')")
