"""Screens for county staff, cities and the province; each one scoped."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from projects import services
from projects.models import Contract, FundingSource, Organisation, Payment
from stations.models import Role
from tests import builders
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db
D = Decimal
NOW = datetime.datetime(2024, 11, 15, 4, tzinfo=datetime.UTC)


@pytest.fixture
def contracts(world):
    world.contract_a = pb.contract(world.county_a, world.org, stations=[world.station_a1], number="JA-2024",
                                   title="江岸社工站项目")
    world.org_b = pb.organisation(world.county_b, name="江汉区同心社工")
    world.contract_b = pb.contract(world.county_b, world.org_b, stations=[world.station_b1], number="JH-2024",
                                   title="江汉社工站项目")
    return world


def page(client, user, name, *args, **params):
    client.force_login(user)
    response = client.get(reverse(name, args=args), params)
    return response


@pytest.mark.parametrize("name", ["projects:contract-list", "projects:filing-list", "projects:contract-expiring"])
@time_machine.travel(NOW)
def test_county_lists_show_only_what_the_county_bought(client, contracts, name):
    html = page(client, contracts.user_a, name, days=60).content.decode()
    assert "JA-2024" in html
    assert "JH-2024" not in html


@time_machine.travel(NOW)
def test_city_official_sees_both_counties_contracts_and_filings(client, contracts):
    html = page(client, contracts.city_user, "projects:filing-list").content.decode()
    assert "JA-2024" in html and "JH-2024" in html
    other_city = builders.user("yichang", Role.CITY, contracts.other_city)
    html = page(client, other_city, "projects:contract-list").content.decode()
    assert "JA-2024" not in html and "没有符合条件的合同" in html


def test_contract_and_organisation_details_of_another_county_are_404(client, contracts):
    client.force_login(contracts.user_a)
    assert client.get(reverse("projects:contract-detail", args=[contracts.contract_a.pk])).status_code == 200
    for name, pk in [("projects:contract-detail", contracts.contract_b.pk),
                     ("projects:contract-update", contracts.contract_b.pk),
                     ("projects:payment-create", contracts.contract_b.pk),
                     ("projects:filing-update", contracts.contract_b.pk),
                     ("projects:organisation-detail", contracts.org_b.pk),
                     ("projects:organisation-update", contracts.org_b.pk)]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.get(reverse("projects:county-detail", args=[contracts.county_b.code])).status_code == 404


def test_organisation_page_lists_only_contracts_the_user_may_see(client, contracts):
    # An organisation working in both counties: county A sees only its own contract with it.
    pb.contract(contracts.county_b, contracts.org, number="JH-ORG-A", starts_on=datetime.date(2025, 1, 1))
    html = page(client, contracts.user_a, "projects:organisation-detail", contracts.org.pk).content.decode()
    assert "JA-2024" in html and "JH-ORG-A" not in html
    assert contracts.station_a1.name in html


def test_city_and_province_may_not_create_contracts(client, contracts):
    for user in (contracts.city_user, builders.user("prov", Role.PROVINCE, contracts.province)):
        client.force_login(user)
        assert client.get(reverse("projects:contract-create")).status_code == 403
        assert client.get(reverse("projects:organisation-create")).status_code == 403


def _contract_post(world, **overrides):
    data = {
        "number": "JA-2025-01", "title": "江岸区2025年社工站项目", "purchaser": world.county_a.pk,
        "contractor": world.org.pk, "stations": [world.station_a1.pk, world.station_a2.pk],
        "service_domains": ["social_assistance", "elderly_care"], "target_groups": ["dibao"],
        "award_notice_on": "2024-12-10", "signed_on": "2024-12-20", "starts_on": "2025-01-01",
        "ends_on": "2025-12-31", "amount": "400000.00", "social_workers_per_station": "2",
        "funding-TOTAL_FORMS": "5", "funding-INITIAL_FORMS": "5",
        "installments-TOTAL_FORMS": "4", "installments-INITIAL_FORMS": "3",
    }
    for i, source in enumerate(FundingSource.values):
        data[f"funding-{i}-source"] = source
        data[f"funding-{i}-amount"] = ""
    data["funding-0-amount"] = "100000.00"
    data["funding-2-amount"] = "300000.00"
    for i, (trigger, pct) in enumerate([("effective", "50"), ("midterm_passed", "30"), ("final_passed", "20"),
                                        ("", "")]):
        data[f"installments-{i}-trigger"] = trigger
        data[f"installments-{i}-percentage"] = pct
    data.update(overrides)
    return data


@time_machine.travel(NOW)
def test_county_staff_create_a_contract_with_funding_and_schedule(client, world):
    client.force_login(world.user_a)
    form = client.get(reverse("projects:contract-create"))
    assert form.status_code == 200
    assert world.station_b1 not in form.context["form"].fields["stations"].queryset
    response = client.post(reverse("projects:contract-create"), _contract_post(world))
    assert response.status_code == 302, response.context["form"].errors
    contract = Contract.objects.get(number="JA-2025-01")
    assert set(contract.stations.all()) == {world.station_a1, world.station_a2}
    assert [i.amount for i in contract.installments.all()] == [D("200000.00"), D("120000.00"), D("80000.00")]
    assert contract.service_domains == ["social_assistance", "elderly_care"]
    detail = client.get(response["Location"]).content.decode()
    assert "¥200,000.00" in detail and "社会救助资金" in detail and "待备案" in detail


@time_machine.travel(NOW)
def test_contract_form_shows_the_funding_mismatch_and_keeps_input(client, world):
    client.force_login(world.user_a)
    response = client.post(reverse("projects:contract-create"), _contract_post(world, **{"funding-2-amount": "299999.99"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "各项资金来源合计 399,999.99 元，与合同金额 400,000.00 元不一致（相差 0.01 元）。" in html
    assert not Contract.objects.exists()
    response = client.post(reverse("projects:contract-create"), _contract_post(world, **{"installments-2-percentage": "10"}))
    assert "各期付款比例合计为 90%，应为 100%。" in response.content.decode()


@time_machine.travel(NOW)
def test_contract_form_refuses_a_station_of_another_county(client, world):
    client.force_login(world.user_a)
    response = client.post(reverse("projects:contract-create"), _contract_post(world, stations=[world.station_b1.pk]))
    assert response.status_code == 200
    assert not Contract.objects.exists()


@time_machine.travel(NOW)
def test_recording_a_payment_and_a_filing(client, contracts):
    client.force_login(contracts.user_a)
    contract = contracts.contract_a
    first = contract.installments.get(sequence=1)
    response = client.post(reverse("projects:payment-create", args=[contract.pk]), {
        "installment": first.pk, "paid_on": "2024-01-20", "amount": "150000.00", "reference": "付-001"})
    assert response.status_code == 302
    assert Payment.objects.get().history.get().history_user == contracts.user_a
    too_much = client.post(reverse("projects:payment-create", args=[contract.pk]), {
        "installment": first.pk, "paid_on": "2024-01-21", "amount": "0.01"})
    assert "将超出 0.01 元" in too_much.content.decode()
    # Another county's installment cannot be chosen.
    other = contracts.contract_b.installments.get(sequence=1)
    response = client.post(reverse("projects:payment-create", args=[contract.pk]), {
        "installment": other.pk, "paid_on": "2024-01-21", "amount": "1.00"})
    assert response.status_code == 200 and Payment.objects.count() == 1
    client.force_login(contracts.city_user)
    response = client.post(reverse("projects:filing-update", args=[contract.pk]), {
        "filed_on": "2024-01-05", "reference": "武民备2024-1"})
    assert response.status_code == 302
    html = client.get(reverse("projects:filing-list"), {"status": "filed"}).content.decode()
    assert "武民备2024-1" in html and "JH-2024" not in html


@time_machine.travel(NOW)
def test_expiring_list_shows_the_latest_evaluation(client, contracts):
    services.contract_record_evaluation(actor=contracts.root, contract=contracts.contract_a, kind="final",
                                        kind_label="终期评估", evaluated_on=datetime.date(2024, 11, 1),
                                        score=D("86.5"), grade="良好", passed=True, reference="eval:1")
    html = page(client, contracts.user_a, "projects:contract-expiring", days=60).content.decode()
    assert "JA-2024" in html and "终期评估 良好" in html and "合格" in html
    html = page(client, contracts.user_a, "projects:contract-expiring", days=30).content.decode()
    assert "JA-2024" not in html  # ends 31 December, 46 days away


@time_machine.travel(NOW)
def test_county_page_shows_the_share_with_its_figures_and_the_local_organisation_metric(client, contracts):
    pb.document(contracts.province, {"fund.assistance_share_max": 5, "fund.assistance_share_basis": "last_year"},
                title="湖北省购买服务办法")
    client.force_login(contracts.user_a)
    response = client.post(reverse("projects:spending-set", args=[contracts.county_a.code]),
                           {"year": "2023", "amount": "8000000.00", "source": "决算"})
    assert response.status_code == 302
    services.contract_update(actor=contracts.root, contract=contracts.contract_a, funding_lines=[
        {"source": "social_assistance", "amount": D("200000.00")}, {"source": "general_budget", "amount": D("100000.00")}])
    html = client.get(reverse("projects:county-detail", args=[contracts.county_a.code])).content.decode()
    assert "¥200,000.00" in html and "¥8,000,000.00" in html and "2.50%" in html and "不高于 5%" in html
    assert "依据：《湖北省购买服务办法》" in html and "符合规定" in html
    assert "已有 1 家本地机构" in html and "目标：本地政策未规定" in html
    from stations.packs import PACK_DIR, load_packs

    load_packs([PACK_DIR / "d1_hubei_2021.toml"], actor=contracts.root)
    html = client.get(reverse("projects:county-detail", args=[contracts.county_a.code])).content.decode()
    organisations = html.split('id="local-organisations"')[1].split("</section>")[0]
    assert "目标：每县至少 1 家" in organisations and "light-green" in organisations
    assert "依据：《湖北省民政厅关于促进乡镇（街道）社会工作发展的通知》" in organisations
    overview = page(client, contracts.city_user, "projects:county-overview").content.decode()
    assert "江岸区" in overview and "江汉区" in overview and "远安县" not in overview
    assert "2 / 2" in overview


def test_deleting_an_organisation_with_contracts_from_the_screen_names_them(client, contracts):
    client.force_login(contracts.user_a)
    response = client.post(reverse("projects:organisation-delete", args=[contracts.org.pk]), follow=True)
    assert "JA-2024 江岸社工站项目" in response.content.decode()
    assert Organisation.objects.filter(pk=contracts.org.pk).exists()


def test_county_staff_add_an_organisation_registered_elsewhere_and_then_see_it(client, world):
    client.force_login(world.user_a)
    code = pb.credit_code("52420500MJ0099999")
    form = {"name": "宜昌市博爱社工", "credit_code": code, "region": world.other_city.pk, "is_local": "",
            "rating": "4A", "rating_year": "2023", "contact_name": "王"}
    refused = client.post(reverse("projects:organisation-create"), form)
    assert refused.status_code == 200 and "外地机构须由其登记地民政部门登记" in refused.content.decode()
    assert not Organisation.objects.filter(credit_code=code).exists()
    # registered where it is registered (here by a superuser), then added by its code and name
    services.organisation_create(actor=world.root, name="宜昌市博爱社工", credit_code=code, region=world.other_city,
                                 is_local=False)
    response = client.post(reverse("projects:organisation-add-known"), {"credit_code": code, "name": "宜昌市博爱社工"})
    assert response.status_code == 302
    assert Organisation.objects.visible_to(world.user_a).filter(credit_code=code).exists()
    assert not Organisation.objects.visible_to(world.user_b).filter(credit_code=code).exists()
    bad = client.post(reverse("projects:organisation-create"), {
        "name": "坏代码", "credit_code": code[:-1] + ("0" if code[-1] != "0" else "1"), "region": world.county_a.pk})
    assert "校验位不正确" in bad.content.decode()


@time_machine.travel(NOW)
def test_editing_a_contract_keeps_its_schedule_and_funding_and_is_audited(client, contracts):
    client.force_login(contracts.user_a)
    url = reverse("projects:contract-update", args=[contracts.contract_a.pk])
    form = client.get(url)
    funding = form.context["funding"]
    assert [f.initial.get("amount") for f in funding.forms][2] == D("300000.00")
    data = _contract_post(contracts, **{
        "number": "JA-2024", "title": "江岸社工站项目（续）", "stations": [contracts.station_a1.pk],
        "award_notice_on": "2023-12-01", "signed_on": "2023-12-27", "starts_on": "2024-01-01",
        "ends_on": "2024-12-31", "amount": "300000.00", "funding-0-amount": "", "funding-2-amount": "300000.00"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    contract = Contract.objects.get(pk=contracts.contract_a.pk)
    assert contract.title == "江岸社工站项目（续）"
    assert contract.history.order_by("-history_id").first().history_user == contracts.user_a
    assert [i.amount for i in contract.installments.all()] == [D("150000.00"), D("90000.00"), D("60000.00")]


@time_machine.travel(NOW)
def test_city_filters_filings_by_county_and_cannot_pick_another_citys(client, contracts):
    client.force_login(contracts.city_user)
    html = client.get(reverse("projects:filing-list"), {"purchaser": contracts.county_b.pk}).content.decode()
    assert "JH-2024" in html and "JA-2024" not in html
    response = client.get(reverse("projects:filing-list"), {"purchaser": contracts.county_c.pk})
    assert response.context["filter"].errors  # 远安县 is another city's county


@time_machine.travel(NOW)
def test_renewing_prefills_the_next_year_and_links_the_chain(client, contracts):
    client.force_login(contracts.user_a)
    detail = client.get(reverse("projects:contract-detail", args=[contracts.contract_a.pk])).content.decode()
    assert f"?renew={contracts.contract_a.pk}" in detail
    form = client.get(reverse("projects:contract-create"), {"renew": contracts.contract_a.pk})
    initial = form.context["form"].initial
    assert initial["previous"] == contracts.contract_a.pk
    assert initial["starts_on"] == datetime.date(2025, 1, 1) and initial["ends_on"] == datetime.date(2025, 12, 31)
    assert initial["stations"] == [contracts.station_a1.pk]
    assert client.get(reverse("projects:contract-create"), {"renew": contracts.contract_b.pk}).status_code == 404
    services.contract_mark_not_renewable(actor=contracts.root, contract=contracts.contract_a, reason="年度评估不合格")
    detail = client.get(reverse("projects:contract-detail", args=[contracts.contract_a.pk])).content.decode()
    assert "?renew=" not in detail and "年度评估不合格" in detail


def test_county_staff_mark_a_contract_not_renewable_and_other_counties_cannot(client, contracts):
    client.force_login(contracts.user_b)
    url = reverse("projects:contract-not-renewable", args=[contracts.contract_a.pk])
    assert client.post(url, {"reason": "越权"}).status_code == 404
    client.force_login(contracts.user_a)
    client.post(url, {"reason": "服务质量不达标"})
    contract = Contract.objects.get(pk=contracts.contract_a.pk)
    assert not contract.renewable and contract.not_renewable_reason == "服务质量不达标"
    assert contract.history.order_by("-history_id").first().history_user == contracts.user_a


@time_machine.travel(NOW)
def test_contract_pages_read_in_english_when_picked(client, contracts):
    client.force_login(contracts.user_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(reverse("projects:contract-detail", args=[contracts.contract_a.pk])).content.decode()
    assert "Payment schedule" in html and "Renewal chain" in html and "General public budget" in html
    html = client.get(reverse("projects:contract-expiring")).content.decode()
    assert "Contracts expiring soon" in html
