"""The admin is scoped like the screens: lists, details, history, and foreign-key choices."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Contract, SocialAssistanceSpending
from stations.models import Role
from stations.roles import ensure_role_groups
from tests import builders
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    world.contract_a = pb.contract(world.county_a, world.org, stations=[world.station_a1], number="JA-2024")
    world.org_b = pb.organisation(world.county_b, name="江汉区同心社工")
    world.contract_b = pb.contract(world.county_b, world.org_b, stations=[world.station_b1], number="JH-2024")
    world.org_gansu = pb.organisation(world.gansu_county, name="兰州城关社工")
    return world


def staff(user):
    user.is_staff = True
    user.save()
    user.groups.add(ensure_role_groups()[Role.PROVINCE])
    return user


def test_county_admin_lists_and_opens_only_its_contracts_and_history(client, setup):
    client.force_login(staff(setup.user_a))
    changelist = client.get(reverse("admin:projects_contract_changelist")).content.decode()
    assert "JA-2024" in changelist and "JH-2024" not in changelist
    assert client.get(reverse("admin:projects_contract_change", args=[setup.contract_b.pk])).status_code == 302
    assert client.get(reverse("admin:projects_contract_history", args=[setup.contract_b.pk])).status_code == 404
    assert client.get(reverse("admin:projects_contract_history", args=[setup.contract_a.pk])).status_code == 200
    orgs = client.get(reverse("admin:projects_organisation_changelist")).content.decode()
    assert "江汉区同心社工" not in orgs and setup.org.name in orgs
    installments = client.get(reverse("admin:projects_payment_changelist")).status_code
    assert installments == 200


def test_admin_foreign_key_choices_and_autocomplete_are_scoped(client, setup):
    official = staff(builders.user("prov", Role.PROVINCE, setup.province))
    client.force_login(official)
    form = client.get(reverse("admin:projects_socialassistancespending_add")).context["adminform"].form
    assert setup.county_a in form.fields["region"].queryset
    assert setup.gansu_county not in form.fields["region"].queryset
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "projects", "model_name": "socialassistancespending", "field_name": "region", "term": "区"})
    names = {item["text"] for item in response.json()["results"]}
    assert "江岸区" in names and "城关区" not in names
    orgs = client.get(reverse("admin:projects_organisation_changelist")).content.decode()
    assert "江汉区同心社工" in orgs and "兰州城关社工" not in orgs


def test_province_admin_cannot_post_spending_for_a_county_of_another_province(client, setup):
    client.force_login(staff(builders.user("prov", Role.PROVINCE, setup.province)))
    url = reverse("admin:projects_socialassistancespending_add")
    response = client.post(url, {"region": setup.gansu_county.pk, "year": "2024", "amount": "5000000.00"})
    assert response.status_code == 200  # the choice is refused by the form
    assert not SocialAssistanceSpending.objects.exists()
    response = client.post(url, {"region": setup.county_a.pk, "year": "2024", "amount": "5000000.00"})
    assert response.status_code == 302
    assert SocialAssistanceSpending.objects.get().history.get().history_user.username == "prov"


def test_admin_filing_correction_goes_through_the_service_and_is_audited(client, setup):
    official = staff(builders.user("prov", Role.PROVINCE, setup.province))
    client.force_login(official)
    url = reverse("admin:projects_contract_change", args=[setup.contract_a.pk])
    token = client.get(url).context["edit_token"]
    response = client.post(url, {
        "_edit_token": token, "title": "江岸项目（更正）", "social_workers_per_station": "2", "filed_on": "2024-01-08",
        "filing_reference": "武民备1号", "renewable": "on", "not_renewable_reason": "",
        "funding_lines-TOTAL_FORMS": "0", "funding_lines-INITIAL_FORMS": "1",
        "installments-TOTAL_FORMS": "0", "installments-INITIAL_FORMS": "3"})
    assert response.status_code == 302, response.content.decode()[:3000]
    contract = Contract.objects.get(pk=setup.contract_a.pk)
    assert contract.filed_on == datetime.date(2024, 1, 8) and contract.title == "江岸项目（更正）"
    assert contract.history.latest().history_user == official
    assert contract.amount == Decimal("300000.00")


def test_admin_delete_of_an_organisation_with_contracts_names_them(client, setup):
    client.force_login(builders.superuser())
    page = client.get(reverse("admin:projects_organisation_delete", args=[setup.org.pk])).content.decode()
    assert "JA-2024" in page
    client.post(reverse("admin:projects_organisation_delete", args=[setup.org.pk]), {"post": "yes"})
    assert type(setup.org).objects.filter(pk=setup.org.pk).exists()


def test_admin_region_filter_offers_and_applies_only_regions_in_scope(client, setup):
    client.force_login(staff(builders.user("wuhan", Role.CITY, setup.city)))
    page = client.get(reverse("admin:projects_contract_changelist"), {"purchaser_region": setup.county_b.code})
    html = page.content.decode()
    assert "JH-2024" in html and "JA-2024" not in html
    assert "远安县" not in html
    pb.contract(setup.county_c, pb.organisation(setup.county_c), number="YA-2024")
    # Another city's county is not offered, and asking for it anyway shows nothing of it.
    page = client.get(reverse("admin:projects_contract_changelist"), {"purchaser_region": setup.county_c.code})
    assert "YA-2024" not in page.content.decode()
