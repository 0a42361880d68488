"""Who may do what: a declared matrix of roles × actions, tested against the screens.

Every role acts on records of county A that are within its sight (the city and province above
it, the station head of its station, the evaluator assigned to its evaluation). An action is
"allowed" when its effect is stored, "refused" when nothing changed. Every POST also carries
fields the role may never set (status, station, version, is_superuser, role, region,
created_by); the stored record must not take them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client, override_settings

from assessments import services as assessment_services
from assessments.models import Evaluation, EvaluationStatus
from projects.models import Contract, Payment
from stations.models import (
    MonthlyReport,
    ReportStatus,
    Role,
    Station,
    StationStatusChange,
    StationStatusCorrection,
    User,
)
from tests import builders
from tests.security import dataset
from tests.security.walker import harvest
from workforce.models import Person

pytestmark = pytest.mark.django_db

ROLES = ("province", "city", "county", "station_head", "evaluator", "no_role")
P, C, K, H, E = "province", "city", "county", "station_head", "evaluator"

# action -> the roles allowed to do it (everyone else is refused)
MATRIX = {
    "report_edit": {H},
    "report_submit": {H},
    "report_return": {K},
    "report_approve": {K},
    "report_reopen": {K},
    "report_import": {K},
    "report_rollup_export": {P, C, K},
    "report_completeness_export": {P, C, K},
    "station_create": {P, K},
    "station_edit": {P, K},
    "station_status": {P, K},
    "station_import": {P, K},
    "status_correct": {P, C, K},
    "contract_create": {K},
    "contract_edit": {K},
    "contract_import": {K},
    "payment_record": {K},
    "filing_record": {C, K},
    "person_create": {K},
    "person_edit": {K},
    "person_import": {K},
    "evaluation_score": {E},
    "evaluation_submit": {E},
    # a county's own evaluation is the county's to confirm; the city's spot check (抽查) the city's
    "evaluation_finalise": {K},
    "evaluation_return": {K},
    "spot_check_finalise": {C},
    "spot_check_return": {C},
}

# Fields no screen form may take from a POST, with values no role may set them to.
def hostile_extras(w) -> dict:
    return {"status": "approved", "station": str(w.other_station.pk), "version": "999", "is_superuser": "on",
            "role": "province", "region": str(w.h.county_b.pk), "created_by": str(w.root.pk),
            "submitted_by": str(w.root.pk)}


@pytest.fixture(scope="module")
def w(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        h = builders.build_hierarchy()
        dataset.build_shared(h)
        c = dataset.build_county_a(h)
        c.h, c.root = h, h.root
        c.other_station = builders.station(h.b1)
        c.users = {
            "province": builders.user("hubei", Role.PROVINCE, h.province, is_staff=True),
            "city": builders.user("wuhan", Role.CITY, h.city),
            "county": c.staff, "station_head": c.head, "evaluator": c.evaluator,
            "no_role": builders.user("nobody"),
        }
        c.report_submitted = dataset.rb.report(c.station, c.head, datetime.date(2025, 4, 1),
                                               submit_at=dataset.rb.at(2025, 5, 3), highlights="四月")
        c.evaluation_submitted = assessment_services.evaluation_create(
            actor=c.staff, template=h.midterm, contract=c.old_contract, evaluator=c.evaluator_org,
            period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 6, 30))
        assessment_services.evaluation_save_scores(actor=c.evaluator, evaluation=c.evaluation_submitted,
                                                   scores=dataset.ab.full_scores(h.midterm))
        assessment_services.evaluation_submit(actor=c.evaluator, evaluation=c.evaluation_submitted)
        c.spot_check_submitted = assessment_services.evaluation_create(
            actor=c.users["city"], template=h.midterm, contract=c.old_contract, evaluator=c.evaluator_org,
            period_start=datetime.date(2024, 7, 1), period_end=datetime.date(2024, 12, 31))
        assessment_services.evaluation_save_scores(actor=c.evaluator, evaluation=c.spot_check_submitted,
                                                   scores=dataset.ab.full_scores(h.midterm))
        assessment_services.evaluation_submit(actor=c.evaluator, evaluation=c.spot_check_submitted)
        yield c
        transaction.set_rollback(True)


def form_of(w, path) -> dict:
    """The form as a superuser's browser would post it unchanged."""
    root = Client()
    root.force_login(w.root)
    return harvest(root.get(path))


