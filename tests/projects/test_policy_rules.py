"""Contracts are held to the rules of the region's policy documents, each in force at the date it
is about, and every page that computes from a rule names it (依据：《…》…)."""

import datetime
from decimal import Decimal as D
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from core.audit import delete_audited, save_audited
from core.dates import add_working_days
from projects import services
from projects.models import FundingSource, InstallmentTrigger
from projects.selectors.policies import assistance_shares
from stations.models import PolicyDocument
from stations.packs import PACK_DIR, load_packs
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2027, 6, 1, 4, tzinfo=datetime.UTC)
HUBEI_TITLE = "湖北省民政厅关于促进乡镇（街道）社会工作发展的通知"
HUBEI_CAP = f"依据：《{HUBEI_TITLE}》「不高于上年度社會(huì)救助資金總支出5%」"


def hubei_pack(world):
    load_packs([PACK_DIR / "d1_hubei_2021.toml"], actor=world.root)


def contract_page(client, user, contract) -> str:
    client.force_login(user)
    return client.get(reverse("projects:contract-detail", args=[contract.pk])).content.decode()


def installment(contract, trigger):
    return contract.installments.get(trigger=trigger)


@time_machine.travel(NOW)
def test_a_countys_15_working_days_give_each_installment_its_due_date_and_the_page_cites_it(client, world):
    pb.document(world.county_a, {"payment.due_within_working_days": (15, "第六条", "15个工作日内拨付")},
                title="江岸区社工站项目管理办法", number="岸民发〔2023〕2号")
    # Signed Friday 27 September 2024, after the start: it takes effect that day.
    contract = pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 9, 1),
                           signed_on=datetime.date(2024, 9, 27))
    services.installment_release(actor=world.root, contract=contract, trigger=InstallmentTrigger.MIDTERM_PASSED,
                                 on_date=datetime.date(2025, 3, 3))
    first = installment(contract, InstallmentTrigger.EFFECTIVE)
    assert first.due_on == datetime.date(2024, 10, 23)  # 15 working days, across the National Day holiday
    assert installment(contract, InstallmentTrigger.MIDTERM_PASSED).due_on == datetime.date(2025, 3, 24)
    assert installment(contract, InstallmentTrigger.FINAL_PASSED).due_on is None  # not triggered
    html = contract_page(client, world.user_a, contract)
    cited = "条件达成后 15 个工作日内；依据：《江岸区社工站项目管理办法》（岸民发〔2023〕2号）第六条「15个工作日内拨付」"
    assert "2024年10月23日" in html and "2025年3月24日" in html and html.count(cited) == 2
    assert "付款期限：支付条件达成后 15 个工作日内" in html and "付款期限：本地政策未规定" not in html


@time_machine.travel(NOW)
def test_a_hubei_county_whose_documents_set_no_payment_period_gets_no_due_date_and_the_page_says_so(client, world):
    hubei_pack(world)
    contract = pb.contract(world.county_a, world.org, starts_on=datetime.date(2025, 1, 1))
    services.installment_release(actor=world.root, contract=contract, trigger=InstallmentTrigger.MIDTERM_PASSED,
                                 on_date=datetime.date(2025, 7, 1))
    assert list(contract.installments.values_list("triggered_on", "due_on")) == [
        (datetime.date(2025, 1, 1), None), (datetime.date(2025, 7, 1), None), (None, None)]
    html = contract_page(client, world.user_a, contract)
    assert "付款期限：本地政策未规定" in html and "逾期未付" not in html and "条件已达成" in html
    # The first installment is payable all the same: the payment form offers it.
    initial = client.get(reverse("projects:payment-create", args=[contract.pk])).context["form"].initial
    assert initial["installment"] == installment(contract, InstallmentTrigger.EFFECTIVE).pk


