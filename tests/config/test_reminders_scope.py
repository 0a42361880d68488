"""Each official is reminded only of what their region's pages show: county A's staff never hear of
county B's people, contracts or stations; the city hears of both, one reminder per kind and day."""

import datetime

import pytest

from config.models import Notification
from projects.models import PaymentInstallment
from stations.models import Role
from tests import builders
from tests.config import reminder_builders as rm
from tests.projects import builders as pb
from tests.stations import report_builders as rb
from tests.workforce import builders as wb

D = datetime.date
DUE = D(2026, 5, 8)  # a Friday
Kind = Notification.Kind


@pytest.fixture
def h(hierarchy):
    """Counties A and B each with a station, a social worker whose two years to qualify end on
    8 May 2026, and a contract whose service ends that day; the city states the 8th as the filing
    deadline for both."""
    h = hierarchy
    h.station_a1 = builders.station(h.a1)
    h.station_b1 = builders.station(h.b1)
    h.head_a = rb.head(h.station_a1, "head_a1")
    h.user_a = builders.county_user(h)
    h.user_b = builders.county_user(h, name="county_b", county=h.county_b)
    h.city_user = builders.user("city", Role.CITY, h.city)
    rm.filing_deadline(h.city, 8)
    for county in (h.county_a, h.county_b):
        wb.document(county, rules={"qualification.deadline_years": 2})
        pb.document(county, {"payment.due_within_working_days": 15})
    h.worker_a = wb.person(station=h.station_a1, name="江岸社工", start_on=D(2024, 5, 8))
    h.worker_b = wb.person(station=h.station_b1, name="江汉社工", start_on=D(2024, 5, 8))
    h.contract_a = pb.contract(h.county_a, pb.organisation(h.county_a), stations=[h.station_a1], number="HT-A-1",
                               starts_on=D(2025, 5, 9))
    h.contract_b = pb.contract(h.county_b, pb.organisation(h.county_b), stations=[h.station_b1], number="HT-B-1",
                               starts_on=D(2025, 5, 9))
    return h


def _keys(user, kind):
    return [key for _day, key in rm.reminded(user, kind)]


def test_people_contracts_and_stations_of_another_county_are_never_mentioned(h):
    colleague = builders.county_user(h, name="county_a_2")
    rm.run_on(DUE)
    assert rm.reminded(colleague) == rm.reminded(h.user_a) != []  # each user of the county has their own
    assert _keys(h.user_a, Kind.QUALIFICATION_DEADLINE) == [f"qualification:{h.worker_a.pk}:2026-05-08"]
    assert _keys(h.user_b, Kind.QUALIFICATION_DEADLINE) == [f"qualification:{h.worker_b.pk}:2026-05-08"]
    assert _keys(h.user_a, Kind.CONTRACT_ENDING) == [f"contract:{h.contract_a.pk}:2026-05-08"]
    assert _keys(h.user_b, Kind.CONTRACT_ENDING) == [f"contract:{h.contract_b.pk}:2026-05-08"]
    text_a = " ".join(f"{n.title} {n.body} {n.url}" for n in Notification.objects.filter(user=h.user_a))
    assert "江岸社工" in text_a and "HT-A-1" in text_a and h.station_a1.name in text_a
    assert "江汉社工" not in text_a and "HT-B-1" not in text_a and h.station_b1.name not in text_a
    # The station head hears of the station's own social worker, and of no contract.
    assert _keys(h.head_a, Kind.QUALIFICATION_DEADLINE) == [f"qualification:{h.worker_a.pk}:2026-05-08"]
    assert _keys(h.head_a, Kind.CONTRACT_ENDING) == []


def test_the_city_gets_one_reminder_per_kind_and_day_counting_both_counties(h):
    rm.run_on(DUE)
    city = {n.kind: n for n in Notification.objects.filter(user=h.city_user)}
    assert city[Kind.QUALIFICATION_DEADLINE].title == "2人取得专业资质期限为2026年5月8日"
    assert city[Kind.CONTRACT_ENDING].title == "2份合同的服务期至2026年5月8日结束"
    assert "HT-A-1" in city[Kind.CONTRACT_ENDING].body and "HT-B-1" in city[Kind.CONTRACT_ENDING].body
    assert city[Kind.REPORT_COMPLETENESS].title == "2个站点2026年4月月报尚未报送，今天截止"
    assert Notification.objects.filter(user=h.city_user).count() == 3


def test_installments_falling_due_reach_their_own_county_only_and_stop_once_paid(h):
    first_a = PaymentInstallment.objects.get(contract=h.contract_a, sequence=1)
    due = first_a.due_on  # 15 working days after the contract took effect
    assert due is not None and PaymentInstallment.objects.get(contract=h.contract_b, sequence=1).due_on == due
    rm.run_on(due)
    assert _keys(h.user_a, Kind.INSTALLMENT_DUE) == [f"installment:{first_a.pk}:{due:%Y-%m-%d}"]
    assert "HT-A-1" in Notification.objects.get(user=h.user_a, kind=Kind.INSTALLMENT_DUE).title
    assert "HT-B-1" not in " ".join(Notification.objects.filter(user=h.user_a).values_list("title", flat=True))
    assert len(_keys(h.user_b, Kind.INSTALLMENT_DUE)) == 1