@dataclass
class Action:
    path: Callable  # w -> path
    data: Callable | None  # w -> POST data, or None for a GET
    effect: Callable  # (w, response) -> bool: did it happen?
    record: Callable | None = None  # w -> the stored record the extras must not reach


def report_status(attr, status):
    return lambda w, r: MonthlyReport.objects.get(pk=getattr(w, attr).pk).status == status


def downloaded(w, response):
    return response.status_code == 200 and "spreadsheetml" in response.get("Content-Type", "")


def opened(w, response):
    return response.status_code == 200


def latest_status(w):
    return StationStatusChange.objects.filter(station=w.station).order_by("-effective_on").first()


def report_edit_data(w):
    data = form_of(w, f"/stations/reports/{w.report_draft.pk}/edit/")
    return data | {"highlights": ["矩阵修改"]}


def contract_create_data(w):
    data = form_of(w, "/projects/contracts/new/")
    return data | {"number": ["JA-MATRIX-1"], "title": ["矩阵合同"], "purchaser": [str(w.h.county_a.pk)],
                   "contractor": [str(w.org.pk)], "stations": [], "signed_on": ["2025-02-25"],
                   "starts_on": ["2025-03-01"], "ends_on": ["2026-02-28"], "amount": ["100000.00"],
                   "funding-0-source": ["general_budget"], "funding-0-amount": ["100000.00"],
                   "installments-0-trigger": ["effective"], "installments-0-percentage": ["100"]}


def station_create_data(w):
    data = form_of(w, "/stations/new/")
    return data | {"name": ["矩阵社工站"], "township": [w.h.a2.code], "kind": ["station"],
                   "initial_status": ["planned"], "status_effective_on": ["2025-01-01"]}


def person_create_data(w):
    data = form_of(w, "/workforce/people/new/")
    return data | {"name": ["矩阵社工"], "id_number": [dataset.wb.id_number("420102", "19920202", "777")],
                   "station": [str(w.station.pk)], "role": ["resident"], "start_on": ["2025-01-01"],
                   "employer": [str(w.org.pk)]}


def score_data(w):
    data = form_of(w, f"/assessments/{w.draft_evaluation.pk}/score/")
    return data | {"comments": ["矩阵评价"]}


