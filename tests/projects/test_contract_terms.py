"""A contract's term, its renewal cycle and its renewal condition, as the purchaser's documents set
them: Zhuolu's (3-year cycle, signed yearly, renewal after a pass) and Yuanzhou's (2-year cycle),
from their packs; where no document speaks (the test hierarchy's 江岸区), today's behaviour."""

import datetime
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import services
from projects.models import Contract
from stations.models import RegionLevel, Role
from stations.packs import PACK_DIR, load_packs
from tests import builders
from tests.projects import builders as pb
from tests.stations.pack_builders import create_regions

pytestmark = pytest.mark.django_db
ZHUOLU_CYCLE = "「原则上以3年为一个周期,周期内一年一签」"
ZHUOLU_RENEWAL = "（年度绩效评估合格及以上续签，不合格不予续签）"


def county_with_pack(world, prefixes, county_code, township, pack, county=()):
    """The pack's regions (``create_regions``), below them the ``county`` chain where the pack names
    none, a township with a station, an organisation and the county's staff; the pack loaded."""
    county_region = create_regions(prefixes)[county_code]
    for code, name, level in county:
        county_region = builders.region(code, name, level, county_region)
    county = county_region
    town = builders.region(township[0], township[1], RegionLevel.TOWNSHIP, county)
    load_packs([PACK_DIR / pack], actor=world.root)
    return SimpleNamespace(county=county, station=builders.station(town), org=pb.organisation(county),
                           user=builders.user(f"staff_{county.code[:6]}", Role.COUNTY, county))


@pytest.fixture
def zhuolu(world):
    return county_with_pack(world, ["13", "1307", "130731"], "130731", ("130731100", "涿鹿镇"),
                            "d7_hebei_zhuolu.toml")


def yearly(place, year, previous=None, **extra):
    return pb.contract(place.county, place.org, stations=[place.station], starts_on=datetime.date(year, 1, 1),
                       previous=previous, number=f"ZL-{year}", **extra)


def passed_annual(contract, year, passed=True, kind="annual"):
    services.contract_record_evaluation(
        actor=builders.superuser(), contract=contract, kind=kind, kind_label="年度评估" if kind == "annual" else "终期评估",
        evaluated_on=datetime.date(year, 12, 20), score=D("85.00") if passed else D("52.00"),
        grade="合格" if passed else "不合格", passed=passed, reference=f"test:{contract.number}:{kind}")


def test_a_three_year_contract_is_refused_where_the_document_signs_one_year_at_a_time(zhuolu, world):
    with pytest.raises(ValidationError) as caught:
        pb.contract(zhuolu.county, zhuolu.org, starts_on=datetime.date(2024, 1, 1),
                    ends_on=datetime.date(2026, 12, 31))
    message = caught.value.message_dict["ends_on"][0]
    assert "共 36 个月，超过 涿鹿县 规定的单份合同期限 12 个月" in message and ZHUOLU_CYCLE in message
    assert not Contract.objects.filter(purchaser=zhuolu.county).exists()
    assert yearly(zhuolu, 2024).pk  # 1 January to 31 December: twelve months
    # Where no document sets a term, a three-year contract is accepted as before.
    assert pb.contract(world.county_a, world.org, starts_on=datetime.date(2024, 1, 1),
                       ends_on=datetime.date(2026, 12, 31)).pk


def test_a_renewal_with_no_evaluation_is_refused_with_the_reason(zhuolu):
    first = yearly(zhuolu, 2024)
    with pytest.raises(ValidationError) as caught:
        yearly(zhuolu, 2025, previous=first)
    message = caught.value.message_dict["previous"][0]
    assert "上一期合同 ZL-2024 尚无合格的年度或终期评估结果" in message and ZHUOLU_RENEWAL in message
    passed_annual(first, 2024)
    assert yearly(zhuolu, 2025, previous=first).previous == first


def test_a_failed_final_evaluation_refuses_the_renewal_even_after_a_passed_annual(zhuolu):
    first = yearly(zhuolu, 2024)
    passed_annual(first, 2024)
    passed_annual(first, 2024, passed=False, kind="final")
    with pytest.raises(ValidationError) as caught:
        yearly(zhuolu, 2025, previous=first)
    assert "上一期合同 ZL-2024 终期评估不合格（不合格，2024-12-20）" in caught.value.message_dict["previous"][0]


def test_where_no_document_sets_a_renewal_condition_only_a_failed_annual_blocks_renewal(world):
    station = builders.station(world.a3)
    first = pb.contract(world.county_a, world.org, stations=[station], starts_on=datetime.date(2024, 1, 1))
    renewal = pb.contract(world.county_a, world.org, stations=[station], starts_on=datetime.date(2025, 1, 1),
                          previous=first)
    assert renewal.previous == first  # no evaluation needed
    services.contract_mark_not_renewable(actor=world.root, contract=renewal, reason="2025年度评估不合格")
    with pytest.raises(ValidationError):
        pb.contract(world.county_a, world.org, stations=[station], starts_on=datetime.date(2026, 1, 1),
                    previous=renewal)


def test_a_chain_longer_than_the_cycle_is_refused_and_the_last_contract_says_reprocure(zhuolu, client):
    chain = []
    for year in (2024, 2025, 2026):
        chain.append(yearly(zhuolu, year, previous=chain[-1] if chain else None))
        passed_annual(chain[-1], year)
    with pytest.raises(ValidationError) as caught:
        yearly(zhuolu, 2027, previous=chain[-1])
    message = caught.value.message_dict["previous"][0]
    assert "续签链自合同 ZL-2024（2024-01-01 开始）至 2027-12-31，超过 涿鹿县 规定的 3 年服务周期" in message
    assert "周期至 2026-12-31" in message and ZHUOLU_CYCLE in message
    client.force_login(zhuolu.user)
    last = client.get(reverse("projects:contract-detail", args=[chain[-1].pk])).content.decode()
    assert "服务周期于 2026年12月31日 届满，届满后不再续签，须重新采购。" in last and "本合同为周期内第 3 份" in last
    assert ZHUOLU_CYCLE in last and "续签下一期" not in last
    middle = client.get(reverse("projects:contract-detail", args=[chain[1].pk])).content.decode()
    assert "重新采购" not in middle and "本合同为周期内第 2 份" in middle


def test_a_two_year_cycle_takes_two_yearly_contracts(world):
    yuanzhou = county_with_pack(world, ["64", "6404", "640402"], "640402", ("640402100", "三营镇"),
                                "d4_ningxia_yuanzhou.toml")
    first = yearly(yuanzhou, 2024)
    passed_annual(first, 2024)
    second = yearly(yuanzhou, 2025, previous=first)
    passed_annual(second, 2025)
    with pytest.raises(ValidationError) as caught:
        yearly(yuanzhou, 2026, previous=second)
    message = caught.value.message_dict["previous"][0]
    assert "超过 原州区 规定的 2 年服务周期" in message and "「项目服务周期设置为2年」" in message


def test_the_contract_page_says_where_no_document_sets_a_term_or_cycle(world, client):
    contract = pb.contract(world.county_a, world.org)
    client.force_login(world.user_a)
    html = client.get(reverse("projects:contract-detail", args=[contract.pk])).content.decode()
    assert "项目服务周期：本地政策未规定" in html and "续签条件：本地政策未规定" in html
    assert "重新采购" not in html
