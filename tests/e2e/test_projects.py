"""County staff register an organisation and a contract, record a payment, and watch it expire."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from projects.models import Contract, Payment
from stations.models import Role
from tests import builders
from tests.projects import builders as pb

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_county_staff_register_a_contract_for_two_stations_and_pay_the_first_installment(page: Page, live_server):
    h = builders.build_hierarchy()
    first, second = builders.station(h.a1), builders.station(h.a3)
    builders.station(h.b1)  # another county's station is never offered
    builders.user("jiangan", Role.COUNTY, h.county_a, last_name="张", first_name="县局")
    # The county's document sets the split the new contract form offers and the payment period.
    pb.document(h.county_a, {"payment.due_within_working_days": 15, "payment.installments": [
        {"percent": 50, "trigger": "effective"}, {"percent": 30, "trigger": "midterm_passed"},
        {"percent": 20, "trigger": "final_passed"}]}, effective_from=datetime.date(2000, 1, 1))
    today = timezone.localdate()
    starts, ends = today - datetime.timedelta(days=300), today + datetime.timedelta(days=40)
    signed = starts - datetime.timedelta(days=5)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("jiangan")
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.get_by_role("link", name="承接机构", exact=True).click()
    page.get_by_role("link", name="登记机构").click()
    page.get_by_label("机构名称").fill("江岸区阳光社会工作服务中心")
    page.get_by_label("统一社会信用代码").fill("91110000600037341K")  # corrupted check character
    page.get_by_label("登记地").select_option(label="江岸区")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("统一社会信用代码校验位不正确")).to_be_visible()
    page.get_by_label("统一社会信用代码").fill("91110000600037341L")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="江岸区阳光社会工作服务中心")).to_be_visible()

    page.get_by_role("link", name="购买服务合同", exact=True).click()
    page.get_by_role("link", name="新建合同").click()
    expect(page.get_by_label("民族街街道社工站")).to_have_count(0)
    page.get_by_label("合同编号").fill("JA-E2E-01")
    page.get_by_label("项目名称").fill("江岸区社工站服务项目")
    page.get_by_label("承接机构").select_option(label="江岸区阳光社会工作服务中心")
    page.get_by_label(first.name).check()
    page.get_by_label(second.name).check()
    page.get_by_label("中标（成交）通知日期").fill((signed - datetime.timedelta(days=10)).isoformat())
    page.get_by_label("签订日期").fill(signed.isoformat())
    page.get_by_label("服务开始日期").fill(starts.isoformat())
    page.get_by_label("服务结束日期").fill(ends.isoformat())
    page.get_by_label("合同金额（元）").fill("240000.00")
    page.get_by_label("社会救助资金").fill("40000.00")
    page.get_by_label("一般公共预算").fill("199999.99")
    page.get_by_role("button", name="保存合同").click()
    expect(page.locator("#funding-errors")).to_contain_text("合计 239,999.99 元，与合同金额 240,000.00 元不一致")
    page.get_by_label("一般公共预算").fill("200000.00")
    page.get_by_role("button", name="保存合同").click()

    expect(page.get_by_role("heading", name=re.compile("江岸区社工站服务项目"))).to_be_visible()
    schedule = page.locator("#installments")
    expect(schedule).to_contain_text("¥120,000.00")
    expect(schedule).to_contain_text("¥72,000.00")
    expect(schedule).to_contain_text("¥48,000.00")
    expect(schedule.locator("tbody tr").first).to_contain_text("逾期未付")

    page.get_by_role("link", name="登记付款").click()
    expect(page.get_by_label("支付金额（元）")).to_have_value("120000.00")
    page.get_by_label("凭证号").fill("江财付-001")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已登记第 1 期付款")).to_be_visible()
    expect(page.locator("#payments")).to_contain_text("江财付-001")
    expect(schedule.locator("tbody tr").first).to_contain_text("已付清")

    page.get_by_role("link", name="即将到期").first.click()
    expect(page.get_by_role("link", name="JA-E2E-01")).to_be_visible()
    page.get_by_label("天数").fill("30")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("link", name="JA-E2E-01")).to_have_count(0)

    contract = Contract.objects.get(number="JA-E2E-01")
    assert set(contract.stations.all()) == {first, second}
    assert Payment.objects.get().history.get().history_user.username == "jiangan"
