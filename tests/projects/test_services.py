"""Contract rules: money that adds up, schedules, overlaps, renewals, payments, policies and audit."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from projects import services
from projects.models import (
    Contract,
    FilingStatus,
    FundingSource,
    InstallmentTrigger,
    PaymentInstallment,
)
from projects.selectors.policies import assistance_share
from tests import builders
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db
D = Decimal


def test_funding_lines_that_do_not_add_up_are_refused_showing_both_sums(world):
    with pytest.raises(ValidationError) as caught:
        pb.contract(world.county_a, world.org, amount=D("300000.00"), funding=[
            {"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("100000.00")},
            {"source": FundingSource.GENERAL_BUDGET, "amount": D("199999.99")},
        ])
    message = caught.value.message_dict["funding_lines"][0]
    assert "299,999.99" in message and "300,000.00" in message and "0.01" in message
    assert not Contract.objects.exists()


def test_funding_lines_that_add_up_are_kept_per_source(world):
    contract = pb.contract(world.county_a, world.org, amount=D("300000.00"), funding=[
        {"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("100000.00")},
        {"source": FundingSource.WELFARE_LOTTERY, "amount": D("200000.00")},
    ])
    assert {(line.source, line.amount) for line in contract.funding_lines.all()} == {
        ("social_assistance", D("100000.00")), ("welfare_lottery", D("200000.00"))}


def test_a_contract_given_no_schedule_takes_its_regions_split_to_the_fen_and_none_where_no_document_sets_one(world):
    pb.document(world.county_a, {"payment.installments": [
        {"percent": 50, "trigger": "effective"}, {"percent": 30, "trigger": "midterm_passed"},
        {"percent": 20, "trigger": "final_passed"}]})
    contract = pb.contract(world.county_a, world.org, amount=D("100000.01"), installments=None)
    rows = list(contract.installments.values_list("trigger", "percentage", "amount"))
    assert rows == [("effective", D("50"), D("50000.00")), ("midterm_passed", D("30"), D("30000.00")),
                    ("final_passed", D("20"), D("20000.01"))]
    elsewhere = pb.contract(world.county_b, pb.organisation(world.county_b), installments=None)
    assert not elsewhere.installments.exists()


def test_custom_schedule_remainder_goes_to_the_last_installment(world):
    contract = pb.contract(world.county_a, world.org, amount=D("100000.00"), installments=[
        {"trigger": "effective", "percentage": D("33.33")}, {"trigger": "midterm_passed", "percentage": D("33.33")},
        {"trigger": "final_passed", "percentage": D("33.34")}])
    assert [i.amount for i in contract.installments.all()] == [D("33330.00"), D("33330.00"), D("33340.00")]


def test_schedule_whose_percentages_do_not_add_up_to_100_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        pb.contract(world.county_a, world.org, installments=[
            {"trigger": "effective", "percentage": D("50")}, {"trigger": "final_passed", "percentage": D("40")}])
    assert caught.value.message_dict["installments"] == ["各期付款比例合计为 90%，应为 100%。"]


def test_schedule_amounts_that_do_not_add_up_are_refused(world):
    with pytest.raises(ValidationError) as caught:
        pb.contract(world.county_a, world.org, amount=D("1000.00"), installments=[
            {"trigger": "effective", "percentage": D("50"), "amount": D("500.00")},
            {"trigger": "final_passed", "percentage": D("50"), "amount": D("499.99")}])
    assert "999.99" in caught.value.message_dict["installments"][0]


def test_effective_installment_is_released_when_the_contract_takes_effect(world):
    pb.document(world.province, {"payment.due_within_working_days": 15})
    # Signed after the start date: it takes effect on signing, Friday 27 September 2024.
    contract = pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 9, 1),
                           signed_on=datetime.date(2024, 9, 27), award_notice_on=datetime.date(2024, 9, 2))
    first, midterm, final = contract.installments.all()
    assert first.triggered_on == datetime.date(2024, 9, 27)
    assert first.due_on == datetime.date(2024, 10, 23)  # across the National Day holiday
    assert midterm.triggered_on is None and final.due_on is None


def test_unsigned_contract_releases_nothing_until_signed(world):
    contract = pb.contract(world.county_a, world.org, signed_on=None)
    assert not contract.installments.filter(triggered_on__isnull=False).exists()
    services.contract_update(actor=world.root, contract=contract, signed_on=datetime.date(2023, 12, 20))
    first = contract.installments.get(sequence=1)
    assert first.triggered_on == datetime.date(2024, 1, 1)  # starts later than signing


def test_release_by_evaluation_is_idempotent(world):
    contract = pb.contract(world.county_a, world.org)
    released = services.installment_release(actor=world.root, contract=contract, trigger="midterm_passed",
                                            on_date=datetime.date(2024, 7, 1))
    again = services.installment_release(actor=world.root, contract=contract, trigger="midterm_passed",
                                         on_date=datetime.date(2024, 8, 1))
    assert len(released) == 1 and again == []
    assert contract.installments.get(sequence=2).triggered_on == datetime.date(2024, 7, 1)


@time_machine.travel(datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC))
def test_overdue_flags_unpaid_installments_past_due(world):
    pb.document(world.province, {"payment.due_within_working_days": 15})
    contract = pb.contract(world.county_a, world.org, amount=D("1000.00"))
    first = contract.installments.get(sequence=1)
    today = datetime.date(2024, 3, 1)
    assert first.due_on < today
    assert list(PaymentInstallment.objects.overdue(today)) == [first]
    assert Contract.objects.with_overdue_flag(today).get().has_overdue
    services.payment_record(actor=world.root, installment=first, paid_on=datetime.date(2024, 2, 1),
                            amount=D("499.99"))
    assert first.state(today) == "overdue"
    services.payment_record(actor=world.root, installment=first, paid_on=datetime.date(2024, 2, 2), amount=D("0.01"))
    assert not PaymentInstallment.objects.overdue(today).exists()
    assert PaymentInstallment.objects.get(pk=first.pk).state(today) == "paid"


@time_machine.travel(datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC))
def test_payment_beyond_the_installment_is_refused(world):
    contract = pb.contract(world.county_a, world.org, amount=D("1000.00"))
    first = contract.installments.get(sequence=1)
    services.payment_record(actor=world.root, installment=first, paid_on=datetime.date(2024, 1, 10),
                            amount=D("400.00"))
    with pytest.raises(ValidationError) as caught:
        services.payment_record(actor=world.root, installment=first, paid_on=datetime.date(2024, 1, 11),
                                amount=D("100.01"))
    assert caught.value.message_dict["amount"] == ["第 1 期应付 500.00 元，已付 400.00 元，本次 100.01 元将超出 0.01 元。"]
    with pytest.raises(ValidationError, match="尚未达成"):
        services.payment_record(actor=world.root, installment=contract.installments.get(sequence=2),
                                paid_on=datetime.date(2024, 1, 11), amount=D("1.00"))


def test_overlapping_contract_for_the_same_station_is_refused_naming_the_other(world):
    pb.contract(world.county_a, world.org, stations=[world.station_a1], number="JA-2024-01", title="江岸一期")
    with pytest.raises(ValidationError) as caught:
        pb.contract(world.county_a, world.org, stations=[world.station_a2, world.station_a1],
                    starts_on=datetime.date(2024, 7, 1))
    message = caught.value.message_dict["stations"][0]
    assert "JA-2024-01" in message and "江岸一期" in message and world.station_a1.name in message
    # The next year does not overlap.
    pb.contract(world.county_a, world.org, stations=[world.station_a1], starts_on=datetime.date(2025, 1, 1))


def test_stations_outside_the_purchaser_are_refused(world):
    with pytest.raises(ValidationError, match="不在购买方"):
        pb.contract(world.county_a, world.org, stations=[world.station_b1])


def test_renewal_chain_reads_as_one(world):
    first = pb.contract(world.county_a, world.org, starts_on=datetime.date(2022, 1, 1))
    second = pb.contract(world.county_a, world.org, starts_on=datetime.date(2023, 1, 1), previous=first)
    third = pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 1, 1), previous=second)
    assert second.chain() == [first, second, third]
    assert first.chain() == third.chain()


def test_renewal_of_a_contract_marked_not_renewable_is_refused(world):
    first = pb.contract(world.county_a, world.org, starts_on=datetime.date(2023, 1, 1), number="JA-2023")
    services.contract_mark_not_renewable(actor=world.root, contract=first, reason="年度评估不合格")
    with pytest.raises(ValidationError) as caught:
        pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 1, 1), previous=first)
    assert caught.value.message_dict["previous"] == ["上一期合同 JA-2023 已标记为不可续签（年度评估不合格），请重新采购。"]


def test_renewal_must_start_after_the_previous_and_only_once(world):
    first = pb.contract(world.county_a, world.org, starts_on=datetime.date(2023, 1, 1), number="JA-2023")
    with pytest.raises(ValidationError, match="之后开始"):
        pb.contract(world.county_a, world.org, starts_on=datetime.date(2023, 6, 1), previous=first)
    pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 1, 1), previous=first, number="JA-2024")
    with pytest.raises(ValidationError, match="已续签为 JA-2024"):
        pb.contract(world.county_a, world.org, starts_on=datetime.date(2025, 1, 1), previous=first)


def test_signing_later_than_the_regions_window_is_refused_citing_it_and_the_nearest_document_wins(world):
    pb.document(world.province, {"contract.signing_within_days": (30, "第五条", "中标后30日内签订合同")},
                title="湖北省购买服务办法", number="鄂民发〔2020〕1号")
    with pytest.raises(ValidationError) as caught:
        pb.contract(world.county_a, world.org, award_notice_on=datetime.date(2023, 11, 20),
                    signed_on=datetime.date(2023, 12, 21))
    assert caught.value.message_dict["signed_on"] == [
        "签订日期距中标（成交）通知已 31 天，超过 湖北省 规定的 30 天"
        "（依据：《湖北省购买服务办法》（鄂民发〔2020〕1号）第五条「中标后30日内签订合同」）。"]
    pb.document(world.city, {"contract.signing_within_days": 45})
    contract = pb.contract(world.county_a, world.org, award_notice_on=datetime.date(2023, 11, 20),
                           signed_on=datetime.date(2023, 12, 21))
    assert contract.pk


def test_signing_40_days_after_award_is_refused_where_the_rule_is_30_and_accepted_where_no_document_sets_it(world):
    pb.document(world.county_a, {"contract.signing_within_days": 30})
    late = {"award_notice_on": datetime.date(2023, 11, 1), "signed_on": datetime.date(2023, 12, 11)}
    with pytest.raises(ValidationError, match="已 40 天，超过 江岸区 规定的 30 天"):
        pb.contract(world.county_a, world.org, **late)
    other = pb.contract(world.county_b, pb.organisation(world.county_b), **late)
    assert other.signed_on == datetime.date(2023, 12, 11)


def test_the_signing_rule_is_the_one_in_force_at_the_award_date(world):
    pb.document(world.county_a, {"contract.signing_within_days": 30}, effective_from=datetime.date(2024, 1, 1))
    # Awarded before the document took effect: nothing to check against.
    pb.contract(world.county_a, world.org, award_notice_on=datetime.date(2023, 11, 1),
                signed_on=datetime.date(2023, 12, 20))
    with pytest.raises(ValidationError, match="已 40 天"):
        pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 3, 1),
                    award_notice_on=datetime.date(2024, 1, 2), signed_on=datetime.date(2024, 2, 11))


def test_assistance_share_above_the_cap_is_refused_with_its_figures(world):
    pb.document(world.province, {"fund.assistance_share_max": 5, "fund.assistance_share_basis": "last_year"})
    services.spending_set(actor=world.root, region=world.county_a, year=2023, amount=D("4000000.00"))
    pb.contract(world.county_a, world.org, amount=D("150000.00"), funding=[
        {"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("150000.00")}])
    share = assistance_share(county=world.county_a, year=2024, on_date=datetime.date(2024, 12, 31))
    assert (share.purchases, share.spending, share.share, share.basis_year) == (
        D("150000.00"), D("4000000.00"), D("3.75"), 2023)
    with pytest.raises(ValidationError) as caught:
        pb.contract(world.county_a, world.org, amount=D("60000.00"), funding=[
            {"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("50000.01")},
            {"source": FundingSource.GENERAL_BUDGET, "amount": D("9999.99")}])
    message = caught.value.message_dict["funding_lines"][0]
    assert "200,000.01" in message and "4,000,000.00" in message and "5.0000%" in message and "上限 5%" in message
    assert "依据：《湖北省购买服务文件" in message
    # Other funds are not counted, and county B's spending is its own.
    pb.contract(world.county_a, world.org, amount=D("60000.00"))
    assert assistance_share(county=world.county_b, year=2024, on_date=datetime.date(2024, 12, 31)).share is None


def test_a_cap_without_a_basis_computes_nothing_and_a_this_year_basis_reads_this_years_spending(world):
    pb.document(world.county_a, {"fund.assistance_share_max": 2})  # no base year, as Henan's plan
    pb.document(world.county_b, {"fund.assistance_share_min": 3, "fund.assistance_share_basis": "this_year"})
    for county in (world.county_a, world.county_b):
        services.spending_set(actor=world.root, region=county, year=2023, amount=D("1000000.00"))
        services.spending_set(actor=world.root, region=county, year=2024, amount=D("2000000.00"))
    org_b = pb.organisation(world.county_b)
    for county, org in ((world.county_a, world.org), (world.county_b, org_b)):
        pb.contract(county, org, amount=D("50000.00"), funding=[
            {"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("50000.00")}])
    on = datetime.date(2024, 12, 31)
    a = assistance_share(county=world.county_a, year=2024, on_date=on)
    assert (a.basis_year, a.share, a.over_cap, a.light) == (None, None, False, "none")
    assert a.rules.basis_label == "本地政策未规定" and "计算基数本地政策未规定" in a.verdict
    b = assistance_share(county=world.county_b, year=2024, on_date=on)
    assert (b.basis_year, b.share, b.under_floor, b.light, b.verdict) == (2024, D("2.50"), True, "red", "低于下限")


def test_filing_is_due_as_many_working_days_after_signing_as_the_document_in_force_then_says(world):
    pb.document(world.county_a, {"contract.filing_within_working_days": (15, "", "协议副本在签订之日起15个工作日内报市民政局备案")},
                title="临汾式购买服务方案")
    contract = pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 10, 1),
                           signed_on=datetime.date(2024, 9, 27))
    assert contract.filing_due_on == datetime.date(2024, 10, 23)  # past National Day's holidays
    assert contract.filing_status(datetime.date(2024, 10, 23)) == FilingStatus.PENDING
    assert contract.filing_status(datetime.date(2024, 10, 24)) == FilingStatus.OVERDUE
    services.contract_record_filing(actor=world.root, contract=contract, filed_on=datetime.date(2024, 10, 25),
                                    reference="宜民备〔2024〕3号")
    assert contract.filing_status(datetime.date(2024, 10, 26)) == FilingStatus.FILED
    state = Contract.objects.with_filing_status(datetime.date(2024, 10, 26)).get().filing_state
    assert state == FilingStatus.FILED


def test_deleting_an_organisation_with_contracts_is_refused_naming_them(world):
    pb.contract(world.county_a, world.org, number="JA-2024-07", title="江岸社工站")
    with pytest.raises(ValidationError) as caught:
        services.organisation_delete(actor=world.root, organisation=world.org)
    assert "JA-2024-07 江岸社工站" in caught.value.messages[0]
    spare = pb.organisation(world.county_a)
    services.organisation_delete(actor=world.root, organisation=spare)


@time_machine.travel(datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC))
def test_every_change_to_contract_installment_and_payment_is_audited_with_who_and_when(world):
    contract = pb.contract(world.county_a, world.org, actor=world.user_a, amount=D("1000.00"))
    services.contract_update(actor=world.user_a, contract=contract, title="改名后的项目")
    installment = contract.installments.get(sequence=1)
    payment = services.payment_record(actor=world.user_a, installment=installment,
                                      paid_on=datetime.date(2024, 2, 1), amount=D("100.00"))
    contract_history = list(contract.history.order_by("history_date"))
    assert [h.history_type for h in contract_history] == ["+", "~"]
    assert contract_history[-1].title == "改名后的项目"
    assert all(h.history_user == world.user_a and h.history_date for h in contract_history)
    assert installment.history.filter(history_user=world.user_a).count() >= 2  # created, then released
    assert payment.history.get().history_user == world.user_a
    assert contract.funding_lines.get().history.get().history_user == world.user_a


def test_changing_the_amount_re_splits_the_schedule_until_payments_are_recorded(world):
    contract = pb.contract(world.county_a, world.org, amount=D("1000.00"), signed_on=None)
    services.contract_update(actor=world.root, contract=contract, amount=D("2000.00"), funding_lines=[
        {"source": FundingSource.GENERAL_BUDGET, "amount": D("2000.00")}])
    assert [i.amount for i in contract.installments.all()] == [D("1000.00"), D("600.00"), D("400.00")]
    with pytest.raises(ValidationError, match=r"与合同金额 3,000\.00 元不一致"):
        services.contract_update(actor=world.root, contract=contract, amount=D("3000.00"))


def test_county_staff_cannot_buy_for_another_county(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        pb.contract(world.county_b, world.org, actor=world.user_a)
    assert InstallmentTrigger.EFFECTIVE == "effective"
    assert builders.PASSWORD


def test_correcting_a_title_is_not_blocked_by_a_rule_that_came_later(world):
    contract = pb.contract(world.county_a, world.org, amount=D("300000.00"), funding=[
        {"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("300000.00")}])
    pb.document(world.province, {"fund.assistance_share_max": 5, "fund.assistance_share_basis": "last_year"})
    services.spending_set(actor=world.root, region=world.county_a, year=2023, amount=D("1000000.00"))
    services.contract_update(actor=world.root, contract=contract, title="更正后的项目名称")
    with pytest.raises(ValidationError, match="超过 湖北省 规定的上限 5%"):
        services.contract_update(actor=world.root, contract=contract, amount=D("300000.00"), funding_lines=[
            {"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("200000.00")},
            {"source": FundingSource.GENERAL_BUDGET, "amount": D("100000.00")}])


def test_the_contract_covering_a_station_tells_the_stations_app_its_staffing_requirement(world):
    from stations.metrics import station_metric

    pb.contract(world.county_a, world.org, stations=[world.station_a1], social_workers_per_station=3)
    assert station_metric("contract_social_workers_required", world.station_a1, datetime.date(2024, 6, 1)) == 3
    assert station_metric("contract_social_workers_required", world.station_a1, datetime.date(2025, 6, 1)) is None
    assert station_metric("contract_social_workers_required", world.station_a2, datetime.date(2024, 6, 1)) is None


def test_no_filing_deadline_where_no_document_sets_one_and_a_later_document_dates_later_signings_only(world, client):
    early = pb.contract(world.county_a, world.org, number="JA-F-1", starts_on=datetime.date(2024, 10, 1),
                        signed_on=datetime.date(2024, 9, 27))
    assert early.filing_due_on is None
    assert early.filing_status(datetime.date(2030, 1, 1)) == FilingStatus.PENDING  # never overdue
    client.force_login(world.user_a)
    page = client.get(early.get_absolute_url()).content.decode()
    assert "本地政策未规定" in page.split('id="filing-basis"')[1].split("</dd>")[0]
    pb.document(world.county_a, {"contract.filing_within_working_days": (15, "", "15个工作日内报市民政局备案")},
                title="新备案办法", effective_from=datetime.date(2025, 1, 1))
    late = pb.contract(world.county_a, world.org, number="JA-F-2", starts_on=datetime.date(2025, 3, 1),
                       signed_on=datetime.date(2025, 2, 24))
    early.refresh_from_db()
    assert early.filing_due_on is None  # signed before the document took effect
    assert late.filing_due_on == datetime.date(2025, 3, 17)
    basis = client.get(late.get_absolute_url()).content.decode().split('id="filing-basis"')[1].split("</dd>")[0]
    assert "2025-03-17" in basis or "2025年3月17日" in basis
    assert "依据：《新备案办法》「15个工作日内报市民政局备案」" in basis
