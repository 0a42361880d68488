"""A contract's budget by cost category and the floors its documents set: Zhuolu's personnel share
(90%) and wage (minimum wage + 10%), Henan's city subsidy (≥50,000 yuan a station); the contract page
and the procurement check page with its export. Where no document sets a floor, nothing is computed.
And a multi-year funding line counts in each year's purchase share by its part in that year."""

import datetime
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from projects import services
from projects.models import FundingSource, MinimumWage
from projects.selectors.contract_checks import contract_checks
from projects.selectors.policies import assistance_share
from stations.packs import PACK_DIR, load_packs
from tests import builders
from tests.projects import builders as pb
from tests.projects.test_contract_terms import county_with_pack

pytestmark = pytest.mark.django_db
ZHUOLU_PERSONNEL = "「社工站人员费用占项目经费总额的90%」"
ZHUOLU_WAGE = "「工资标准参照我县最低工资标准上浮10%执行」"
HENAN_SUBSIDY = "「市级对每个社工站服务项目补助经费不少于5万元」"
CHECK_URL = reverse("projects:contract-check")


@pytest.fixture
def zhuolu(world):
    return county_with_pack(world, ["13", "1307", "130731"], "130731", ("130731100", "涿鹿镇"),
                            "d7_hebei_zhuolu.toml")


def split_contract(place, personnel, operations, number, **extra):
    return pb.contract(place.county, place.org, stations=[place.station], number=number, amount=D("300000.00"),
                       personnel_cost=D(personnel), operations_cost=D(operations), **extra)


def by_key(contract):
    return {check.key: check for check in contract_checks(contract)}


def test_a_95_5_split_passes_and_85_15_fails_zhuolus_90_percent_floor(zhuolu, client):
    good = split_contract(zhuolu, "285000.00", "15000.00", "ZL-95")
    zhuolu.station = builders.station(builders.region("130731101", "五堡镇", "township", zhuolu.county))
    bad = split_contract(zhuolu, "255000.00", "45000.00", "ZL-85")
    assert by_key(good)["cost.personnel_min_pct"].state == "pass"
    failing = by_key(bad)["cost.personnel_min_pct"]
    assert failing.state == "fail" and failing.actual == "人员费用 255,000.00 元，占 85.00%"
    client.force_login(zhuolu.user)
    page = client.get(reverse("projects:contract-detail", args=[bad.pk])).content.decode()
    assert "人员费用不低于合同金额的 90%" in page and "不符合" in page and ZHUOLU_PERSONNEL in page
    # The check page lists what does not hold (here both lack the minimum wage to judge their wages).
    rows = list(load_workbook(BytesIO(client.get(CHECK_URL, {"year": 2024, "format": "xlsx"}).content))
                .active.iter_rows(values_only=True))
    assert any(row[0] == "ZL-85" and row[6] == "人员费用占比" and row[9] == "不符合" for row in rows)
    assert not any(row[0] == "ZL-95" and row[6] == "人员费用占比" for row in rows)
    check = client.get(CHECK_URL, {"year": 2024}).content.decode()
    assert check.count("<td>人员费用占比</td>") == 1 and "人员费用 255,000.00 元，占 85.00%" in check


def test_cost_categories_must_add_up_to_the_contract_amount(zhuolu):
    with pytest.raises(ValidationError) as caught:
        split_contract(zhuolu, "285000.00", "10000.00", "ZL-SUM")
    assert "合计 295,000.00 元，与合同金额 300,000.00 元不一致" in caught.value.message_dict["personnel_cost"][0]


def test_a_wage_below_the_minimum_wage_plus_10_percent_is_flagged(zhuolu):
    services.minimum_wage_set(actor=zhuolu.user, region=zhuolu.county, year=2024, monthly_amount=D("1900.00"),
                              source="河北省最低工资标准（测试录入）")
    low = split_contract(zhuolu, "285000.00", "15000.00", "ZL-LOW", monthly_wage=D("2000.00"))
    check = by_key(low)["wage.min_wage_uplift_pct"]
    assert check.state == "fail" and "1,900.00 元/月上浮 10%，即 2,090.00 元/月" in check.requirement
    assert ZHUOLU_WAGE in check.citation
    services.contract_update(actor=zhuolu.user, contract=low, monthly_wage=D("2090.00"))
    assert by_key(low)["wage.min_wage_uplift_pct"].state == "pass"
    record = MinimumWage.objects.get(region=zhuolu.county, year=2024)
    assert record.history.first().history_user == zhuolu.user


def test_a_wage_with_no_minimum_wage_entered_cannot_be_judged(zhuolu):
    contract = split_contract(zhuolu, "285000.00", "15000.00", "ZL-NOMIN", monthly_wage=D("2500.00"))
    check = by_key(contract)["wage.min_wage_uplift_pct"]
    assert check.state == "missing" and check.actual == "未录入 2024 年当地最低工资标准"


