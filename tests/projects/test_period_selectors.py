"""The contract figures of a region's period report and of the home page: scoped, and in a fixed
number of queries whatever the number of contracts."""

import datetime
from decimal import Decimal as D

import pytest
import time_machine

from projects.models import FundingSource, PaymentInstallment
from projects.selectors.contracts import contract_alert_summary, contract_list
from projects.selectors.periods import contract_numbers_by_station, contract_period_summary
from projects.services import payment_record
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db

FIRST, END = datetime.date(2024, 7, 1), datetime.date(2024, 9, 30)


@pytest.fixture(autouse=True)
def december():
    with time_machine.travel(datetime.datetime(2024, 12, 2, 10, 0), tick=False):
        yield


@pytest.fixture
def contracts(world):
    """County A: a contract for a1 from July, its first installment partly paid in August; county B: one for b1.
    The province's document sets the payment period: 15 working days."""
    pb.document(world.province, {"payment.due_within_working_days": 15})
    world.contract_a = pb.contract(
        world.county_a, world.org, stations=[world.station_a1], number="HT-A", amount=D("300000.00"),
        starts_on=FIRST, funding=[{"source": FundingSource.GENERAL_BUDGET, "amount": D("200000.00")},
                                  {"source": FundingSource.WELFARE_LOTTERY, "amount": D("100000.00")}])
    first = PaymentInstallment.objects.get(contract=world.contract_a, sequence=1)
    payment_record(actor=world.user_a, installment=first, paid_on=datetime.date(2024, 8, 3), amount=D("100000.00"))
    world.contract_b = pb.contract(world.county_b, pb.organisation(world.county_b), stations=[world.station_b1],
                                   number="HT-B", starts_on=FIRST)
    return world


def test_period_summary_gives_the_regions_contracts_with_their_money(contracts):
    w = contracts
    summary = contract_period_summary(user=w.user_a, region=w.county_a, first=FIRST, period_end=END, as_of=END)
    assert [row.number for row in summary.rows] == ["HT-A"]
    row = summary.rows[0]
    assert (row.purchaser, row.contractor, row.amount, row.in_force) == ("江岸区", "江岸区阳光社工服务中心",
                                                                       D("300000.00"), True)
    assert row.funding == {FundingSource.GENERAL_BUDGET: D("200000.00"), FundingSource.WELFARE_LOTTERY: D("100000.00")}
    due = sum(i.amount for i in PaymentInstallment.objects.filter(contract=w.contract_a, due_on__range=(FIRST, END)))
    assert row.due_in_period == due and row.paid_in_period == D("100000.00") and row.overdue == 1
    assert row.payment_basis.startswith("依据：《湖北省购买服务文件")  # the due dates' basis
    assert row.filing
    assert [value for value, _label in summary.sources] == list(FundingSource.values)


def test_period_summary_of_another_county_is_empty_and_the_city_gets_both(contracts):
    w = contracts
    assert contract_period_summary(user=w.user_b, region=w.county_a, first=FIRST, period_end=END, as_of=END).rows == []
    city = contract_period_summary(user=w.city_user, region=w.city, first=FIRST, period_end=END, as_of=END)
    assert [row.number for row in city.rows] == ["HT-A", "HT-B"]


def test_period_summary_query_count_does_not_grow_with_contracts(contracts, django_assert_num_queries):
    w = contracts
    with django_assert_num_queries(7):
        contract_period_summary(user=w.city_user, region=w.city, first=FIRST, period_end=END, as_of=END)
    for month in (8, 9):
        pb.contract(w.county_b, w.org, starts_on=datetime.date(2024, month, 1))
    with django_assert_num_queries(7):
        rows = contract_period_summary(user=w.city_user, region=w.city, first=FIRST, period_end=END, as_of=END).rows
    assert len(rows) == 4


def test_contract_numbers_by_station_are_those_the_user_may_see(contracts):
    w = contracts
    ids = [w.station_a1.pk, w.station_b1.pk]
    assert contract_numbers_by_station(user=w.city_user, station_ids=ids, on_date=END) == {
        w.station_a1.pk: ["HT-A"], w.station_b1.pk: ["HT-B"]}
    assert contract_numbers_by_station(user=w.user_a, station_ids=ids, on_date=END) == {w.station_a1.pk: ["HT-A"]}
    assert contract_numbers_by_station(user=w.user_a, station_ids=ids, on_date=datetime.date(2024, 6, 30)) == {}


def test_alert_summary_counts_the_rows_of_the_lists_it_links_to(contracts):
    w = contracts
    today = datetime.date(2024, 12, 2)
    alerts = contract_alert_summary(user=w.user_a, today=today)
    contracts = contract_list(user=w.user_a, today=today)
    assert alerts.with_overdue_installments == contracts.filter(has_overdue=True).count() == 1
    assert alerts.filings_overdue == contracts.filter(filing_state=alerts.filing_overdue_state).count()
    assert [c.number for c in alerts.expiring] == []
    assert contract_alert_summary(user=w.city_user, today=today).with_overdue_installments == 2  # and HT-B