@time_machine.travel(NOW)
def test_a_document_effective_1_march_2027_changes_due_dates_only_of_installments_triggered_from_then(
        client, world):
    pb.document(world.county_a, {"payment.due_within_working_days": 15}, title="江岸区旧办法",
                effective_from=datetime.date(2020, 1, 1))
    contract = pb.contract(world.county_a, world.org, starts_on=datetime.date(2027, 1, 4),
                           signed_on=datetime.date(2026, 12, 20))
    services.installment_release(actor=world.root, contract=contract, trigger=InstallmentTrigger.MIDTERM_PASSED,
                                 on_date=datetime.date(2027, 2, 10))
    before = {i.trigger: i.due_on for i in contract.installments.all()}
    assert before[InstallmentTrigger.MIDTERM_PASSED] == add_working_days(datetime.date(2027, 2, 10), 15)

    pb.document(world.county_a, {"payment.due_within_working_days": 20}, title="江岸区新办法",
                effective_from=datetime.date(2027, 3, 1))
    services.installment_release(actor=world.root, contract=contract, trigger=InstallmentTrigger.FINAL_PASSED,
                                 on_date=datetime.date(2027, 3, 10))
    after = {i.trigger: i.due_on for i in contract.installments.all()}
    assert after[InstallmentTrigger.EFFECTIVE] == before[InstallmentTrigger.EFFECTIVE]
    assert after[InstallmentTrigger.MIDTERM_PASSED] == before[InstallmentTrigger.MIDTERM_PASSED]
    assert after[InstallmentTrigger.FINAL_PASSED] == add_working_days(datetime.date(2027, 3, 10), 20)
    html = contract_page(client, world.user_a, contract)
    assert html.count("条件达成后 15 个工作日内；依据：《江岸区旧办法》") == 2
    assert html.count("条件达成后 20 个工作日内；依据：《江岸区新办法》") == 1


def test_due_dates_follow_a_document_loaded_after_the_trigger_and_its_removal(world):
    contract = pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 1, 1))
    first = installment(contract, InstallmentTrigger.EFFECTIVE)
    assert first.triggered_on == datetime.date(2024, 1, 1) and first.due_on is None
    document = pb.document(world.city, {"payment.due_within_working_days": 10}, effective_from=datetime.date(2021, 1, 1))
    first.refresh_from_db()
    assert first.due_on == add_working_days(datetime.date(2024, 1, 1), 10)
    assert first.history.first().history_change_reason == "付款期限依据变更"
    # Another county's installments and a document in force only later are left alone.
    other = pb.contract(world.county_c, pb.organisation(world.county_c), starts_on=datetime.date(2024, 1, 1))
    pb.document(world.county_a, {"payment.due_within_working_days": 30}, effective_from=datetime.date(2025, 1, 1))
    first.refresh_from_db()
    assert first.due_on == add_working_days(datetime.date(2024, 1, 1), 10)
    assert installment(other, InstallmentTrigger.EFFECTIVE).due_on is None
    delete_audited(document, actor=world.root)
    first.refresh_from_db()
    assert first.due_on is None


