import datetime
import re
from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments import services
from assessments.models import EvaluationStatus, Indicator
from core.dates import add_working_days
from projects.models import InstallmentTrigger, PaymentInstallment
from stations.models import Role
from tests import builders
from tests.assessments import builders as ab
from tests.projects import builders as pb

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


def log_in(page: Page, base: str, username: str):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def test_evaluator_scores_midterm_county_finalises_and_installment_becomes_due(page: Page, live_server):
    h = builders.build_hierarchy()
    staff = builders.user("jiangan", Role.COUNTY, h.county_a)
    org = ab.organisation(h.city, "武汉社会工作评估中心")
    ab.evaluator("pinggu", org)
    pb.document(h.province, {"payment.due_within_working_days": 15})  # the payment period
    contract = ab.contract(h.county_a, number="JA-2025-001")
    template = ab.template(h.province, name="湖北省中期评估指标")
    evaluation = services.evaluation_create(actor=staff, template=template, contract=contract, evaluator=org,
                                            period_start=datetime.date(2025, 1, 1),
                                            period_end=datetime.date(2025, 6, 30))

    # The evaluator finds the task in their work list and scores it, indicators grouped by dimension.
    log_in(page, live_server.url, "pinggu")
    page.get_by_role("link", name="评估", exact=True).click()
    expect(page.get_by_role("heading", name="我的评估任务")).to_be_visible()
    page.get_by_role("link", name=re.compile("JA-2025-001")).click()
    page.get_by_role("link", name="评分", exact=True).click()
    expect(page.get_by_text("满意度的评分说明")).to_be_visible()
    for indicator in Indicator.objects.filter(dimension__template=template):
        page.get_by_label(indicator.name, exact=True).fill(str((indicator.max_score * D("0.8")).normalize()))
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_text("评分已提交")).to_be_visible()
    expect(page.locator(".total-big")).to_have_text("80.00")
    expect(page.get_by_text("合同付款计划")).to_have_count(0)

    # County staff confirm it from their to-do list; the mid-term installment becomes due.
    log_in(page, live_server.url, "jiangan")
    page.goto(f"{live_server.url}/assessments/todo/")
    page.locator("#to-finalise").get_by_role("link", name=re.compile("JA-2025-001")).click()
    page.get_by_role("button", name="确认评估结果").click()
    expect(page.get_by_text("评估结果已确认")).to_be_visible()
    expect(page.locator(".status-finalised")).to_be_visible()
    due = add_working_days(timezone.localdate(), 15)
    midterm_row = page.locator("#installments tr", has_text="中期评估合格")
    expect(midterm_row).to_contain_text(f"{due.year}年{due.month}月{due.day}日")
    expect(page.locator("#dimension-breakdown")).to_contain_text("服务成效")
    assert page.locator("canvas[data-chart]").evaluate("c => c.width > 0")
    installment = PaymentInstallment.objects.get(contract=contract, trigger=InstallmentTrigger.MIDTERM_PASSED)
    assert installment.due_on == due
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.FINALISED
