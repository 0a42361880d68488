import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments.models import EvaluationKind, EvaluationStatus, Grade, Indicator
from projects.models import ContractEvaluation, InstallmentTrigger, PaymentInstallment
from stations.models import StationAcceptance
from tests import builders
from tests.assessments import builders as ab

pytestmark = pytest.mark.django_db

FRIDAY_BEFORE_NATIONAL_DAY = datetime.date(2025, 9, 26)
# 15 working days on the official calendar: Sunday 28 Sep is a working day, 1–8 Oct are holidays,
# Saturday 11 Oct is a working day.
DUE_15_WORKING_DAYS_LATER = datetime.date(2025, 10, 23)


def scored(h, template, fraction, *, contract=None, station=None, evaluator=None, scorer=None):
    evaluation = services.evaluation_create(
        actor=h.staff_a, template=template, contract=contract if station is None else None, station=station,
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30), evaluator=evaluator)
    services.evaluation_save_scores(actor=scorer or h.staff_a, evaluation=evaluation,
                                    scores=ab.full_scores(template, fraction))
    return services.evaluation_submit(actor=scorer or h.staff_a, evaluation=evaluation)


def installment(contract, trigger):
    return PaymentInstallment.objects.get(contract=contract, trigger=trigger)


def test_score_bounds_are_enforced_and_nothing_is_saved_on_error(world):
    h = world
    evaluation = services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract,
                                            period_start=datetime.date(2025, 1, 1),
                                            period_end=datetime.date(2025, 6, 30))
    first, second = Indicator.objects.filter(dimension__template=h.midterm)[:2]
    with pytest.raises(ValidationError) as exc:
        services.evaluation_save_scores(actor=h.staff_a, evaluation=evaluation, scores={
            first.pk: (D("5"), ""), second.pk: (D("10.01"), "")})
    assert "台账规范" in str(exc.value) and "超过满分 10" in str(exc.value)
    assert evaluation.scores.count() == 0
    with pytest.raises(ValidationError):
        services.evaluation_save_scores(actor=h.staff_a, evaluation=evaluation, scores={first.pk: (D("-1"), "")})
    services.evaluation_save_scores(actor=h.staff_a, evaluation=evaluation,
                                    scores={first.pk: (D("0"), ""), second.pk: (D("10"), "满分")})
    evaluation.refresh_from_db()
    assert evaluation.scores.count() == 2
    # 10/20 × 20 = 10 points so far
    assert evaluation.total == D("10.00")


def test_indicator_of_another_template_version_is_refused(world):
    h = world
    evaluation = services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract,
                                            period_start=datetime.date(2025, 1, 1),
                                            period_end=datetime.date(2025, 6, 30))
    v2 = services.template_new_version(actor=h.root, template=h.midterm)
    foreign = Indicator.objects.filter(dimension__template=v2).first()
    with pytest.raises(ValidationError, match="不属于本次评估的模板"):
        services.evaluation_save_scores(actor=h.staff_a, evaluation=evaluation, scores={foreign.pk: (D("1"), "")})


def test_submit_needs_every_indicator_and_cannot_happen_twice(world):
    h = world
    evaluation = services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract,
                                            period_start=datetime.date(2025, 1, 1),
                                            period_end=datetime.date(2025, 6, 30))
    with pytest.raises(ValidationError, match="尚未提交评分，不能确认"):
        services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation)
    with pytest.raises(ValidationError, match="还有 7 项指标未评分"):
        services.evaluation_submit(actor=h.staff_a, evaluation=evaluation)
    services.evaluation_save_scores(actor=h.staff_a, evaluation=evaluation, scores=ab.full_scores(h.midterm))
    services.evaluation_submit(actor=h.staff_a, evaluation=evaluation)
    with pytest.raises(ValidationError, match="不能重复提交"):
        services.evaluation_submit(actor=h.staff_a, evaluation=evaluation)
    with pytest.raises(PermissionDenied):
        services.evaluation_save_scores(actor=h.staff_a, evaluation=evaluation, scores=ab.full_scores(h.midterm))


