"""The admin keeps data too: a change form opened before someone else saved is refused (not
saved over), records with dependants are not deleted, and audit records are read-only."""

import datetime

import pytest
from django.urls import reverse

from projects.models import Contract
from stations.models import Region, Station
from tests import builders
from tests.admin_forms import form_data
from tests.projects import builders as pb
from tests.stations import report_builders as rb
from tests.workforce import builders as wb

pytestmark = pytest.mark.django_db
STALE = "该记录在您打开后已被他人修改，本次保存未生效"


@pytest.fixture
def world(hierarchy, client):
    h = hierarchy
    h.root = builders.superuser()
    h.station = builders.station(h.a1)
    h.org = pb.organisation(h.county_a, name="江岸区阳光社工服务中心")
    h.contract = pb.contract(h.county_a, h.org, stations=[h.station], number="JA-2024")
    client.force_login(h.root)
    h.client = client
    return h


def test_a_stale_contract_form_is_refused_and_the_first_save_kept(world):
    url = reverse("admin:projects_contract_change", args=[world.contract.pk])
    first, second = form_data(world.client.get(url)), form_data(world.client.get(url))
    assert first["_edit_token"].startswith("h")
    response = world.client.post(url, {**first, "title": "第一人改的标题"})
    assert response.status_code == 302
    response = world.client.post(url, {**second, "title": "第二人改的标题"})
    assert response.status_code == 200 and STALE in response.content.decode()
    assert Contract.objects.get(pk=world.contract.pk).title == "第一人改的标题"
    # Reopened, the form carries the new token and saves.
    response = world.client.post(url, {**form_data(world.client.get(url)), "title": "第二人重新修改"})
    assert response.status_code == 302
    assert Contract.objects.get(pk=world.contract.pk).title == "第二人重新修改"


def test_a_stale_person_form_is_refused(world):
    person = wb.person(station=world.station, name="安娜")
    url = reverse("admin:workforce_person_change", args=[person.pk])
    stale = form_data(world.client.get(url))
    assert world.client.post(url, {**form_data(world.client.get(url)), "phone": "13900000001"}).status_code == 302
    response = world.client.post(url, {**stale, "phone": "13900000002"})
    assert STALE in response.content.decode()
    assert type(person).objects.get(pk=person.pk).phone == "13900000001"


@pytest.mark.parametrize("target", ["region", "station", "organisation", "contract", "person"])
def test_deleting_a_record_with_dependants_is_refused_in_chinese(world, target):
    head = rb.head(world.station, "head_a1")
    rb.report(world.station, head, datetime.date(2026, 10, 1))
    person = wb.person(station=world.station, name="安娜")
    obj = {"region": world.a1, "station": world.station, "organisation": world.org, "contract": world.contract,
           "person": person}[target]
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])
    response = world.client.post(url, {"post": "yes"})
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert "无法删除" in response.content.decode() or "受保护" in response.content.decode()
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert Region.objects.filter(pk=world.a1.pk).exists() and Station.objects.filter(pk=world.station.pk).exists()


def test_history_records_are_not_editable_in_the_admin(world):
    from django.contrib import admin

    registered = [model for model in admin.site._registry if model.__name__.startswith("Historical")]
    assert registered == []
    record = world.contract.history.last()
    before = world.contract.history.count()
    url = reverse("admin:projects_contract_simple_history", args=[world.contract.pk, record.history_id])
    world.client.post(url, {"title": "回退"})  # reverting is disabled: nothing is written
    assert world.contract.history.count() == before
    assert Contract.objects.get(pk=world.contract.pk).title == world.contract.title


@pytest.mark.parametrize("label", ["stations.monthlyreport", "projects.contractevaluation", "assessments.evaluation",
                                   "workforce.idnumberdisclosure"])
def test_approved_results_and_audit_records_offer_no_change_or_delete_in_the_admin(world, rf, label):
    from django.apps import apps
    from django.contrib import admin

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = world.root
    assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)


def test_a_save_without_the_forms_edit_token_is_refused(world):
    url = reverse("admin:projects_contract_change", args=[world.contract.pk])
    data = form_data(world.client.get(url))
    del data["_edit_token"]
    response = world.client.post(url, {**data, "title": "不知从哪来的保存"})
    assert response.status_code == 200 and "表单缺少记录的版本信息" in response.content.decode()
    assert Contract.objects.get(pk=world.contract.pk).title != "不知从哪来的保存"
