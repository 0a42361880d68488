"""Who sees which organisations, contracts, installments, payments and figures."""

import datetime
from decimal import Decimal

import pytest

from projects import services
from projects.models import (
    Contract,
    FundingLine,
    Organisation,
    OrganisationMember,
    Payment,
    PaymentInstallment,
    SocialAssistanceSpending,
)
from stations.models import Role
from tests import builders
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    world.contract_a = pb.contract(world.county_a, world.org, stations=[world.station_a1], number="JA-2024",
                                   amount=Decimal("1000.00"))
    world.org_b = pb.organisation(world.county_b, name="江汉区同心社工")
    world.contract_b = pb.contract(world.county_b, world.org_b, stations=[world.station_b1], number="JH-2024")
    world.org_c = pb.organisation(world.county_c, name="远安县社工")
    world.contract_c = pb.contract(world.county_c, world.org_c, number="YA-2024")
    services.payment_record(actor=world.root, installment=world.contract_a.installments.get(sequence=1),
                            paid_on=datetime.date(2024, 1, 20), amount=Decimal("100.00"))
    services.spending_set(actor=world.root, region=world.county_b, year=2023, amount=Decimal("10"))
    return world


def test_county_staff_see_only_what_their_county_bought(setup):
    user = setup.user_a
    assert list(Contract.objects.visible_to(user)) == [setup.contract_a]
    assert set(PaymentInstallment.objects.visible_to(user).values_list("contract__number", flat=True)) == {"JA-2024"}
    assert Payment.objects.visible_to(user).count() == 1
    assert Payment.objects.visible_to(setup.user_b).count() == 0
    assert set(FundingLine.objects.visible_to(user).values_list("contract__number", flat=True)) == {"JA-2024"}
    assert set(Organisation.objects.visible_to(user)) == {setup.org}
    assert not SocialAssistanceSpending.objects.visible_to(user).exists()


def test_city_sees_its_counties_and_province_sees_the_province(setup):
    assert set(Contract.objects.visible_to(setup.city_user).values_list("number", flat=True)) == {"JA-2024", "JH-2024"}
    province = builders.user("prov", Role.PROVINCE, setup.province)
    assert Contract.objects.visible_to(province).count() == 3
    gansu = builders.user("gansu", Role.PROVINCE, setup.other_province)
    assert not Contract.objects.visible_to(gansu).exists()


def test_an_organisation_working_in_two_counties_shows_each_county_only_its_contracts(setup):
    shared = pb.contract(setup.county_b, setup.org, number="JH-2025", starts_on=datetime.date(2025, 1, 1))
    assert setup.org in Organisation.objects.visible_to(setup.user_b)
    assert shared not in Contract.objects.visible_to(setup.user_a)


def test_evaluator_sees_only_their_own_organisation_and_its_contracts(setup):
    evaluator = builders.user("pinggu", Role.EVALUATOR, setup.city)
    OrganisationMember.objects.create(user=evaluator, organisation=setup.org_b)
    evaluator.refresh_from_db()
    assert list(Organisation.objects.visible_to(evaluator)) == [setup.org_b]
    assert list(Contract.objects.visible_to(evaluator)) == [setup.contract_b]
    assert not Payment.objects.visible_to(evaluator).exists()


def test_station_head_sees_the_contracts_covering_the_station(setup):
    head = builders.user("head", Role.STATION_HEAD, setup.a1, station=setup.station_a1)
    assert list(Contract.objects.visible_to(head)) == [setup.contract_a]


def test_nobody_without_scope_sees_anything(setup):
    nobody = builders.user("nobody")
    for model in (Contract, Organisation, PaymentInstallment, Payment, FundingLine, SocialAssistanceSpending):
        assert not model.objects.visible_to(nobody).exists(), model
