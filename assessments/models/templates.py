"""Evaluation templates: a province's weighted indicators for one kind of evaluation.

How a total is computed (the one rule everywhere, see :meth:`EvaluationTemplate.total_for`):
each dimension contributes ``sum(indicator scores) / sum(indicator maxima) × weight``;
the total is the sum of the dimension contributions, rounded half-up to two decimals;
the grade is read from that rounded total against the template's bands
(excellent ≥ ``excellent_min``, good ≥ ``good_min``, pass ≥ ``pass_min``, else fail).
Weights of a published template add up to exactly 100, so the total lies in [0, 100].
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models.choices import (
    CENT,
    HUNDRED,
    EvaluationKind,
    Grade,
    PublishedTemplateError,
    TemplateStatus,
    plain,
)
from core.scope import Scope, ScopedQuerySet
from stations.models import Region, RegionLevel


def _province_q(scope: Scope, path: str) -> Q | None:
    if scope.prefix:
        # Regional staff see their own province's templates.
        return Q(**{f"{path}__code__startswith": scope.prefix[:2]})
    if scope.organisation_id:
        return Q(**{f"{path.rsplit('province', 1)[0]}evaluations__evaluator_id": scope.organisation_id})
    return None


class EvaluationTemplateQuerySet(ScopedQuerySet):
    region_code_path = "province__code"
    scope_needs_distinct = True

    def scope_q(self, scope: Scope) -> Q | None:
        return _province_q(scope, "province")

    def published(self):
        return self.filter(status=TemplateStatus.PUBLISHED)


class EvaluationTemplate(models.Model):
    """One version of a province's template for one kind of evaluation."""

    province = models.ForeignKey(
        Region, verbose_name=_("省份"), on_delete=models.PROTECT, related_name="evaluation_templates",
        limit_choices_to={"level": RegionLevel.PROVINCE},
    )
    kind = models.CharField(_("评估类型"), max_length=30, choices=EvaluationKind.choices)
    name = models.CharField(_("模板名称"), max_length=200)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self", verbose_name=_("上一版本"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="next_version", editable=False,
    )
    status = models.CharField(_("状态"), max_length=20, choices=TemplateStatus.choices,
                              default=TemplateStatus.DRAFT, editable=False)
    excellent_min = models.DecimalField(_("优秀最低分"), max_digits=5, decimal_places=2, default=Decimal("90"),
                                        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)])
    good_min = models.DecimalField(_("良好最低分"), max_digits=5, decimal_places=2, default=Decimal("80"),
                                   validators=[MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)])
    pass_min = models.DecimalField(_("合格最低分"), max_digits=5, decimal_places=2, default=Decimal("60"),
                                   validators=[MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)])
    description = models.TextField(_("说明"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)

    objects = EvaluationTemplateQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("评估模板历史"))

    class Meta:
        verbose_name = _("评估模板")
        verbose_name_plural = _("评估模板")
        ordering = ["province__code", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["province", "kind", "version"], name="template_unique_version"),
            models.CheckConstraint(
                condition=Q(pass_min__gt=0) & Q(good_min__gt=models.F("pass_min"))
                & Q(excellent_min__gt=models.F("good_min")) & Q(excellent_min__lte=100),
                name="template_grade_bands_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()} v{self.version}）"

    def save(self, *args, **kwargs):
        self.guard_unpublished()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.guard_unpublished()
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == TemplateStatus.PUBLISHED

    def clean(self):
        if self.province_id and self.province.level != RegionLevel.PROVINCE:
            raise ValidationError({"province": _("评估模板须属于省级区划。")})
        if self._state.adding and self.province_id and self.kind:
            # A new template for a province and kind continues its version numbering.
            latest = EvaluationTemplate.objects.filter(province_id=self.province_id, kind=self.kind).aggregate(
                v=models.Max("version"))["v"]
            if latest and self.version <= latest:
                self.version = latest + 1
        bands = (self.pass_min, self.good_min, self.excellent_min)
        if None not in bands and not (Decimal("0") < self.pass_min < self.good_min < self.excellent_min <= HUNDRED):
            raise ValidationError(_("等级分数线须满足：0 < 合格 < 良好 < 优秀 ≤ 100。"))
        self.guard_unpublished()

    def guard_unpublished(self):
        """Refuse a change to a template stored as published: a change is a new version."""
        if self.pk and EvaluationTemplate.objects.filter(pk=self.pk, status=TemplateStatus.PUBLISHED).exists():
            raise PublishedTemplateError(_("模板“%(name)s”已发布，不能修改；请创建新版本。") % {"name": self.name})

    def grade_for(self, total: Decimal) -> str:
        if total >= self.excellent_min:
            return Grade.EXCELLENT
        if total >= self.good_min:
            return Grade.GOOD
        if total >= self.pass_min:
            return Grade.PASS
        return Grade.FAIL

    @staticmethod
    def dimension_points(weight: Decimal, scored: Decimal, maximum: Decimal) -> Decimal:
        """A dimension's contribution: its share of attainable points times its weight (unrounded)."""
        if not maximum:
            return Decimal("0")
        return scored / maximum * weight

    @staticmethod
    def round_total(value: Decimal) -> Decimal:
        return value.quantize(CENT, rounding=ROUND_HALF_UP)

    def publication_errors(self) -> list[str]:
        """Why this template cannot be published (empty when it can)."""
        errors = []
        dimensions = list(self.dimensions.prefetch_related("indicators"))
        if not dimensions:
            errors.append(_("模板至少需要一个评估维度。"))
        total_weight = sum((d.weight for d in dimensions), Decimal("0"))
        if dimensions and total_weight != HUNDRED:
            errors.append(_("各维度权重之和须为100，当前为 %(sum)s。") % {"sum": plain(total_weight)})
        for dimension in dimensions:
            indicators = list(dimension.indicators.all())
            if not indicators:
                errors.append(_("维度“%(name)s”没有指标。") % {"name": dimension.name})
            for indicator in indicators:
                if indicator.max_score <= 0:
                    errors.append(_("指标“%(name)s”的满分须大于0。") % {"name": indicator.name})
        return errors


class _TemplatePartQuerySet(ScopedQuerySet):
    template_path = "template__"
    scope_needs_distinct = True

    def scope_q(self, scope: Scope) -> Q | None:
        return _province_q(scope, f"{self.template_path}province")


class DimensionQuerySet(_TemplatePartQuerySet):
    region_code_path = "template__province__code"


class IndicatorQuerySet(_TemplatePartQuerySet):
    region_code_path = "dimension__template__province__code"
    template_path = "dimension__template__"


class _TemplatePart(models.Model):
    """Dimensions and indicators share the published-template guard."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def clean(self):
        self._guard()

    def owning_template(self) -> EvaluationTemplate | None:
        raise NotImplementedError

    def _guard(self):
        template = self.owning_template()
        if template is not None:
            template.guard_unpublished()
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None and stored.owning_template() is not None:
                stored.owning_template().guard_unpublished()


class Dimension(_TemplatePart):
    """A weighted group of indicators, e.g. 行政监管 (administrative supervision)."""

    template = models.ForeignKey(EvaluationTemplate, verbose_name=_("评估模板"), on_delete=models.CASCADE,
                                 related_name="dimensions")
    name = models.CharField(_("维度名称"), max_length=100)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(HUNDRED)])
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = DimensionQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("评估维度历史"))

    class Meta:
        verbose_name = _("评估维度")
        verbose_name_plural = _("评估维度")
        ordering = ["template", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "name"], name="dimension_unique_name"),
            models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=100), name="dimension_weight_range"),
        ]

    def __str__(self):
        return f"{self.name}（{plain(self.weight)}%）"

    def owning_template(self):
        return self.template if self.template_id else None


class Indicator(_TemplatePart):
    """One scored item with its maximum and the guidance evaluators follow."""

    dimension = models.ForeignKey(Dimension, verbose_name=_("评估维度"), on_delete=models.CASCADE,
                                  related_name="indicators")
    name = models.CharField(_("指标名称"), max_length=200)
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=2,
                                    validators=[MinValueValidator(Decimal("0.01"))])
    guidance = models.TextField(_("评分说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("评估指标历史"))

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["dimension__order", "dimension_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "name"], name="indicator_unique_name"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="indicator_max_positive"),
        ]

    def __str__(self):
        return f"{self.name}（{plain(self.max_score)}分）"

    def owning_template(self):
        return self.dimension.template if self.dimension_id else None
