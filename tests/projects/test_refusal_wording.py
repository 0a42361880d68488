"""A refusal says the same whether the record it clashes with is in the user's sight or not, so
that it never tells a county that a record of another county exists.

Credit codes: the organisation form, the admin form and the organisation import. Contract numbers:
the contract form and the contract import.
"""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from projects.resources import ContractResource
from stations.models import Role
from stations.roles import ensure_role_groups
from tests import builders
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db

CREDIT_CODE_TAKEN = "该统一社会信用代码已被登记，不能重复使用。"
NUMBER_TAKEN = "已有合同使用该合同编号。"
CONTRACT_HEADERS = [f.column_name for f in ContractResource(user=None).get_import_fields()]


@pytest.fixture
def two(world, settings, tmp_path):
    """County A's organisation and contract (in A's sight) and county B's (out of A's sight)."""
    settings.MEDIA_ROOT = tmp_path
    world.contract_a = pb.contract(world.county_a, world.org, stations=[world.station_a1], number="JA-2024")
    world.org_b = pb.organisation(world.county_b, actor=world.user_b, name="江汉区秘密机构")
    world.contract_b = pb.contract(world.county_b, world.org_b, stations=[world.station_b1], number="JH-2024",
                                   actor=world.user_b)
    return world


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("导入.xlsx", buffer.getvalue())


def organisation_form_errors(client, h, credit_code):
    page = client.post(reverse("projects:organisation-create"), {
        "name": "新机构", "credit_code": credit_code, "region": h.county_a.pk, "is_local": "on"})
    assert page.status_code == 200
    return page.context["form"].errors.get("credit_code"), page.content.decode()


def test_organisation_form_words_a_taken_credit_code_alike_in_sight_or_not(client, two):
    h = two
    client.force_login(h.user_a)
    in_sight, _html = organisation_form_errors(client, h, h.org.credit_code)
    out_of_sight, html = organisation_form_errors(client, h, h.org_b.credit_code)
    assert in_sight == out_of_sight == [CREDIT_CODE_TAKEN]
    assert h.org_b.name not in html and "江汉区" not in html


def admin_errors(client, h, credit_code):
    page = client.post(reverse("admin:projects_organisation_add"), {
        "name": "湖北新机构", "credit_code": credit_code, "region": h.county_a.pk, "is_local": "on",
        "contact_name": "", "contact_phone": "", "rating": "", "rating_year": ""})
    assert page.status_code == 200
    form = page.context["adminform"].form
    return form.non_field_errors() + form.errors.get("credit_code", []), page.content.decode()


def test_admin_form_words_a_taken_credit_code_alike_in_sight_or_not(client, two):
    h = two
    hubei = builders.user("hubei", Role.PROVINCE, h.province, is_staff=True)
    hubei.groups.add(ensure_role_groups()[Role.PROVINCE])
    gansu_org = pb.organisation(h.gansu_county, name="兰州城关秘密机构")  # out of Hubei's sight
    client.force_login(hubei)
    in_sight, _html = admin_errors(client, h, h.org_b.credit_code)
    out_of_sight, html = admin_errors(client, h, gansu_org.credit_code)
    assert in_sight == out_of_sight == [CREDIT_CODE_TAKEN]
    assert "兰州城关秘密机构" not in html and "甘肃" not in html


def test_organisation_import_words_a_taken_credit_code_as_the_form_does(client, two):
    h = two
    client.force_login(h.user_a)
    in_sight, _html = organisation_form_errors(client, h, h.org.credit_code)
    headers = ["统一社会信用代码", "机构名称", "登记地区划代码", "本地机构", "评估等级", "评级年度", "建有党组织", "联系人",
               "联系电话"]
    preview = client.post(reverse("projects:organisation-import"), {"file": xlsx([
        headers, [h.org_b.credit_code, "换个名字", "420102", "是", "", "", "否", "", ""]])})
    report = preview.context["report"]
    assert [row.errors for row in report.error_rows] == [[f"统一社会信用代码：{in_sight[0]}"]]
    assert in_sight == [CREDIT_CODE_TAKEN]
    assert h.org_b.name not in preview.content.decode()


def contract_form(h, number):
    return {"number": number, "title": "江岸新项目", "purchaser": h.county_a.pk, "contractor": h.org.pk,
            "stations": [h.station_a2.pk], "signed_on": "2025-12-20", "starts_on": "2026-01-01",
            "ends_on": "2026-12-31", "amount": "100000.00", "social_workers_per_station": "2",
            "funding-TOTAL_FORMS": "1", "funding-INITIAL_FORMS": "0", "funding-0-source": "general_budget",
            "funding-0-amount": "100000.00", "installments-TOTAL_FORMS": "3", "installments-INITIAL_FORMS": "0",
            "installments-0-trigger": "effective", "installments-0-percentage": "50",
            "installments-1-trigger": "midterm_passed", "installments-1-percentage": "30",
            "installments-2-trigger": "final_passed", "installments-2-percentage": "20"}


def test_contract_numbers_are_refused_alike_in_sight_or_not_on_the_form_and_in_the_import(client, two):
    h = two
    client.force_login(h.user_a)
    url = reverse("projects:contract-create")
    own = client.post(url, contract_form(h, "JA-2024")).context["form"].errors.get("number")
    other_page = client.post(url, contract_form(h, "JH-2024"))
    other = other_page.context["form"].errors.get("number")
    assert own == other == [NUMBER_TAKEN]
    assert "江汉" not in other_page.content.decode()
    row = {"合同编号": "JH-2024", "项目名称": "江岸导入项目", "购买方区划代码": "420102",
           "承接机构信用代码": h.org.credit_code, "承接机构名称": "", "覆盖站点（乡镇代码）": "420102003",
           "中标通知日期": "", "签订日期": "2025-12-20", "服务开始日期": datetime.date(2026, 1, 1),
           "服务结束日期": "2026-12-31", "合同金额（元）": "100000.00", "社会救助资金（元）": "", "福彩公益金（元）": "",
           "一般公共预算（元）": "100000.00", "慈善资金（元）": "", "其他资金（元）": "", "每站驻站社工人数": 2,
           "市级补助资金（元）": "", "人员费用（元）": "", "运营费用（元）": "", "其他费用（元）": "",
           "驻站社工月工资（元/人）": "", "续签自合同编号": "", "备案日期": "", "备案编号": "",
           "备案截止日期": "", "备案截止日期说明": ""}
    preview = client.post(reverse("projects:contract-import"),
                          {"file": xlsx([CONTRACT_HEADERS, [row[column] for column in CONTRACT_HEADERS]])})
    assert [row.errors for row in preview.context["report"].error_rows] == [[f"合同编号：{NUMBER_TAKEN}"]]
    assert "江汉" not in preview.content.decode()
