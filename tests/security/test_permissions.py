"""One rule per "may X do Y", asked alike by the screen, the import and the service.

For a few representative actions, someone who may not do it is refused by the rule in the app's
``permissions.py``, by the page (403, or sent back with a message where the page does that), by
the Excel import and by the service (PermissionDenied, or the error the service gives); someone
who may, is let through everywhere.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import RequestFactory, override_settings
from tablib import Dataset

from assessments import permissions as assessment_permissions
from assessments import services as assessment_services
from assessments.models import Evaluation, EvaluationStatus
from assessments.resources import ScoreResource
from core.importing import ImportView, run_import
from projects import permissions as project_permissions
from projects import services as project_services
from projects.models import Contract
from stations import permissions as station_permissions
from stations import services as station_services
from stations.models import MonthlyReport, ReportStatus, Role, Station, StationKind
from stations.reports import permissions as report_permissions
from stations.resources import StationResource
from stations.services.stations import stations_save_in_bulk
from tests import builders
from tests.security import dataset
from workforce import permissions as workforce_permissions
from workforce import services as workforce_services
from workforce.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def w(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        h = builders.build_hierarchy()
        dataset.build_shared(h)
        c = dataset.build_county_a(h)
        c.h, c.root = h, h.root
        c.province = builders.user("hubei", Role.PROVINCE, h.province, is_staff=True)
        c.city = builders.user("wuhan", Role.CITY, h.city)
        c.report_submitted = dataset.rb.report(c.station, c.head, datetime.date(2025, 4, 1),
                                               submit_at=dataset.rb.at(2025, 5, 3), highlights="四月")
        yield c
        transaction.set_rollback(True)


def signed_in(client, user):
    client.force_login(user)
    return client


def test_import_stations(w, client):
    assert station_permissions.can_import_station(w.staff) and station_permissions.can_import_station(w.province)
    assert not station_permissions.can_import_station(w.city)
    assert signed_in(client, w.city).get("/stations/import/").status_code == 403
    assert client.post("/stations/import/", {"file": b""}).status_code == 403
    new = Station(region=w.h.a2, name="权限测试站", kind=StationKind.TOWNSHIP_STATION)
    with pytest.raises(PermissionDenied):
        stations_save_in_bulk(actor=w.city, created=[new], updated=[], status_changes=[], reason="导入")
    rows = Dataset(headers=["区划代码", "类型", "站点名称", "地址", "场地面积（平方米）", "合署场所",
                            "挂牌日期", "联系人", "联系电话", "状态", "状态日期"])
    rows.append([w.h.a2.code, "乡镇（街道）社工站", "权限测试站", "", "", "", "", "", "", "", ""])
    refused = run_import(StationResource(user=w.city), rows, user=w.city, dry_run=False)
    assert refused.has_errors and "只有县级民政部门" in " ".join(refused.file_errors)
    assert not Station.objects.filter(name="权限测试站").exists()

    assert signed_in(client, w.staff).get("/stations/import/").status_code == 200
    report = run_import(StationResource(user=w.staff), rows, user=w.staff, dry_run=False)
    assert not report.has_errors and Station.objects.filter(name="权限测试站").exists()


def test_manage_a_station(w, client):
    assert station_permissions.can_manage_station(w.staff, w.station)
    assert not station_permissions.can_manage_station(w.city, w.station)
    page = f"/stations/{w.station.pk}/status/"
    assert signed_in(client, w.city).get(page).status_code == 403
    assert "/status/" not in client.get(f"/stations/{w.station.pk}/").content.decode()
    with pytest.raises(PermissionDenied):
        station_services.station_create(actor=w.city, region=w.h.a2, name="市局登记站",
                                        kind=StationKind.TOWNSHIP_STATION)
    with pytest.raises(PermissionDenied):
        station_services.station_change_status(actor=w.city, station=w.station, status="suspended",
                                               effective_on=datetime.date(2025, 8, 1))
    assert signed_in(client, w.staff).get(page).status_code == 200
    assert f"/stations/{w.station.pk}/status/" in client.get(f"/stations/{w.station.pk}/").content.decode()
    station_services.station_change_status(actor=w.staff, station=w.station, status="suspended",
                                           effective_on=datetime.date(2025, 8, 1))


def test_edit_a_monthly_report(w, client):
    report, page = w.report_draft, f"/stations/reports/{w.report_draft.pk}/edit/"
    assert report_permissions.can_edit_report(w.head, report)
    assert not report_permissions.can_edit_report(w.staff, report)
    assert signed_in(client, w.staff).get(page).status_code == 403
    with pytest.raises(PermissionDenied):
        station_services.report_save(actor=w.staff, report=report, expected_version=report.version,
                                     data={"highlights": "县局改写"})
    # paper reports are the county's import, not the station head's
    assert not report_permissions.can_import_report(w.head) and report_permissions.can_import_report(w.staff)
    assert client.get("/stations/reports/import/").status_code == 200
    assert signed_in(client, w.head).get("/stations/reports/import/").status_code == 403

    assert client.get(page).status_code == 200
    station_services.report_save(actor=w.head, report=report, expected_version=report.version,
                                 data={"highlights": "站长修改"})
    assert MonthlyReport.objects.get(pk=report.pk).highlights == "站长修改"


def test_review_a_monthly_report(w, client):
    report = w.report_submitted
    assert report_permissions.can_review_report(w.staff, report)
    assert not report_permissions.can_review_report(w.city, report)
    assert not report_permissions.can_review_report(w.head, report)
    detail = signed_in(client, w.city).get(f"/stations/reports/{report.pk}/")
    assert detail.context["can_review"] is False
    response = client.post(f"/stations/reports/{report.pk}/approve/", {"version": str(report.version)})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        station_services.report_approve(actor=w.city, report=report, expected_version=report.version)
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED

    assert signed_in(client, w.staff).get(f"/stations/reports/{report.pk}/").context["can_review"] is True
    client.post(f"/stations/reports/{report.pk}/approve/", {"version": str(report.version)})
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED


@pytest.mark.parametrize("who", ["city", "head", "province"])
def test_edit_a_person(w, client, who):
    refused, person = getattr(w, who), w.person
    assert not workforce_permissions.can_edit_person(refused, person)
    assert not workforce_permissions.can_import_person(refused)
    signed_in(client, refused)
    assert client.get(f"/workforce/people/{person.pk}/edit/").status_code in (403, 404)
    assert client.get("/workforce/import/people/").status_code == 403
    with pytest.raises(PermissionDenied):
        workforce_services.person_update(actor=refused, person=person, notes="越权备注")
    assert Person.objects.get(pk=person.pk).notes != "越权备注"


def test_county_staff_edit_their_person(w, client):
    assert workforce_permissions.can_edit_person(w.staff, w.person) and workforce_permissions.can_import_person(w.staff)
    signed_in(client, w.staff)
    assert client.get(f"/workforce/people/{w.person.pk}/edit/").status_code == 200
    assert client.get("/workforce/import/people/").status_code == 200
    workforce_services.person_update(actor=w.staff, person=w.person, notes="县局备注")
    assert Person.objects.get(pk=w.person.pk).notes == "县局备注"


def test_score_an_evaluation(w, client):
    evaluation = w.draft_evaluation
    assert assessment_permissions.can_score_evaluation(w.evaluator, evaluation)
    # an evaluator is assigned: the county that started it does not score it
    assert not assessment_permissions.can_score_evaluation(w.staff, evaluation)
    assert not assessment_permissions.can_import_evaluation_scores(w.staff, evaluation)
    signed_in(client, w.staff)
    for page in (f"/assessments/{evaluation.pk}/score/", f"/assessments/{evaluation.pk}/import/"):
        response = client.get(page)
        assert response.status_code == 302 and response.url == evaluation.get_absolute_url()
    assert client.get(evaluation.get_absolute_url()).context["can_score"] is False
    with pytest.raises(PermissionDenied):
        assessment_services.evaluation_save_scores(actor=w.staff, evaluation=evaluation, scores={},
                                                   comments="县局评分")
    with pytest.raises(ValueError):
        ScoreResource(user=w.staff, evaluation=evaluation).before_import(Dataset())

    signed_in(client, w.evaluator)
    assert client.get(f"/assessments/{evaluation.pk}/score/").status_code == 200
    assert client.get(f"/assessments/{evaluation.pk}/import/").status_code == 200
    assessment_services.evaluation_save_scores(actor=w.evaluator, evaluation=evaluation, scores={},
                                               comments="评估方评分")


def test_return_an_evaluation_is_refused_with_the_services_error(w):
    submitted = assessment_services.evaluation_create(
        actor=w.staff, template=w.h.midterm, contract=w.old_contract, evaluator=w.evaluator_org,
        period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 6, 30))
    assessment_services.evaluation_save_scores(actor=w.evaluator, evaluation=submitted,
                                               scores=dataset.ab.full_scores(w.h.midterm))
    assessment_services.evaluation_submit(actor=w.evaluator, evaluation=submitted)
    submitted = Evaluation.objects.get(pk=submitted.pk)
    assert submitted.status == EvaluationStatus.SUBMITTED
    # neither its evaluator nor the city above may return the county's own evaluation
    for outsider in (w.evaluator, w.city, w.province):
        assert not assessment_permissions.can_return_evaluation(outsider, submitted)
        with pytest.raises(PermissionDenied, match="只有发起该评估的江岸区民政部门可以退回评估"):
            assessment_services.evaluation_return(actor=outsider, evaluation=submitted, reason="越权退回")
    assert Evaluation.objects.get(pk=submitted.pk).status == EvaluationStatus.SUBMITTED
    assert assessment_permissions.can_return_evaluation(w.staff, submitted)
    assessment_services.evaluation_return(actor=w.staff, evaluation=submitted, reason="县局退回")
    assert Evaluation.objects.get(pk=submitted.pk).returned_reason == "县局退回"
    with pytest.raises(ValidationError, match="只有已提交、未确认的评估可以退回"):
        assessment_services.evaluation_return(actor=w.staff, evaluation=submitted, reason="再次退回")


def test_record_a_filing_and_a_payment(w, client):
    contract, filing = w.contract, f"/projects/contracts/{w.contract.pk}/filing/"
    assert project_permissions.can_record_contract_filing(w.city, contract)
    assert not project_permissions.can_record_contract_filing(w.head, contract)
    assert signed_in(client, w.head).get(filing).status_code == 403
    with pytest.raises(PermissionDenied):
        project_services.contract_record_filing(actor=w.head, contract=contract, filed_on=datetime.date(2025, 1, 6))
    assert not project_permissions.can_manage_purchases(w.city)
    assert signed_in(client, w.city).get(f"/projects/contracts/{contract.pk}/payments/new/").status_code == 403
    with pytest.raises(PermissionDenied):
        project_services.payment_record(actor=w.city, installment=w.installment, paid_on=datetime.date(2025, 1, 20),
                                        amount=Decimal("10.00"))
    assert client.get(filing).status_code == 200
    project_services.contract_record_filing(actor=w.city, contract=contract, filed_on=datetime.date(2025, 1, 6),
                                            reference="市局备案")
    assert Contract.objects.get(pk=contract.pk).filing_reference == "市局备案"


@pytest.mark.parametrize("who", ["province", "city", "staff", "head", "evaluator"])
def test_regional_pages_of_reports_and_workforce_answer_alike(w, client, who):
    """Report completeness and the workforce dashboard had a rule each; now one, with one answer."""
    user = getattr(w, who)
    allowed = station_permissions.can_view_regional_figures(user)
    assert allowed == (who in ("province", "city", "staff"))
    signed_in(client, user)
    for page in ("/stations/reports/completeness/?region=420102", "/workforce/dashboard/?region=420102"):
        assert (client.get(page).status_code == 200) is allowed, page


class _NoRuleImport(ImportView):
    resource_class = StationResource


def test_an_import_without_a_rule_refuses_everybody(w):
    request = RequestFactory().get("/")
    request.user = w.root
    with pytest.raises(PermissionDenied):
        _NoRuleImport.as_view()(request)