def test_henans_city_subsidy_is_checked_per_station_per_year(world):
    henan = county_with_pack(world, ["41"], "41", ("410102001", "林山寨街道"), "d6_henan_prov.toml",
                             county=[("4101", "郑州市", "city"), ("410102", "中原区", "county")])
    second = builders.station(builders.region("410102002", "建设路街道", "township", henan.county))
    contract = pb.contract(henan.county, henan.org, stations=[henan.station, second], amount=D("300000.00"),
                           funding=[{"source": FundingSource.CITY_SUBSIDY, "amount": D("80000.00")},
                                    {"source": FundingSource.GENERAL_BUDGET, "amount": D("220000.00")}])
    check = by_key(contract)["subsidy.city_per_station_min"]
    assert check.state == "fail" and "折合每站每年 40,000.00 元" in check.actual and HENAN_SUBSIDY in check.citation
    services.contract_update(actor=world.root, contract=contract, funding_lines=[
        {"source": FundingSource.CITY_SUBSIDY, "amount": D("100000.00")},
        {"source": FundingSource.GENERAL_BUDGET, "amount": D("200000.00")}])
    assert by_key(contract)["subsidy.city_per_station_min"].state == "pass"


def test_nothing_is_checked_where_no_document_sets_a_floor(world, client):
    contract = pb.contract(world.county_a, world.org, personnel_cost=D("150000.00"),
                           operations_cost=D("150000.00"), monthly_wage=D("800.00"))
    assert {check.state for check in contract_checks(contract)} == {"unset"}
    client.force_login(world.user_a)
    page = client.get(reverse("projects:contract-detail", args=[contract.pk])).content.decode()
    assert page.count("本地政策未规定") >= 3 and "不符合" not in page
    assert contract.number not in client.get(CHECK_URL, {"year": 2024}).content.decode()


def test_the_check_page_and_export_keep_to_the_users_county(world, client):
    pb.document(world.county_a, {"cost.personnel_min_pct": 90})
    contract = pb.contract(world.county_a, world.org, number="JA-CHECK", personnel_cost=D("200000.00"),
                           operations_cost=D("100000.00"))
    client.force_login(world.user_a)
    assert "JA-CHECK" in client.get(CHECK_URL, {"year": 2024}).content.decode()
    client.force_login(world.user_b)
    assert "JA-CHECK" not in client.get(CHECK_URL, {"year": 2024}).content.decode()
    assert b"JA-CHECK" not in client.get(CHECK_URL, {"year": 2024, "format": "xlsx"}).content
    response = client.post(reverse("projects:minimum-wage-set", args=[world.county_a.code]),
                           {"year": 2024, "monthly_amount": "1900", "source": ""})
    assert response.status_code == 404 and not MinimumWage.objects.exists()
    assert contract.pk


def test_county_staff_enter_the_minimum_wage_on_the_county_page(world, client):
    client.force_login(world.user_a)
    response = client.post(reverse("projects:minimum-wage-set", args=[world.county_a.code]),
                           {"year": 2024, "monthly_amount": "2000.00", "source": "湖北省人民政府公告"})
    assert response.status_code == 302
    page = client.get(reverse("projects:county-detail", args=[world.county_a.code])).content.decode()
    assert "¥2,000.00" in page and "湖北省人民政府公告" in page


def test_a_two_year_funding_line_counts_in_each_years_share_by_its_days(world):
    load_packs([PACK_DIR / "d1_hubei_2021.toml"], actor=world.root)  # ≤5% of the previous year's spending
    services.spending_set(actor=world.user_a, region=world.county_a, year=2024, amount=D("4000000.00"))
    pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2025, 12, 31),
                amount=D("200000.00"), funding=[{"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("200000.00")}])
    first = assistance_share(county=world.county_a, year=2024, on_date=datetime.date(2024, 12, 31))
    second = assistance_share(county=world.county_a, year=2025, on_date=datetime.date(2025, 12, 31))
    assert first.purchases == D("100136.80") and second.purchases == D("99863.20")  # 366 and 365 of 731 days
    assert first.purchases + second.purchases == D("200000.00")
    # 2025's cap is 5% of 2024's 4,000,000 = 200,000: the line's 2025 part leaves room for 100,136.80 only.
    with pytest.raises(ValidationError) as caught:
        pb.contract(world.county_a, world.org, starts_on=datetime.date(2025, 1, 1), amount=D("150000.00"),
                    funding=[{"source": FundingSource.SOCIAL_ASSISTANCE, "amount": D("150000.00")}])
    assert "2025 年社会救助资金购买服务合计 249,863.20 元" in caught.value.message_dict["funding_lines"][0]


def test_the_check_rows_take_the_same_queries_for_one_contract_or_many(zhuolu, django_assert_num_queries):
    from projects.selectors.contract_checks import contract_check_rows

    split_contract(zhuolu, "255000.00", "45000.00", "ZL-Q1")
    with django_assert_num_queries(3):
        assert len(contract_check_rows(user=zhuolu.user, year=2024)) == 1
    for n, code in enumerate(("130731101", "130731102", "130731103"), 2):
        zhuolu.station = builders.station(builders.region(code, f"测试{n}镇", "township", zhuolu.county))
        split_contract(zhuolu, "255000.00", "45000.00", f"ZL-Q{n}")
    with django_assert_num_queries(3):
        assert len(contract_check_rows(user=zhuolu.user, year=2024)) == 4
