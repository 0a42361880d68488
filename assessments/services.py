"""Writes for templates and evaluations; each takes the acting user and is audited.

Finalising an evaluation applies its consequences through the services of the apps
they touch (payments and renewals in ``projects``, station acceptance in ``stations``),
in the same transaction, exactly once. Those consequences belong to the purchaser: a county's
own evaluation releases installments, blocks renewal and records a station's acceptance; a
city's or province's spot check (抽查) only records its result on the contract, for the county
and the bureaus above it to see.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions
from assessments.models import (
    Dimension,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    EvaluationTemplate,
    Evidence,
    Indicator,
    Score,
    TemplateStatus,
)
from assessments.scoring import evaluation_breakdown
from core.audit import delete_audited, edit_token, save_audited
from projects import services as project_services
from projects.models import InstallmentTrigger
from stations import services as station_services

RELEASES = {EvaluationKind.MIDTERM: InstallmentTrigger.MIDTERM_PASSED,
            EvaluationKind.FINAL: InstallmentTrigger.FINAL_PASSED}


# ---------------------------------------------------------------- templates

@transaction.atomic
def template_publish(*, actor, template: EvaluationTemplate) -> EvaluationTemplate:
    """Publish a draft template after checking weights, indicators and maxima; it is then immutable."""
    template = EvaluationTemplate.objects.select_for_update().get(pk=template.pk)
    if template.is_published:
        raise ValidationError(_("模板“%(name)s”已发布。") % {"name": template.name})
    errors = template.publication_errors()
    if errors:
        raise ValidationError(errors)
    template.status = TemplateStatus.PUBLISHED
    template.published_at = timezone.now()
    save_audited(template, actor=actor, update_fields=["status", "published_at"], reason=_("发布模板"))
    return template


@transaction.atomic
def template_new_version(*, actor, template: EvaluationTemplate) -> EvaluationTemplate:
    """A draft copy of a published template (dimensions and indicators included) with the next
    version number. Evaluations already made keep the version they used."""
    if not template.is_published:
        raise ValidationError(_("草稿模板可直接修改，无需创建新版本。"))
    if EvaluationTemplate.objects.filter(previous=template).exists():
        raise ValidationError(_("该版本已有后续版本，请在最新版本上修改。"))
    latest = EvaluationTemplate.objects.filter(province=template.province, kind=template.kind).aggregate(
        v=Max("version"))["v"] or 0
    copy = EvaluationTemplate(
        province=template.province, kind=template.kind, name=template.name, version=latest + 1, previous=template,
        excellent_min=template.excellent_min, good_min=template.good_min, pass_min=template.pass_min,
        description=template.description,
    )
    save_audited(copy, actor=actor, reason=_("由第 %(v)s 版创建新版本") % {"v": template.version})
    for dimension in template.dimensions.order_by("order", "pk").prefetch_related("indicators"):
        new_dimension = Dimension(template=copy, name=dimension.name, weight=dimension.weight, order=dimension.order)
        save_audited(new_dimension, actor=actor)
        for indicator in dimension.indicators.all():
            save_audited(Indicator(dimension=new_dimension, name=indicator.name, max_score=indicator.max_score,
                                   guidance=indicator.guidance, order=indicator.order), actor=actor)
    return copy


# ---------------------------------------------------------------- evaluations

@transaction.atomic
def evaluation_create(*, actor, template: EvaluationTemplate, period_start: datetime.date,
                      period_end: datetime.date, contract=None, station=None, evaluator=None,
                      initiating_region=None) -> Evaluation:
    """Start an evaluation on behalf of the actor's bureau: county staff start their county's own,
    city and provincial staff a spot check (抽查) of a county in their city or province.
    ``initiating_region`` names another bureau only for superusers (default: the evaluated county)."""
    evaluation = Evaluation(template=template, contract=contract, station=station, period_start=period_start,
                            period_end=period_end, evaluator=evaluator, created_by=actor)
    county = evaluation.placing_county()
    initiating_region = initiating_region or permissions.bureau_of(actor) or county
    if county is None or not permissions.can_create_evaluation(actor, county, initiating_region):
        raise PermissionDenied(_("只有被评估对象所在县（市、区）的民政部门可以发起评估，"
                                 "其所属市、省的民政部门可以发起抽查。"))
    evaluation.county, evaluation.initiating_region = county, initiating_region
    save_audited(evaluation, actor=actor, reason=_("发起%(origin)s") % {"origin": evaluation.origin_label})
    return evaluation


def _locked(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update(of=("self",)).select_related(
        "template", "county", "initiating_region", "contract", "station").get(pk=evaluation.pk)


def _not_yours(evaluation: Evaluation, action: str) -> PermissionDenied:
    return PermissionDenied(_("只有发起该评估的%(region)s民政部门可以%(action)s（本评估为%(origin)s）。") % {
        "region": evaluation.initiating_region.name, "action": action, "origin": evaluation.origin_label})


def _refresh_total(evaluation: Evaluation) -> None:
    result = evaluation_breakdown(evaluation)
    evaluation.total = result.total
    evaluation.grade = result.grade


@transaction.atomic
def evaluation_save_scores(*, actor, evaluation: Evaluation, scores: dict[int, tuple[Decimal | None, str]],
                           comments: str | None = None, expected_token: str | None = None) -> Evaluation:
    """Store scores ({indicator pk: (score or None, comment)}) of a draft evaluation and recompute
    its total. Every score is checked against its indicator's maximum; nothing is saved if any fails.

    ``expected_token`` is the evaluation's :func:`edit_token` when the scorer opened the form: if
    another scorer saved since, nothing is saved (the row lock makes the check race-free)."""
    evaluation = _locked(evaluation)
    if expected_token is not None and edit_token(evaluation) != expected_token:
        raise ValidationError(_("该评估的评分已被他人修改（您打开评分表之后有人保存过），本次保存未生效。"
                                "您填写的内容仍保留在表单中，请在新窗口打开评分表查看最新评分后再合并修改。"),
                              code="stale")
    if not permissions.can_score_evaluation(actor, evaluation):
        raise PermissionDenied(_("该评估当前不能由您评分（只有评分中的评估可由指定评估方评分）。"))
    indicators = {i.pk: i for i in Indicator.objects.filter(dimension__template=evaluation.template)
                  .select_related("dimension")}
    existing = {s.indicator_id: s for s in evaluation.scores.all()}
    errors = []
    for indicator_pk, (value, comment) in scores.items():
        indicator = indicators.get(indicator_pk)
        if indicator is None:
            errors.append(_("指标 %(pk)s 不属于本次评估的模板。") % {"pk": indicator_pk})
            continue
        score = existing.get(indicator_pk)
        if value is None:
            if score is not None:
                delete_audited(score, actor=actor)
            continue
        if score is None:
            score = Score(evaluation=evaluation, indicator=indicator)
        if score.pk and score.score == value and score.comment == (comment or ""):
            continue
        score.score, score.comment = value, comment or ""
        try:
            save_audited(score, actor=actor)
        except ValidationError as exc:
            errors.extend(f"{indicator.dimension.name} / {indicator.name}：{m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)
    if comments is not None:
        evaluation.comments = comments
    _refresh_total(evaluation)
    save_audited(evaluation, actor=actor, update_fields=["comments", "total", "grade"], reason=_("保存评分"))
    return evaluation


@transaction.atomic
def evaluation_submit(*, actor, evaluation: Evaluation) -> Evaluation:
    evaluation = _locked(evaluation)
    if evaluation.status != EvaluationStatus.DRAFT:
        raise ValidationError(_("该评估已提交，不能重复提交。"))
    if not permissions.can_submit_evaluation(actor, evaluation):
        raise PermissionDenied(_("您不能提交该评估。"))
    result = evaluation_breakdown(evaluation)
    if result.missing:
        raise ValidationError(_("还有 %(n)s 项指标未评分：%(names)s。") % {
            "n": len(result.missing), "names": "、".join(i.name for i in result.missing)})
    evaluation.total, evaluation.grade = result.total, result.grade
    evaluation.status = EvaluationStatus.SUBMITTED
    evaluation.submitted_at, evaluation.submitted_by = timezone.now(), actor
    evaluation.returned_reason = ""
    save_audited(evaluation, actor=actor, reason=_("提交评分"), update_fields=[
        "total", "grade", "status", "submitted_at", "submitted_by", "returned_reason"])
    return evaluation


@transaction.atomic
def evaluation_return(*, actor, evaluation: Evaluation, reason: str) -> Evaluation:
    """Send a submitted evaluation back to its scorer with a reason."""
    evaluation = _locked(evaluation)
    if not permissions.can_manage_evaluation(actor, evaluation):
        raise _not_yours(evaluation, _("退回评估"))
    if not permissions.can_return_evaluation(actor, evaluation):
        raise ValidationError(_("只有已提交、未确认的评估可以退回。"))
    if not (reason or "").strip():
        raise ValidationError(_("请填写退回原因。"))
    evaluation.status = EvaluationStatus.DRAFT
    evaluation.returned_reason = reason.strip()
    save_audited(evaluation, actor=actor, update_fields=["status", "returned_reason"], reason=reason.strip())
    return evaluation


@transaction.atomic
def evaluation_finalise(*, actor, evaluation: Evaluation, on_date: datetime.date | None = None) -> Evaluation:
    """Confirm a submitted evaluation and apply its consequences, once.

    The row is locked, so two concurrent finalisations serialise: the second finds the
    evaluation finalised and is refused; ``consequences_applied_at`` guards the rest."""
    evaluation = _locked(evaluation)
    if not permissions.can_manage_evaluation(actor, evaluation):
        raise _not_yours(evaluation, _("确认评估结果"))
    if evaluation.status == EvaluationStatus.FINALISED:
        raise ValidationError(_("该评估已确认，结果已应用，不能重复确认。"))
    if evaluation.status != EvaluationStatus.SUBMITTED:
        raise ValidationError(_("该评估尚未提交评分，不能确认。"))
    if not permissions.can_finalise_evaluation(actor, evaluation):
        raise _not_yours(evaluation, _("确认评估结果"))
    _refresh_total(evaluation)
    evaluation.status = EvaluationStatus.FINALISED
    evaluation.finalised_on = on_date or timezone.localdate()
    evaluation.finalised_by = actor
    save_audited(evaluation, actor=actor, reason=_("确认评估结果"), update_fields=[
        "total", "grade", "status", "finalised_on", "finalised_by"])
    if evaluation.consequences_applied_at is None:
        _apply_consequences(actor=actor, evaluation=evaluation)
        evaluation.consequences_applied_at = timezone.now()
        save_audited(evaluation, actor=actor, update_fields=["consequences_applied_at"], reason=_("应用评估结果"))
    return evaluation


def _apply_consequences(*, actor, evaluation: Evaluation) -> None:
    kind, passed, on_date = evaluation.template.kind, evaluation.passed, evaluation.finalised_on
    if evaluation.contract_id:
        project_services.contract_record_evaluation(
            actor=actor, contract=evaluation.contract, kind=kind, kind_label=evaluation.kind_label,
            evaluated_on=on_date, score=evaluation.total, grade=evaluation.get_grade_display(), passed=passed,
            reference=evaluation.reference,
        )
    if evaluation.is_spot_check:
        return  # payments, renewal and acceptance follow the purchaser's own evaluations
    if evaluation.contract_id:
        if passed and kind in RELEASES:
            project_services.installment_release(actor=actor, contract=evaluation.contract, trigger=RELEASES[kind],
                                                 on_date=on_date)
        if not passed and kind == EvaluationKind.ANNUAL:
            project_services.contract_mark_not_renewable(
                actor=actor, contract=evaluation.contract,
                reason=_("%(year)s年度评估不合格（%(total)s分），不予续签，须重新采购。") % {
                    "year": evaluation.period_end.year, "total": evaluation.total},
            )
    if evaluation.station_id and passed and kind == EvaluationKind.STATION_ACCEPTANCE:
        station_services.station_record_acceptance(
            actor=actor, station=evaluation.station, checked_on=on_date, passed=True,
            source=_("%(template)s，%(total)s分（%(grade)s）") % {
                "template": evaluation.template.name, "total": evaluation.total,
                "grade": evaluation.get_grade_display()},
            notes=evaluation.reference,
        )


@transaction.atomic
def evidence_add(*, actor, evaluation: Evaluation, file, title: str = "") -> Evidence:
    if not permissions.can_add_evidence(actor, evaluation):
        raise PermissionDenied(_("该评估当前不能上传附件。"))
    evidence = Evidence(evaluation=evaluation, file=file, title=title, uploaded_by=actor)
    save_audited(evidence, actor=actor, reason=_("上传评估附件"))
    return evidence
