"""Every admin form of a record that has a service saves through that service, and a refusal
from it comes back as an error on the form: a 200 with the refusal shown, nothing written (the
rows, their history, the admin's log), never a server error."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

import projects.services
import stations.services
import stations.services.regions
import workforce.services
from stations.roles import province_admin_apps
from tests import builders
from tests.admin_forms import form_data
from tests.projects import builders as pb
from tests.stations.coverage_builders import target
from tests.workforce import builders as wb

ADMIN_APPS = province_admin_apps()

pytestmark = pytest.mark.django_db
REFUSAL = "上级民政部门不同意这次修改"

# (model, the record's name in the world, or None for the add form; the service the admin calls;
#  the fields the test changes on the form, "@station" naming a record of the world)
CASES = [
    ("stations.region", "a1", stations.services.regions, "region_update", {"name": "改名的镇", "kind": "other_township"}),
    ("stations.station", "station", stations.services, "station_update", {"name": "改名的站"}),
    ("stations.station", None, stations.services, "station_create", {"name": "新站", "region": "@a2", "kind": "station",
                                                                    "new_status": "", "status_changes-TOTAL_FORMS": "0"}),
    ("stations.stationacceptance", None, stations.services, "station_record_acceptance",
     {"station": "@station", "checked_on": "2024-05-01", "passed": "on"}),
    ("stations.target", "target", stations.services, "target_set", {"value": "75"}),
    ("stations.coveragesetting", "setting", stations.services, "coverage_setting_set", {"include_other_township": "on"}),
    ("projects.organisation", "org", projects.services, "organisation_update", {"name": "改名的机构"}),
    ("projects.contract", "contract", projects.services, "contract_update", {"title": "改名的合同"}),
    ("projects.socialassistancespending", "spending", projects.services, "spending_set", {"amount": "99.00"}),
    ("workforce.person", "person", workforce.services, "person_update", {"phone": "13900000009"}),
    ("workforce.person", None, workforce.services, "person_create",
     {"name": "李雷", "id_number": wb.id_number(serial="123"), "registered_region": "@county_a",
      "employments-TOTAL_FORMS": "1", "employments-0-station": "@station", "employments-0-role": "resident",
      "employments-0-start_on": "2024-03-01"}),
    ("workforce.employment", "employment", workforce.services, "employment_update", {"end_on": "2024-12-31"}),
    ("workforce.certificate", None, workforce.services, "certificate_add",
     {"person": "@person", "level": "1", "number": "ZS-2024-9", "obtained_on": "2024-06-01"}),
    ("workforce.trainingrecord", None, workforce.services, "training_add",
     {"person": "@person", "held_on": "2024-06-01", "kind": "continuing", "title": "督导", "provider": "省厅",
      "hours": "8"}),
]


@pytest.fixture
def world(hierarchy, client):
    h = hierarchy
    client.force_login(builders.superuser())
    h.station = builders.station(h.a1)
    h.target = target(h.county_a, 80, datetime.date(2025, 12, 31))
    h.setting = stations.services.coverage_setting_set(actor=builders.superuser(), province=h.province,
                                                       include_other_township=False)
    h.org = pb.organisation(h.county_a, name="江岸区阳光社工服务中心")
    h.contract = pb.contract(h.county_a, h.org, stations=[h.station], number="JA-2024")
    h.spending = projects.services.spending_set(actor=builders.superuser(), region=h.county_a, year=2024,
                                                amount=Decimal("100.00"))
    h.person = wb.person(station=h.station, name="安娜")
    h.employment = h.person.employments.get()
    return h


def written() -> dict:
    """What a refused save must leave as it was: the rows of every product model (their history
    models among them) and the admin's own log."""
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.app_label in ADMIN_APPS}
    return {**counts, "admin log": LogEntry.objects.count()}


def refusing(module, name, monkeypatch):
    """The service does its writes, then refuses: the refusal must undo them."""
    real, calls = getattr(module, name), []

    def service(*args, **kwargs):
        calls.append(name)
        real(*args, **kwargs)
        raise ValidationError(REFUSAL)

    monkeypatch.setattr(module, name, service)
    return calls


def post_data(client, world, label, record, edits) -> tuple[str, dict]:
    app_label, model_name = label.split(".")
    if record is None:
        url = reverse(f"admin:{app_label}_{model_name}_add")
    else:
        url = reverse(f"admin:{app_label}_{model_name}_change", args=[getattr(world, record).pk])
    data = form_data(client.get(url))
    for key, value in edits.items():
        data[key] = str(getattr(world, value[1:]).pk) if value.startswith("@") else value
    return url, data


@pytest.mark.parametrize(("label", "record", "module", "name", "edits"), CASES,
                         ids=[f"{case[0]}-{case[3]}" for case in CASES])
def test_a_refused_admin_save_is_a_form_error_with_nothing_written(world, client, monkeypatch, label, record,
                                                                   module, name, edits):
    url, data = post_data(client, world, label, record, edits)
    before = written()
    calls = refusing(module, name, monkeypatch)
    response = client.post(url, data)
    assert calls == [name], "the admin did not save through the service"
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert written() == before


def test_a_refused_admin_delete_is_shown_on_the_record_with_nothing_deleted(world, client, monkeypatch):
    calls = refusing(projects.services, "organisation_delete", monkeypatch)
    org = pb.organisation(world.county_b, name="江汉区同心社工")  # no contract protects it: only the service
    url = reverse("admin:projects_organisation_delete", args=[org.pk])
    before = written()
    response = client.post(url, {"post": "yes"}, follow=True)
    assert calls == ["organisation_delete"]
    assert response.redirect_chain[0][0] == reverse("admin:projects_organisation_change", args=[org.pk])
    assert REFUSAL in response.content.decode()
    assert written() == before
