"""Evaluations of a contract or a station, their scores and evidence."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models.choices import CONTRACT_KINDS, STATION_KINDS, EvaluationOrigin, Grade, plain
from assessments.models.templates import EvaluationTemplate, Indicator
from assessments.validators import validate_evidence_file
from core.scope import Scope, ScopedQuerySet
from projects.models import Contract, Organisation
from stations.models import Region, RegionLevel, Station


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("评分中")
    SUBMITTED = "submitted", _("已提交待确认")
    FINALISED = "finalised", _("已确认")


class EvaluationQuerySet(ScopedQuerySet):
    """County staff (and the city and province above) see their region's evaluations;
    an evaluator sees only the evaluations assigned to their organisation."""

    region_code_path = "county__code"

    def evaluator_q(self, scope: Scope) -> Q | None:
        return Q(evaluator_id=scope.organisation_id)

    def for_lists(self):
        return self.select_related("template", "contract", "station", "county", "initiating_region", "evaluator")

    def of_origin(self, origin: str):
        """The county's own evaluations, or the city's or the province's spot checks."""
        if origin == EvaluationOrigin.COUNTY:
            return self.filter(initiating_region=F("county"))
        return self.filter(initiating_region__level=origin).exclude(initiating_region=F("county"))


class Evaluation(models.Model):
    """One evaluation of a contract or a station for a period, on one template version."""

    template = models.ForeignKey(EvaluationTemplate, verbose_name=_("评估模板"), on_delete=models.PROTECT,
                                 related_name="evaluations")
    county = models.ForeignKey(Region, verbose_name=_("所属县（市、区）"), on_delete=models.PROTECT,
                               related_name="evaluations", editable=False)
    # The bureau that started it, and so the one that confirms or returns it: the evaluated county
    # itself, or the city or province above it running a spot check (抽查).
    initiating_region = models.ForeignKey(
        Region, verbose_name=_("发起单位"), on_delete=models.PROTECT, related_name="initiated_evaluations",
        editable=False, help_text=_("发起评估的民政部门：被评估的县（县级评估），或其所属的市、省（抽查）。"),
    )
    contract = models.ForeignKey(Contract, verbose_name=_("合同"), on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="evaluations")
    station = models.ForeignKey(Station, verbose_name=_("社工站"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="evaluations")
    period_start = models.DateField(_("评估期起"))
    period_end = models.DateField(_("评估期止"))
    evaluator = models.ForeignKey(
        Organisation, verbose_name=_("评估机构"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="evaluations", help_text=_("留空则由发起评估的民政部门自行评分。"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=EvaluationStatus.choices,
                              default=EvaluationStatus.DRAFT)
    comments = models.TextField(_("总体评价"), blank=True)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=20, choices=Grade.choices, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    finalised_on = models.DateField(_("确认日期"), null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    consequences_applied_at = models.DateTimeField(_("结果应用时间"), null=True, blank=True,
                                                   help_text=_("评估结果（付款、续签、验收）已应用的时间；只应用一次。"))
    returned_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = EvaluationQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("评估历史"))

    class Meta:
        verbose_name = _("评估")
        verbose_name_plural = _("评估")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(contract__isnull=False) & Q(station__isnull=True))
                | (Q(contract__isnull=True) & Q(station__isnull=False)),
                name="evaluation_contract_xor_station",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="evaluation_period_ordered"),
            models.CheckConstraint(condition=Q(total__isnull=True) | (Q(total__gte=0) & Q(total__lte=100)),
                                   name="evaluation_total_range"),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.subject_name} · {self.template.get_kind_display()} · {self.period_start}—{self.period_end}"

    def get_absolute_url(self):
        return reverse("assessments:evaluation-detail", kwargs={"pk": self.pk})

    @property
    def kind(self) -> str:
        return self.template.kind

    @property
    def origin(self) -> EvaluationOrigin:
        """The county's own evaluation, or a city's or province's spot check."""
        if self.initiating_region_id is None or self.initiating_region_id == self.county_id:
            return EvaluationOrigin.COUNTY
        level = self.initiating_region.level
        return EvaluationOrigin(level) if level in EvaluationOrigin.values else EvaluationOrigin.COUNTY

    @property
    def origin_label(self) -> str:
        return str(self.origin.label)

    @property
    def is_spot_check(self) -> bool:
        return self.origin != EvaluationOrigin.COUNTY

    @property
    def kind_label(self) -> str:
        """The template's kind, and for a spot check who ran it: "中期评估（市级抽查）"."""
        if self.is_spot_check:
            return _("%(kind)s（%(origin)s）") % {"kind": self.template.get_kind_display(), "origin": self.origin_label}
        return str(self.template.get_kind_display())

    @property
    def subject_name(self) -> str:
        if self.contract_id:
            return f"{self.contract.number} {self.contract.title}"
        return self.station.name if self.station_id else ""

    @property
    def passed(self) -> bool:
        return bool(self.grade) and self.grade != Grade.FAIL

    @property
    def reference(self) -> str:
        return f"assessments.Evaluation:{self.pk}"

    def clean(self):
        errors = {}
        if bool(self.contract_id) == bool(self.station_id):
            errors["contract"] = _("请选择被评估的合同或社工站（二者选一）。")
        if self.template_id:
            kind = self.template.kind
            if not self.template.is_published and not self.pk:
                errors["template"] = _("只能使用已发布的评估模板。")
            if kind in STATION_KINDS and not self.station_id:
                errors["station"] = _("%(kind)s须选择社工站。") % {"kind": self.template.get_kind_display()}
            if kind in CONTRACT_KINDS and not self.contract_id:
                errors["contract"] = _("%(kind)s须选择合同。") % {"kind": self.template.get_kind_display()}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("评估期止不能早于评估期起。")
        county = self.placing_county()
        if county is not None:
            self.county = county
            if self.template_id and county.code[:2] != self.template.province.code[:2]:
                errors["template"] = _("评估模板须是被评估对象所在省份的模板。")
            if self.initiating_region_id is None:
                self.initiating_region = county
            elif not self.may_be_initiated_by(self.initiating_region, county):
                errors["initiating_region"] = _("发起单位须是被评估的县（市、区），或其所属的市、省。")
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def may_be_initiated_by(region: Region, county: Region) -> bool:
        """The county itself, or the city or province it belongs to."""
        if region.pk == county.pk:
            return True
        return region.level in (RegionLevel.CITY, RegionLevel.PROVINCE) and county.code.startswith(region.prefix)

    def placing_county(self) -> Region | None:
        """The county whose staff own this evaluation: the contract's purchaser, or the station's county."""
        if self.contract_id:
            region = self.contract.purchaser
        elif self.station_id:
            region = self.station.region
        else:
            return None
        if region.level == RegionLevel.COUNTY:
            return region
        return Region.objects.filter(code=region.code[:6].ljust(12, "0"), level=RegionLevel.COUNTY).first() or region


