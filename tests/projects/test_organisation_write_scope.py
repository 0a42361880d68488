"""Who may change an organisation is decided by where it is registered, not by who may see it.

County A registers 江岸区阳光社工服务中心; county B contracts it too.
B reads it, and its contract shows it, but only A (and, in the admin, Hubei's province) renames or
deletes it: on the page, by a direct POST, through the Excel import and in the service.
"""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.audit import save_audited
from projects import services
from projects.models import Organisation
from stations.models import Role
from stations.roles import ensure_role_groups
from tests import builders
from tests.admin_forms import form_data
from tests.projects import builders as pb

pytestmark = pytest.mark.django_db

NOT_YOURS = "该机构由其登记地民政部门维护，您可以查看和选用，但不能修改或删除。"
ELSEWHERE = "外地机构须由其登记地民政部门登记"
NOT_FOUND = "未找到与该统一社会信用代码和名称相符的已登记机构；外地机构须由其登记地民政部门登记。"
ORG_HEADERS = ["统一社会信用代码", "机构名称", "登记地区划代码", "本地机构", "评估等级", "评级年度", "建有党组织", "联系人",
               "联系电话"]


@pytest.fixture
def shared(world):
    """A's organisation (江岸区阳光社工服务中心), contracted by both counties: B sees it through its contract."""
    world.contract_a = pb.contract(world.county_a, world.org, stations=[world.station_a1], number="JA-2024")
    world.contract_b = pb.contract(world.county_b, world.org, stations=[world.station_b1], number="JH-2024")
    return world


def name_of(org):
    return Organisation.objects.get(pk=org.pk).name