def test_passed_midterm_releases_midterm_installment_due_15_working_days_after_finalising(world):
    h = world
    evaluation = scored(h, h.midterm, D("0.7"), contract=h.contract)
    services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation, on_date=FRIDAY_BEFORE_NATIONAL_DAY)
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.total, evaluation.grade) == (EvaluationStatus.FINALISED, D("70.00"),
                                                                      Grade.PASS)
    midterm = installment(h.contract, InstallmentTrigger.MIDTERM_PASSED)
    assert midterm.triggered_on == FRIDAY_BEFORE_NATIONAL_DAY
    assert midterm.due_on == DUE_15_WORKING_DAYS_LATER
    assert installment(h.contract, InstallmentTrigger.FINAL_PASSED).due_on is None
    result = ContractEvaluation.objects.get(contract=h.contract)
    assert (result.kind, result.score, result.grade, result.passed, result.reference) == (
        "midterm", D("70.00"), "合格", True, f"assessments.Evaluation:{evaluation.pk}")


def test_failed_midterm_releases_nothing(world):
    h = world
    evaluation = scored(h, h.midterm, D("0.5"), contract=h.contract)
    services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation, on_date=FRIDAY_BEFORE_NATIONAL_DAY)
    assert installment(h.contract, InstallmentTrigger.MIDTERM_PASSED).due_on is None
    assert ContractEvaluation.objects.get(contract=h.contract).passed is False
    h.contract.refresh_from_db()
    assert h.contract.renewable is True


def test_passed_final_releases_final_installment(world):
    h = world
    final = ab.template(h.province, EvaluationKind.FINAL)
    evaluation = scored(h, final, D("0.95"), contract=h.contract)
    services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation, on_date=datetime.date(2025, 12, 30))
    assert installment(h.contract, InstallmentTrigger.FINAL_PASSED).triggered_on == datetime.date(2025, 12, 30)
    assert installment(h.contract, InstallmentTrigger.MIDTERM_PASSED).triggered_on is None


def test_failed_annual_marks_contract_not_renewable(world):
    h = world
    annual = ab.template(h.province, EvaluationKind.ANNUAL)
    evaluation = scored(h, annual, D("0.59"), contract=h.contract)
    services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation, on_date=datetime.date(2025, 12, 30))
    h.contract.refresh_from_db()
    assert h.contract.renewable is False
    assert "2025年度评估不合格（59.00分）" in h.contract.not_renewable_reason


def test_passed_annual_keeps_contract_renewable(world):
    h = world
    annual = ab.template(h.province, EvaluationKind.ANNUAL)
    services.evaluation_finalise(actor=h.staff_a, evaluation=scored(h, annual, D("0.6"), contract=h.contract))
    h.contract.refresh_from_db()
    assert h.contract.renewable is True


def test_passed_station_acceptance_records_the_station_meeting_its_standard(world):
    h = world
    station = builders.station(h.a1)
    acceptance = ab.template(h.province, EvaluationKind.STATION_ACCEPTANCE)
    evaluation = scored(h, acceptance, D("0.9"), station=station)
    services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation, on_date=datetime.date(2025, 7, 15))
    record = StationAcceptance.objects.get(station=station)
    assert (record.checked_on, record.passed) == (datetime.date(2025, 7, 15), True)
    assert "90.00" in record.source and "优秀" in record.source
    # a failed acceptance records nothing
    failed = scored(h, acceptance, D("0.3"), station=station)
    services.evaluation_finalise(actor=h.staff_a, evaluation=failed, on_date=datetime.date(2025, 7, 16))
    assert StationAcceptance.objects.filter(station=station).count() == 1


def test_refinalising_cannot_apply_consequences_twice(world):
    h = world
    station = builders.station(h.a1)
    evaluation = scored(h, h.midterm, D("0.8"), contract=h.contract)
    services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation, on_date=FRIDAY_BEFORE_NATIONAL_DAY)
    with pytest.raises(ValidationError, match="不能重复确认"):
        services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation, on_date=datetime.date(2025, 11, 3))
    midterm = installment(h.contract, InstallmentTrigger.MIDTERM_PASSED)
    assert midterm.due_on == DUE_15_WORKING_DAYS_LATER
    assert midterm.history.count() == 2  # created, released once
    assert ContractEvaluation.objects.filter(contract=h.contract).count() == 1

    acceptance = ab.template(h.province, EvaluationKind.STATION_ACCEPTANCE)
    station_eval = scored(h, acceptance, D("1"), station=station)
    services.evaluation_finalise(actor=h.staff_a, evaluation=station_eval)
    with pytest.raises(ValidationError):
        services.evaluation_finalise(actor=h.staff_a, evaluation=station_eval)
    assert StationAcceptance.objects.filter(station=station).count() == 1