class ScoreQuerySet(ScopedQuerySet):
    region_code_path = "evaluation__county__code"

    def evaluator_q(self, scope: Scope) -> Q | None:
        return Q(evaluation__evaluator_id=scope.organisation_id)


class Score(models.Model):
    """The score given to one indicator in one evaluation, within [0, the indicator's maximum]."""

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("评估"), on_delete=models.CASCADE,
                                   related_name="scores")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"))])
    comment = models.CharField(_("评分说明"), max_length=500, blank=True)

    objects = ScoreQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("评分历史"))

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["evaluation", "indicator__dimension__order", "indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="score_unique_indicator"),
            models.CheckConstraint(condition=Q(score__gte=0), name="score_non_negative"),
        ]

    def __str__(self):
        return f"{self.indicator.name}: {self.score}"

    def clean(self):
        if self.indicator_id and self.score is not None and self.score > self.indicator.max_score:
            raise ValidationError({"score": _("指标“%(name)s”得分 %(score)s 超过满分 %(max)s。") % {
                "name": self.indicator.name, "score": self.score, "max": plain(self.indicator.max_score)}})
        if self.indicator_id and self.evaluation_id and \
                self.indicator.dimension.template_id != self.evaluation.template_id:
            raise ValidationError({"indicator": _("该指标不属于本次评估使用的模板版本。")})


def evidence_path(instance, filename: str) -> str:
    """An unguessable folder per file: evidence is served only through the scoped download view."""
    return f"assessments/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename.rsplit('/', 1)[-1]}"


class EvidenceQuerySet(ScopedQuerySet):
    region_code_path = "evaluation__county__code"

    def evaluator_q(self, scope: Scope) -> Q | None:
        return Q(evaluation__evaluator_id=scope.organisation_id)


class Evidence(models.Model):
    """A file supporting an evaluation (photos, records, reports)."""

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("评估"), on_delete=models.CASCADE,
                                   related_name="evidence")
    file = models.FileField(_("附件"), upload_to=evidence_path, validators=[validate_evidence_file])
    title = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("评估附件历史"))

    class Meta:
        verbose_name = _("评估附件")
        verbose_name_plural = _("评估附件")
        ordering = ["evaluation", "uploaded_at", "pk"]

    def __str__(self):
        return self.title or self.filename

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
