"""County staff register a social worker with a certificate and an assignment; the station's
roster and the workforce dashboard show them. A county's training shortfall names the document
its hours come from."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from stations.models import Role
from tests import builders
from tests.workforce import builders as wb
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
    wb.document(h.city, title="某市社工站建设汇报", rules={"staffing.min_station_heads": 1,
                                                         "staffing.min_social_workers": 2})

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
    expect(page.locator("#staffing-standard")).to_contain_text("社工缺 1 名")
    expect(page.locator("#staffing-standard")).to_contain_text("依据：《某市社工站建设汇报》")

    page.goto(f"{live_server.url}/workforce/dashboard/")
    expect(page.locator("#kpi-people")).to_have_text("1")
    expect(page.locator("#kpi-certified")).to_have_text("1")
    expect(page.locator("#kpi-qualified")).to_have_text("100.0%")
    expect(page.locator("#by-level")).to_contain_text("社会工作师（中级）")
    assert page.evaluate("() => typeof Chart !== 'undefined' && !!Chart.getChart('workforce-chart')")


def test_county_staff_see_which_document_a_training_shortfall_comes_from(page: Page, live_server):
    h = builders.build_hierarchy()
    station = builders.station(h.a1)
    builders.user("jiangan", Role.COUNTY, h.county_a)
    wb.document(h.county_a, title="江岸区社会工作专业人才队伍建设实施办法", number="岸民发〔2023〕7号", rules={
        "training.continuing_hours_per_year": (60, "第六条", "驻站社工每年度接受继续教育累计不得少于60学时")})
    year = timezone.localdate().year - 1
    person = wb.person(station=station, name="学时不足者", start_on=datetime.date(year - 1, 1, 1))
    wb.train(person, datetime.date(year, 5, 1), 20)

    login(page, live_server, "jiangan")
    page.goto(f"{live_server.url}/workforce/people/")
    page.get_by_role("link", name="继续教育学时", exact=True).click()
    page.get_by_label("年度").select_option(str(year))
    page.get_by_role("button", name="查看").click()
    row = page.get_by_role("row").filter(has_text="学时不足者")
    expect(row).to_contain_text("40.0")  # short by 60 − 20
    expect(row).to_contain_text("依据：《江岸区社会工作专业人才队伍建设实施办法》（岸民发〔2023〕7号）第六条")
    expect(row).to_contain_text("「驻站社工每年度接受继续教育累计不得少于60学时」")
