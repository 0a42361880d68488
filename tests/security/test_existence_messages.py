"""Refusals that would otherwise tell a county about records of another county: a credit code
already registered there, a person registered (and still in post) there."""

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from projects import services as project_services
from projects.models import Organisation
from stations.models import Role
from stations.roles import ensure_role_groups
from tests import builders
from tests.projects import builders as pb
from tests.workforce import builders as wb
from workforce import services as workforce_services

pytestmark = pytest.mark.django_db

HIDDEN_ORG = "无法使用该统一社会信用代码，请联系上级民政部门。"
HIDDEN_PERSON = "无法以该身份证号码登记，请核对或联系上级民政部门。"


@pytest.fixture
def two_counties(hierarchy):
    h = hierarchy
    h.user_a = builders.county_user(h)
    h.user_b = builders.county_user(h, "county_b", h.county_b)
    h.station_a = builders.station(h.a1)
    h.station_b = builders.station(h.b1)
    h.org_a = pb.organisation(h.county_a, actor=h.user_a, name="江岸区本地机构")
    h.org_b = pb.organisation(h.county_b, actor=h.user_b, name="江汉区秘密机构")
    return h


def organisation_form(h, credit_code):
    return {"name": "新机构", "credit_code": credit_code, "region": h.county_a.pk, "is_local": "on"}


def test_credit_code_of_an_organisation_out_of_sight_is_refused_without_saying_where(two_counties, client):
    h = two_counties
    client.force_login(h.user_a)
    page = client.post(reverse("projects:organisation-create"), organisation_form(h, h.org_b.credit_code))
    text = page.content.decode()
    assert page.status_code == 200 and HIDDEN_ORG in text
    assert "已有机构使用" not in text and h.org_b.name not in text
    # an organisation the user can see is named as the clash, as before
    page = client.post(reverse("projects:organisation-create"), organisation_form(h, h.org_a.credit_code))
    assert "已有机构使用该统一社会信用代码" in page.content.decode()


def test_changing_a_credit_code_to_one_out_of_sight_is_refused_the_same_way(two_counties):
    h = two_counties
    with pytest.raises(ValidationError) as refused:
        project_services.organisation_update(actor=h.user_a, organisation=h.org_a, credit_code=h.org_b.credit_code)
    assert refused.value.message_dict == {"credit_code": [HIDDEN_ORG]}


def assignment(h, start_on):
    return {"station": h.station_a, "role": "resident", "start_on": start_on, "end_on": None, "employer": None}


def test_taking_over_a_person_out_of_sight_refuses_with_one_message_for_every_reason(two_counties):
    h = two_counties
    busy = wb.person(station=h.station_b, actor=h.user_b, name="江汉在岗", start_on=datetime.date(2024, 1, 1))
    refusals = []
    for data in ({"name": "随便猜的名字", "id_number": busy.id_number},       # wrong name
                 {"name": busy.name, "id_number": busy.id_number}):          # right name, still in post there
        with pytest.raises(ValidationError) as refused:
            workforce_services.person_create(actor=h.user_a, assignment=assignment(h, datetime.date(2025, 1, 1)),
                                             **data)
        refusals.append(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:  # no assignment
        workforce_services.person_create(actor=h.user_a, name=busy.name, id_number=busy.id_number)
    refusals.append(refused.value.message_dict)
    assert refusals == [{"id_number": [HIDDEN_PERSON]}] * 3


def test_person_screen_does_not_reveal_a_person_out_of_sight(two_counties, client):
    h = two_counties
    busy = wb.person(station=h.station_b, actor=h.user_b, name="江汉在岗", start_on=datetime.date(2024, 1, 1))
    client.force_login(h.user_a)
    page = client.post(reverse("workforce:person-create"), {
        "name": "猜一个", "id_number": busy.id_number, "station": h.station_a.pk, "role": "resident",
        "start_on": "2025-01-01"})
    text = page.content.decode()
    assert HIDDEN_PERSON in text and "姓名与登记的不一致" not in text and busy.name not in text


def test_a_person_within_sight_still_gets_the_specific_message(two_counties):
    h = two_counties
    mine = wb.person(station=h.station_a, actor=h.user_a, name="江岸在岗", start_on=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as refused:
        workforce_services.person_create(actor=h.user_a, assignment=assignment(h, datetime.date(2025, 1, 1)),
                                         name="别的名字", id_number=mine.id_number)
    assert "姓名与登记的不一致" in str(refused.value)


def test_organisation_import_refuses_a_credit_code_out_of_sight_without_saying_where(two_counties, client,
                                                                                    settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = two_counties
    book = Workbook()
    book.active.append(["统一社会信用代码", "机构名称", "登记地区划代码", "本地机构", "评估等级", "评级年度", "建有党组织",
                        "联系人", "联系电话"])
    book.active.append([h.org_b.credit_code, "换个名字", h.county_a.code, "是", "", "", "否", "", ""])
    buffer = BytesIO()
    book.save(buffer)
    client.force_login(h.user_a)
    page = client.post(reverse("projects:organisation-import"),
                       {"file": SimpleUploadedFile("机构.xlsx", buffer.getvalue())})
    text = page.content.decode()
    assert HIDDEN_ORG in text and "已有机构使用" not in text and h.org_b.name not in text
    assert not page.context["token"]  # nothing to confirm
    assert Organisation.objects.get(pk=h.org_b.pk).name == "江汉区秘密机构"


def test_admin_organisation_form_refuses_a_credit_code_out_of_sight_without_saying_where(two_counties, client):
    h = two_counties
    gansu = builders.user("gansu", Role.PROVINCE, h.other_province, is_staff=True)
    gansu.groups.set([ensure_role_groups()[Role.PROVINCE]])
    client.force_login(builders.superuser())
    data = {"name": "甘肃新机构", "credit_code": h.org_b.credit_code, "region": h.gansu_county.pk, "is_local": "on",
            "contact_name": "", "contact_phone": "", "rating": "", "rating_year": ""}
    text = client.post(reverse("admin:projects_organisation_add"), data).content.decode()
    assert "已有机构使用该统一社会信用代码" in text  # a superuser sees every organisation: told plainly
    client.force_login(gansu)
    page = client.post(reverse("admin:projects_organisation_add"), data)
    text = page.content.decode()
    assert page.status_code == 200 and HIDDEN_ORG in text
    assert "已有机构使用" not in text and h.org_b.name not in text
