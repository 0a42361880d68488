"""Excel import (preview, row errors, atomic, scoped) and export of organisations and contracts."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from projects.models import Contract, Organisation
from projects.resources import ContractResource
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db
ORG_URL = reverse("projects:organisation-import")
CONTRACT_URL = reverse("projects:contract-import")
CONTRACT_HEADERS = [f.column_name for f in ContractResource(user=None).get_import_fields()]


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("导入.xlsx", buffer.getvalue())


def contract_row(world, **values):
    row = {"合同编号": "JA-IMP-01", "项目名称": "江岸区导入项目", "购买方区划代码": "420102",
           "承接机构信用代码": world.org.credit_code, "承接机构名称": "", "覆盖站点（乡镇代码）": "420102002、420102003",
           "中标通知日期": "2024-12-01", "签订日期": "2024年12月15日", "服务开始日期": datetime.date(2025, 1, 1),
           "服务结束日期": "2025/12/31", "合同金额（元）": "200000.00", "社会救助资金（元）": 50000,
           "福彩公益金（元）": "", "一般公共预算（元）": "150000.00", "慈善资金（元）": "", "其他资金（元）": "",
           "市级补助资金（元）": "", "人员费用（元）": "", "运营费用（元）": "", "其他费用（元）": "",
           "驻站社工月工资（元/人）": "", "每站驻站社工人数": 2, "续签自合同编号": "", "备案日期": "", "备案编号": "",
           "备案截止日期": "", "备案截止日期说明": ""}
    row.update(values)
    return [row[h] for h in CONTRACT_HEADERS]


@pytest.fixture
def county_client(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.user_a)
    return client


def test_contract_import_previews_then_writes_through_the_services_and_reimport_updates(county_client, world):
    pb.document(world.province, {"payment.installments": [
        {"percent": 50, "trigger": "effective"}, {"percent": 30, "trigger": "midterm_passed"},
        {"percent": 20, "trigger": "final_passed"}]})
    upload = xlsx([CONTRACT_HEADERS, contract_row(world)])
    preview = county_client.post(CONTRACT_URL, {"file": upload})
    assert "新增 <strong>1</strong>" in preview.content.decode()
    assert not Contract.objects.exists()  # the preview wrote nothing
    assert county_client.post(CONTRACT_URL, {"token": preview.context["token"]}).status_code == 302
    contract = Contract.objects.get(number="JA-IMP-01")
    assert set(contract.stations.all()) == {world.station_a1, world.station_a2}
    # no schedule column: the region's split, from its document
    assert [i.amount for i in contract.installments.all()] == [Decimal("100000.00"), Decimal("60000.00"),
                                                               Decimal("40000.00")]
    assert contract.history.first().history_user == world.user_a

    again = county_client.post(CONTRACT_URL, {"file": xlsx([CONTRACT_HEADERS, contract_row(world)])})
    assert "未变 <strong>1</strong>" in again.content.decode()
    changed = county_client.post(CONTRACT_URL, {"file": xlsx([CONTRACT_HEADERS, contract_row(
        world, **{"项目名称": "改名", "社会救助资金（元）": "60000", "一般公共预算（元）": "140000"})])})
    county_client.post(CONTRACT_URL, {"token": changed.context["token"]})
    contract.refresh_from_db()
    assert contract.title == "改名" and Contract.objects.count() == 1
    assert contract.funding_lines.get(source="social_assistance").amount == Decimal("60000.00")


def test_one_bad_contract_row_writes_nothing_and_names_row_and_problem(county_client, world):
    rows = [CONTRACT_HEADERS, contract_row(world),
            contract_row(world, **{"合同编号": "JA-IMP-02", "服务开始日期": "2026-01-01", "服务结束日期": "2026-12-31",
                                   "一般公共预算（元）": "149999.99"}),
            contract_row(world, **{"合同编号": "JA-IMP-03", "覆盖站点（乡镇代码）": "420103001",
                                   "服务开始日期": "2027-01-01", "服务结束日期": "2027-12-31"}),
            contract_row(world, **{"合同编号": "JA-IMP-04", "购买方区划代码": "420103"})]
    preview = county_client.post(CONTRACT_URL, {"file": xlsx(rows)})
    page = preview.content.decode()
    assert preview.context["token"] is None
    assert "第 3 行" in page and "与合同金额 200,000.00 元不一致" in page
    assert "第 4 行" in page and "找不到乡镇代码“420103001”的社工站" in page
    assert "第 5 行" in page and "找不到购买方区划“420103000000”，或不在您的管辖范围内" in page
    assert not Contract.objects.exists()


def test_overlapping_contract_row_is_refused_naming_the_other(county_client, world):
    pb.contract(world.county_a, world.org, stations=[world.station_a1], number="JA-2025-OLD",
                starts_on=datetime.date(2025, 1, 1))
    preview = county_client.post(CONTRACT_URL, {"file": xlsx([CONTRACT_HEADERS, contract_row(world)])})
    assert "JA-2025-OLD" in preview.content.decode()


def test_another_countys_contract_cannot_be_overwritten_by_number(county_client, world):
    org_b = pb.organisation(world.county_b)
    pb.contract(world.county_b, org_b, number="JA-IMP-01")
    preview = county_client.post(CONTRACT_URL, {"file": xlsx([CONTRACT_HEADERS, contract_row(world)])})
    assert "已有合同使用该合同编号" in preview.content.decode()
    assert preview.context["token"] is None


def test_organisation_import_validates_credit_codes_and_is_scoped(county_client, world):
    headers = ["统一社会信用代码", "机构名称", "登记地区划代码", "本地机构", "评估等级", "评级年度", "建有党组织", "联系人", "联系电话"]
    good = pb.credit_code("52420102MJ0000777")
    rows = [headers, [good, "江岸区新家园社工", "420102", "是", "3A", 2024, "否", "李", "027-1"],
            [good[:-1] + ("1" if good[-1] != "1" else "2"), "坏代码机构", "420102", "是", "", "", "", "", ""]]
    preview = county_client.post(ORG_URL, {"file": xlsx(rows)})
    assert "第 3 行" in preview.content.decode() and "校验位不正确" in preview.content.decode()
    preview = county_client.post(ORG_URL, {"file": xlsx(rows[:2])})
    county_client.post(ORG_URL, {"token": preview.context["token"]})
    organisation = Organisation.objects.get(credit_code=good)
    assert organisation.rating == "3A" and organisation.history.get().history_user == world.user_a
    assert organisation in Organisation.objects.visible_to(world.user_a)


def test_exports_are_scoped_and_reimportable(client, world):
    pb.contract(world.county_a, world.org, stations=[world.station_a1], number="JA-EXP", funding=[
        {"source": "social_assistance", "amount": Decimal("100000.00")},
        {"source": "general_budget", "amount": Decimal("200000.00")}])
    org_b = pb.organisation(world.county_b, name="江汉区同心社工")
    pb.contract(world.county_b, org_b, number="JH-EXP")
    client.force_login(world.user_a)
    sheet = load_workbook(BytesIO(client.get(reverse("projects:contract-export")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == CONTRACT_HEADERS
    assert [r[0] for r in rows[1:]] == ["JA-EXP"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["社会救助资金（元）"] == 100000 and row["覆盖站点（乡镇代码）"] == "420102002"
    orgs = load_workbook(BytesIO(client.get(reverse("projects:organisation-export")).content)).active
    names = [r[1] for r in orgs.iter_rows(min_row=2, values_only=True)]
    assert names == [world.org.name]


def test_city_officials_may_not_import(client, world):
    client.force_login(world.city_user)
    assert client.get(CONTRACT_URL).status_code == 403