def xlsx(*rows):
    book = Workbook()
    book.active.append(ORG_HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("机构.xlsx", buffer.getvalue())


def org_row(org, name, region_code="420102"):
    return [org.credit_code if hasattr(org, "credit_code") else org, name, region_code, "是", "", "", "否", "", ""]


def edit_form(org, **changes):
    return {"name": org.name, "credit_code": org.credit_code, "region": org.region_id, "is_local": "on",
            "rating": "", "rating_year": "", "contact_name": "", "contact_phone": "", **changes}


def test_the_county_that_contracts_an_organisation_reads_it_but_cannot_rename_or_delete_it(client, shared):
    h = shared
    client.force_login(h.user_b)
    detail = client.get(reverse("projects:organisation-detail", args=[h.org.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200 and h.org.name in html and "JH-2024" in html
    assert reverse("projects:organisation-update", args=[h.org.pk]) not in html
    assert reverse("projects:organisation-delete", args=[h.org.pk]) not in html
    assert NOT_YOURS in html
    assert client.get(reverse("projects:organisation-update", args=[h.org.pk])).status_code == 403
    renamed = client.post(reverse("projects:organisation-update", args=[h.org.pk]), edit_form(h.org, name="江汉改名"))
    assert renamed.status_code == 403
    assert client.post(reverse("projects:organisation-delete", args=[h.org.pk])).status_code == 403
    assert name_of(h.org) == "江岸区阳光社工服务中心"
    # B's own contract still shows A's organisation, under A's name
    page = client.get(reverse("projects:contract-detail", args=[h.contract_b.pk])).content.decode()
    assert "江岸区阳光社工服务中心" in page and "江汉改名" not in page


def test_the_registering_county_still_renames_it_and_both_contracts_show_the_new_name(client, shared):
    h = shared
    client.force_login(h.user_a)
    html = client.get(reverse("projects:organisation-detail", args=[h.org.pk])).content.decode()
    assert reverse("projects:organisation-update", args=[h.org.pk]) in html and NOT_YOURS not in html
    response = client.post(reverse("projects:organisation-update", args=[h.org.pk]), edit_form(h.org, name="江岸新名"))
    assert response.status_code == 302 and name_of(h.org) == "江岸新名"
    client.force_login(h.user_b)
    assert "江岸新名" in client.get(reverse("projects:contract-detail", args=[h.contract_b.pk])).content.decode()
    # ...and B still may not, through the service
    with pytest.raises(PermissionDenied) as refused:
        services.organisation_update(actor=h.user_b, organisation=Organisation.objects.get(pk=h.org.pk),
                                     name="江汉改名")
    assert str(refused.value) == NOT_YOURS
    with pytest.raises(PermissionDenied):
        services.organisation_delete(actor=h.user_b, organisation=Organisation.objects.get(pk=h.org.pk))
    assert name_of(h.org) == "江岸新名"


def test_an_organisation_entered_by_a_county_before_is_still_read_there_but_not_changed(client, world):
    h = world
    # Recorded before this rule: B entered an organisation registered in A (added_in = B).
    legacy = pb.organisation(h.county_a, name="江岸区旧录入机构")
    legacy.added_in = h.county_b
    save_audited(legacy, actor=h.root)
    client.force_login(h.user_b)
    assert "江岸区旧录入机构" in client.get(reverse("projects:organisation-list")).content.decode()
    assert client.post(reverse("projects:organisation-update", args=[legacy.pk]),
                       edit_form(legacy, name="改名")).status_code == 403
    assert client.post(reverse("projects:organisation-delete", args=[legacy.pk])).status_code == 403
    assert Organisation.objects.get(pk=legacy.pk).name == "江岸区旧录入机构"


def test_the_import_refuses_rows_changing_an_organisation_registered_elsewhere(client, shared, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = shared
    client.force_login(h.user_b)
    preview = client.post(reverse("projects:organisation-import"), {"file": xlsx(org_row(h.org, "江汉改名"))})
    assert NOT_YOURS in preview.content.decode() and not preview.context["token"]
    assert name_of(h.org) == "江岸区阳光社工服务中心"
    client.force_login(h.user_a)
    preview = client.post(reverse("projects:organisation-import"), {"file": xlsx(org_row(h.org, "江岸导入改名"))})
    assert preview.context["token"]
    client.post(reverse("projects:organisation-import"), {"token": preview.context["token"]})
    assert name_of(h.org) == "江岸导入改名"


def test_a_county_cannot_register_an_organisation_placed_in_another_county(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = world
    code = pb.credit_code("52420102MJ0000555")
    client.force_login(h.user_b)
    page = client.post(reverse("projects:organisation-create"), {
        "name": "江汉代登江岸机构", "credit_code": code, "region": h.county_a.pk, "is_local": "on"})
    assert page.status_code == 200 and ELSEWHERE in page.content.decode()
    preview = client.post(reverse("projects:organisation-import"), {"file": xlsx(org_row(code, "江汉代登江岸机构"))})
    assert ELSEWHERE in preview.content.decode() and not preview.context["token"]
    with pytest.raises(ValidationError) as refused:
        services.organisation_create(actor=h.user_b, name="江汉代登江岸机构", credit_code=code, region=h.county_a)
    assert ELSEWHERE in refused.value.message_dict["region"][0]
    assert not Organisation.objects.filter(credit_code=code).exists()
    # its own county is fine
    services.organisation_create(actor=h.user_b, name="江汉本地机构", credit_code=code, region=h.county_b)


def province_official(username, region):
    user = builders.user(username, Role.PROVINCE, region, is_staff=True)
    user.groups.add(ensure_role_groups()[Role.PROVINCE])
    return user


def test_the_province_admin_changes_only_organisations_registered_in_the_province(client, world):
    h = world
    gansu_org = pb.organisation(h.gansu_county, name="兰州城关社工")
    pb.contract(h.county_a, gansu_org, stations=[h.station_a1], number="JA-GS-2024")
    client.force_login(province_official("hubei", h.province))
    # Hubei's own: changed in the admin
    url = reverse("admin:projects_organisation_change", args=[h.org.pk])
    response = client.post(url, form_data(client.get(url)) | {"name": "湖北省厅更正的名称"})
    assert response.status_code == 302 and name_of(h.org) == "湖北省厅更正的名称"
    # Gansu's, contracted in Hubei: shown (read only), not changed
    url = reverse("admin:projects_organisation_change", args=[gansu_org.pk])
    page = client.get(url)
    assert page.status_code == 200 and "兰州城关社工" in page.content.decode()
    assert not page.context["has_change_permission"]
    data = {"name": "湖北改甘肃的机构", "credit_code": gansu_org.credit_code, "region": h.gansu_county.pk,
            "is_local": "on", "_edit_token": "h0"}
    assert client.post(url, data).status_code == 403
    assert name_of(gansu_org) == "兰州城关社工"
    # Gansu's province changes it
    client.force_login(province_official("gansu", h.other_province))
    response = client.post(url, form_data(client.get(url)) | {"name": "甘肃更正的名称"})
    assert response.status_code == 302 and name_of(gansu_org) == "甘肃更正的名称"


def test_a_county_adds_an_organisation_registered_elsewhere_by_its_credit_code_and_exact_name(client, world):
    h = world
    wuhan_org = pb.organisation(h.city, name="武汉市同心社会工作服务中心")
    client.force_login(h.user_a)
    assert "添加外地机构" in client.get(reverse("projects:organisation-list")).content.decode()
    url = reverse("projects:organisation-add-known")
    wrong_name = client.post(url, {"credit_code": wuhan_org.credit_code, "name": "武汉市同心社工"})
    unknown_code = client.post(url, {"credit_code": pb.credit_code("52420100MJ0777777"), "name": wuhan_org.name})
    for refused in (wrong_name, unknown_code):
        assert refused.status_code == 200
        assert refused.context["form"].non_field_errors() == [NOT_FOUND]
    assert "武汉市同心社会工作服务中心" not in wrong_name.content.decode()  # the registered name is not given away
    assert not Organisation.objects.visible_to(h.user_a).filter(pk=wuhan_org.pk).exists()
    with pytest.raises(ValidationError) as refused:
        pb.contract(h.county_a, wuhan_org, actor=h.user_a, number="JA-WH-2024")
    assert "添加外地机构" in refused.value.message_dict["contractor"][0]
    contract_form = reverse("projects:contract-create")
    added = client.post(url, {"credit_code": wuhan_org.credit_code.lower(), "name": wuhan_org.name,
                              "next": contract_form})
    assert added.status_code == 302 and added["Location"] == contract_form
    offered = client.get(contract_form).context["form"].fields["contractor"].queryset
    assert wuhan_org in offered
    pb.contract(h.county_a, wuhan_org, stations=[h.station_a1], actor=h.user_a, number="JA-WH-2024")
    assert "武汉市同心社会工作服务中心" in client.get(reverse("projects:organisation-list")).content.decode()
    # seen, not kept: county A may not change it, and county B has not gained it
    assert client.get(reverse("projects:organisation-update", args=[wuhan_org.pk])).status_code == 403
    assert not Organisation.objects.visible_to(h.user_b).filter(pk=wuhan_org.pk).exists()
    assert wuhan_org.known_in.get().history.get().history_user == h.user_a