def test_returned_evaluation_can_be_rescored_then_finalised_once(world):
    h = world
    evaluation = scored(h, h.midterm, D("0.5"), contract=h.contract, evaluator=h.org, scorer=h.evaluator)
    services.evaluation_return(actor=h.staff_a, evaluation=evaluation, reason="个案质量评分依据不足")
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT and evaluation.returned_reason
    services.evaluation_save_scores(actor=h.evaluator, evaluation=evaluation, scores=ab.full_scores(h.midterm))
    services.evaluation_submit(actor=h.evaluator, evaluation=evaluation)
    services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation, on_date=FRIDAY_BEFORE_NATIONAL_DAY)
    assert installment(h.contract, InstallmentTrigger.MIDTERM_PASSED).due_on == DUE_15_WORKING_DAYS_LATER


def test_who_may_score_submit_and_finalise(world):
    h = world
    evaluation = services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract,
                                            evaluator=h.org, period_start=datetime.date(2025, 1, 1),
                                            period_end=datetime.date(2025, 6, 30))
    full = ab.full_scores(h.midterm)
    for outsider in (h.other_evaluator, h.staff_b, h.staff_a):  # assigned to h.org: the county does not score
        with pytest.raises(PermissionDenied):
            services.evaluation_save_scores(actor=outsider, evaluation=evaluation, scores=full)
    services.evaluation_save_scores(actor=h.evaluator, evaluation=evaluation, scores=full)
    services.evaluation_submit(actor=h.evaluator, evaluation=evaluation)
    for outsider in (h.evaluator, h.staff_b):
        with pytest.raises(PermissionDenied):
            services.evaluation_finalise(actor=outsider, evaluation=evaluation)
    with pytest.raises(PermissionDenied):
        services.evaluation_create(actor=h.staff_b, template=h.midterm, contract=h.contract,
                                   period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))


def test_evaluation_needs_published_template_of_its_province_and_right_subject(world):
    h = world
    draft = ab.template(h.province, EvaluationKind.FINAL, publish=False)
    gansu = ab.template(h.other_province, EvaluationKind.FINAL)
    acceptance = ab.template(h.province, EvaluationKind.STATION_ACCEPTANCE)
    common = {"actor": h.staff_a, "period_start": datetime.date(2025, 1, 1), "period_end": datetime.date(2025, 6, 30)}
    with pytest.raises(ValidationError, match="已发布"):
        services.evaluation_create(template=draft, contract=h.contract, **common)
    with pytest.raises(ValidationError, match="所在省份"):
        services.evaluation_create(template=gansu, contract=h.contract, **common)
    with pytest.raises(ValidationError, match="须选择社工站"):
        services.evaluation_create(template=acceptance, contract=h.contract, **common)
    with pytest.raises(ValidationError, match="评估期止不能早于"):
        services.evaluation_create(template=h.midterm, contract=h.contract, actor=h.staff_a,
                                   period_start=datetime.date(2025, 6, 1), period_end=datetime.date(2025, 1, 1))


def test_finalise_and_its_consequences_commit_together_or_not_at_all(world, monkeypatch):
    h = world
    evaluation = scored(h, h.midterm, D("0.9"), contract=h.contract)

    def broken(**kwargs):
        raise RuntimeError("payments unavailable")

    monkeypatch.setattr(services.project_services, "installment_release", broken)
    with pytest.raises(RuntimeError):
        services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation, on_date=FRIDAY_BEFORE_NATIONAL_DAY)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED and evaluation.consequences_applied_at is None
    assert not ContractEvaluation.objects.filter(contract=h.contract).exists()
    monkeypatch.undo()
    services.evaluation_finalise(actor=h.staff_a, evaluation=evaluation, on_date=FRIDAY_BEFORE_NATIONAL_DAY)
    assert installment(h.contract, InstallmentTrigger.MIDTERM_PASSED).due_on == DUE_15_WORKING_DAYS_LATER