ACTIONS = {
    "report_edit": Action(lambda w: f"/stations/reports/{w.report_draft.pk}/edit/", report_edit_data,
                          lambda w, r: MonthlyReport.objects.get(pk=w.report_draft.pk).highlights == "矩阵修改",
                          lambda w: MonthlyReport.objects.get(pk=w.report_draft.pk)),
    "report_submit": Action(lambda w: f"/stations/reports/{w.report_draft.pk}/submit/",
                            lambda w: {"version": str(w.report_draft.version)},
                            report_status("report_draft", ReportStatus.SUBMITTED)),
    "report_return": Action(lambda w: f"/stations/reports/{w.report_submitted.pk}/return/",
                            lambda w: {"reason": "请补充", "version": str(w.report_submitted.version)},
                            report_status("report_submitted", ReportStatus.RETURNED)),
    "report_approve": Action(lambda w: f"/stations/reports/{w.report_submitted.pk}/approve/",
                             lambda w: {"version": str(w.report_submitted.version)},
                             report_status("report_submitted", ReportStatus.APPROVED)),
    "report_reopen": Action(lambda w: f"/stations/reports/{w.report_approved.pk}/reopen/",
                            lambda w: {"reason": "更正数据", "version": str(w.report_approved.version)},
                            lambda w, r: MonthlyReport.objects.get(pk=w.report_approved.pk).status
                            != ReportStatus.APPROVED),
    "report_import": Action(lambda w: "/stations/reports/import/", None, opened),
    "report_rollup_export": Action(lambda w: "/stations/reports/rollup/?region=420102&format=xlsx", None, downloaded),
    "report_completeness_export": Action(lambda w: "/stations/reports/completeness/?region=420102&format=xlsx",
                                         None, downloaded),
    "station_create": Action(lambda w: "/stations/new/", station_create_data,
                             lambda w, r: Station.objects.filter(name="矩阵社工站").exists(),
                             lambda w: Station.objects.filter(name="矩阵社工站").first()),
    "station_edit": Action(lambda w: f"/stations/{w.station.pk}/edit/",
                           lambda w: form_of(w, f"/stations/{w.station.pk}/edit/") | {"address": ["矩阵路2号"]},
                           lambda w, r: Station.objects.get(pk=w.station.pk).address == "矩阵路2号",
                           lambda w: Station.objects.get(pk=w.station.pk)),
    "station_status": Action(lambda w: f"/stations/{w.station.pk}/status/",
                             lambda w: {"status": "suspended", "effective_on": "2025-08-01", "reason": "矩阵暂停"},
                             lambda w, r: StationStatusChange.objects.filter(reason="矩阵暂停").exists(),
                             lambda w: StationStatusChange.objects.filter(reason="矩阵暂停").first()),
    "station_import": Action(lambda w: "/stations/import/", None, opened),
    "status_correct": Action(lambda w: f"/stations/status-changes/{latest_status(w).pk}/correct/",
                             lambda w: {"status": "operating", "effective_on": "2024-04-02", "reason": "矩阵更正"},
                             lambda w, r: StationStatusCorrection.objects.filter(reason="矩阵更正").exists(),
                             lambda w: StationStatusChange.objects.get(pk=latest_status(w).pk)),
    "contract_create": Action(lambda w: "/projects/contracts/new/", contract_create_data,
                              lambda w, r: Contract.objects.filter(number="JA-MATRIX-1").exists(),
                              lambda w: Contract.objects.filter(number="JA-MATRIX-1").first()),
    "contract_edit": Action(lambda w: f"/projects/contracts/{w.contract.pk}/edit/",
                            lambda w: form_of(w, f"/projects/contracts/{w.contract.pk}/edit/")
                            | {"title": ["矩阵改名"]},
                            lambda w, r: Contract.objects.get(pk=w.contract.pk).title == "矩阵改名",
                            lambda w: Contract.objects.get(pk=w.contract.pk)),
    "contract_import": Action(lambda w: "/projects/contracts/import/", None, opened),
    "payment_record": Action(lambda w: f"/projects/contracts/{w.contract.pk}/payments/new/",
                             lambda w: {"installment": str(w.installment.pk), "paid_on": "2025-01-20",
                                        "amount": "10.00", "reference": "矩阵付款"},
                             lambda w, r: Payment.objects.filter(reference="矩阵付款").exists(),
                             lambda w: Payment.objects.filter(reference="矩阵付款").first()),
    "filing_record": Action(lambda w: f"/projects/contracts/{w.contract.pk}/filing/",
                            lambda w: {"filed_on": "2025-01-06", "reference": "矩阵备案"},
                            lambda w, r: Contract.objects.get(pk=w.contract.pk).filing_reference == "矩阵备案",
                            lambda w: Contract.objects.get(pk=w.contract.pk)),
    "person_create": Action(lambda w: "/workforce/people/new/", person_create_data,
                            lambda w, r: Person.objects.filter(name="矩阵社工").exists(),
                            lambda w: Person.objects.filter(name="矩阵社工").first()),
    "person_edit": Action(lambda w: f"/workforce/people/{w.person.pk}/edit/",
                          lambda w: form_of(w, f"/workforce/people/{w.person.pk}/edit/") | {"notes": ["矩阵备注"]},
                          lambda w, r: Person.objects.get(pk=w.person.pk).notes == "矩阵备注",
                          lambda w: Person.objects.get(pk=w.person.pk)),
    "person_import": Action(lambda w: "/workforce/import/people/", None, opened),
    "evaluation_score": Action(lambda w: f"/assessments/{w.draft_evaluation.pk}/score/", score_data,
                               lambda w, r: Evaluation.objects.get(pk=w.draft_evaluation.pk).comments == "矩阵评价",
                               lambda w: Evaluation.objects.get(pk=w.draft_evaluation.pk)),
    "evaluation_submit": Action(lambda w: f"/assessments/{w.draft_evaluation.pk}/submit/", lambda w: {},
                                lambda w, r: Evaluation.objects.get(pk=w.draft_evaluation.pk).status
                                == EvaluationStatus.SUBMITTED),
    "evaluation_finalise": Action(lambda w: f"/assessments/{w.evaluation_submitted.pk}/finalise/", lambda w: {},
                                  lambda w, r: Evaluation.objects.get(pk=w.evaluation_submitted.pk).status
                                  == EvaluationStatus.FINALISED),
    "evaluation_return": Action(lambda w: f"/assessments/{w.evaluation_submitted.pk}/return/",
                                lambda w: {"reason": "矩阵退回"},
                                lambda w, r: Evaluation.objects.get(pk=w.evaluation_submitted.pk).status
                                != EvaluationStatus.SUBMITTED),
    "spot_check_finalise": Action(lambda w: f"/assessments/{w.spot_check_submitted.pk}/finalise/", lambda w: {},
                                  lambda w, r: Evaluation.objects.get(pk=w.spot_check_submitted.pk).status
                                  == EvaluationStatus.FINALISED),
    "spot_check_return": Action(lambda w: f"/assessments/{w.spot_check_submitted.pk}/return/",
                                lambda w: {"reason": "矩阵退回"},
                                lambda w, r: Evaluation.objects.get(pk=w.spot_check_submitted.pk).status
                                != EvaluationStatus.SUBMITTED),
}