@time_machine.travel(NOW)
def test_the_contract_page_shows_the_basis_of_the_signing_check_and_of_the_share(client, world):
    hubei_pack(world)
    pb.document(world.county_a, {"contract.signing_within_days": (30, "", "签订合同期限为30日")},
                title="江岸区购买服务实施方案")
    services.spending_set(actor=world.root, region=world.county_a, year=2024, amount=D("4000000.00"))
    contract = pb.contract(world.county_a, world.org, starts_on=datetime.date(2025, 1, 1), amount=D("100000.00"),
                           award_notice_on=datetime.date(2024, 11, 20), signed_on=datetime.date(2024, 12, 10),
                           funding=[{"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("100000.00")}])
    html = contract_page(client, world.user_a, contract)
    assert "中标（成交）通知后 30 日内签订；本合同于通知后 20 天签订" in html
    assert "依据：《江岸区购买服务实施方案》「签订合同期限为30日」" in html
    assert "2.50%" in html and "不高于 5%" in html and "上年度社会救助资金支出" in html and HUBEI_CAP in html
    elsewhere = pb.contract(world.county_b, pb.organisation(world.county_b), starts_on=datetime.date(2025, 1, 1),
                            award_notice_on=datetime.date(2024, 11, 20), signed_on=datetime.date(2024, 12, 10))
    assert "中标（成交）通知后" not in contract_page(client, world.user_b, elsewhere)


@time_machine.travel(NOW)
def test_the_procurement_check_cites_hubeis_5_percent_of_last_years_spending_on_the_page_and_in_excel(
        client, world):
    hubei_pack(world)
    pb.contract(world.county_a, world.org, starts_on=datetime.date(2026, 1, 1), amount=D("120000.00"),
                funding=[{"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("120000.00")}])
    # entered after the contract was signed, so the contract was not refused for it
    services.spending_set(actor=world.root, region=world.county_a, year=2025, amount=D("2000000.00"))
    client.force_login(world.city_user)
    url = reverse("projects:assistance-share-check")
    html = client.get(url, {"year": 2026}).content.decode()
    assert html.count(HUBEI_CAP) == 2  # 江岸区 and 江汉区, both governed by Hubei's document
    assert "6.00%" in html and "超过上限" in html and "缺少 2025 年社会救助支出，无法计算" in html
    assert "远安县" not in html and "城关区" not in html  # outside 武汉市
    sheet = load_workbook(BytesIO(client.get(url, {"year": 2026, "format": "xlsx"}).content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if row and row[0] == "县（市、区）")
    assert header[-1] == "依据"
    jiangan = next(row for row in rows if row and row[0] == "江岸区")
    assert jiangan[header.index("上限（%）")] == 5 and jiangan[header.index("结论")] == "超过上限"
    assert jiangan[-1] == HUBEI_CAP and jiangan[header.index("计算基数")] == "上年度社会救助资金支出"


def test_a_year_before_the_document_took_effect_is_checked_against_nothing(client, world):
    hubei_pack(world)  # in force from 26 February 2021
    shares = assistance_shares(user=world.city_user, year=2020, today=datetime.date(2026, 6, 1))
    assert [(s.cap, s.light, s.rules.citation) for s in shares] == [(None, "none", ""), (None, "none", "")]
    shares = assistance_shares(user=world.city_user, year=2021, today=datetime.date(2026, 6, 1))
    assert [(s.cap, s.on_date) for s in shares] == [(D("5"), datetime.date(2021, 12, 31))] * 2


def test_the_procurement_check_takes_the_same_queries_whatever_the_number_of_counties(
        world, django_assert_num_queries):
    hubei_pack(world)
    with django_assert_num_queries(4):
        one = assistance_shares(user=world.user_a, year=2025, today=datetime.date(2025, 6, 1))
    with django_assert_num_queries(4):
        several = assistance_shares(user=world.root, year=2025, today=datetime.date(2025, 6, 1))
    assert len(one) == 1 and len(several) == 4


@time_machine.travel(NOW)
def test_the_new_contract_form_offers_the_regions_split_with_its_basis(client, world):
    pb.document(world.county_a, {"payment.installments": (
        [{"percent": 50, "trigger": "effective"}, {"percent": 30, "trigger": "midterm_passed"},
         {"percent": 20, "trigger": "final_passed"}], "第七条", "分三期拨付")}, title="江岸区项目资金管理办法")
    client.force_login(world.user_a)
    response = client.get(reverse("projects:contract-create"))
    html = response.content.decode()
    assert "江岸区政策规定的付款分期：合同生效 50%；中期评估合格 30%；终期评估合格 20%" in html
    assert "依据：《江岸区项目资金管理办法》第七条「分三期拨付」" in html
    initial = [(f.initial.get("trigger"), f.initial.get("percentage")) for f in response.context["schedule"]]
    assert initial[:3] == [("effective", D("50")), ("midterm_passed", D("30")), ("final_passed", D("20"))]
    client.force_login(world.user_b)
    html = client.get(reverse("projects:contract-create")).content.decode()
    assert "付款分期：本地政策未规定" in html and "江岸区政策规定" not in html


def test_documents_of_other_regions_play_no_part(world):
    pb.document(world.other_province, {"contract.signing_within_days": 10, "payment.due_within_working_days": 5})
    contract = pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 1, 1),
                           award_notice_on=datetime.date(2023, 11, 1), signed_on=datetime.date(2023, 12, 20))
    assert installment(contract, InstallmentTrigger.EFFECTIVE).due_on is None
    assert PolicyDocument.objects.count() == 1


def test_re_dating_a_document_re_derives_the_due_dates_that_rest_on_it(world):
    document = pb.document(world.county_a, {"payment.due_within_working_days": 10},
                           effective_from=datetime.date(2025, 1, 1))
    contract = pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 3, 1))
    assert installment(contract, InstallmentTrigger.EFFECTIVE).due_on is None  # triggered before it took effect
    document.effective_from = datetime.date(2023, 1, 1)  # corrected: it took effect earlier
    save_audited(document, actor=world.root)
    assert installment(contract, InstallmentTrigger.EFFECTIVE).due_on == add_working_days(datetime.date(2024, 3, 1), 10)