def test_matrix_declares_every_action_and_role():
    assert set(MATRIX) == set(ACTIONS)
    assert all(roles <= set(ROLES) for roles in MATRIX.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_role_may_or_may_not(w, action, role, client):
    spec, allowed = ACTIONS[action], role in MATRIX[action]
    user = w.users[role]
    role_before = user.role
    client.force_login(user)
    path = spec.path(w)
    if spec.data is None:
        response = client.get(path)
    else:
        data = spec.data(w)
        extras = {k: v for k, v in hostile_extras(w).items() if k not in data}
        response = client.post(path, data | extras)
    assert response.status_code < 500
    happened = spec.effect(w, response)
    if allowed:
        errors = response.context.get("form").errors if response.context and response.context.get("form") else ""
        assert happened, f"{role} should be able to {action}: {response.status_code} {errors}"
    else:
        assert not happened, f"{role} must not be able to {action}"
        assert response.status_code in (302, 403, 404), (role, action, response.status_code)
    if spec.data is not None and happened:
        _assert_extras_not_taken(w, spec, user, role_before, extras)


def _assert_extras_not_taken(w, spec, user, role_before, extras):
    user = User.objects.get(pk=user.pk)
    assert not user.is_superuser and user.role == role_before, "the acting user's own account changed"
    record = spec.record(w) if spec.record else None
    if record is None:
        return
    for name, value in extras.items():
        field = next((f for f in record._meta.concrete_fields if f.name == name), None)
        if field is not None:
            assert str(getattr(record, field.attname)) != value, f"{type(record).__name__}.{name} took {value!r}"
