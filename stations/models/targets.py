"""Coverage targets set by provinces (and cities or counties), and each
province's choice of which township-level units count towards coverage."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import ScopedQuerySet
from stations.models.policies import PolicyDocument
from stations.models.regions import Region, RegionKind, RegionLevel

TARGET_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
DEFAULT_COUNTED_KINDS = (RegionKind.XIANG, RegionKind.ZHEN, RegionKind.JIEDAO)


class TargetMetric(models.TextChoices):
    TOWNSHIP_COVERAGE_PCT = "township_coverage_pct", _("乡镇（街道）社工站覆盖率")
    STATIONS_PER_COUNTY_MIN = "stations_per_county_min", _("每县至少建成社工站数")
    CERTIFIED_SOCIAL_WORKERS = "certified_social_workers", _("持证社会工作者人数")
    SOCIAL_WORK_PROFESSIONALS = "social_work_professionals", _("社会工作专业人才人数")
    LOCAL_ORGANISATIONS_PER_COUNTY = "local_organisations_per_county", _("每县本地登记社会工作服务机构数")
    SOCIAL_WORK_ORGANISATIONS = "social_work_organisations", _("社会工作服务机构数")
    VILLAGE_COVERAGE_PCT = "village_coverage_pct", _("村（社区）社会工作服务覆盖率")


class TargetUnit(models.TextChoices):
    PERCENT = "percent", _("百分比")
    COUNT = "count", _("个数")


PERCENT_METRICS = {TargetMetric.TOWNSHIP_COVERAGE_PCT, TargetMetric.VILLAGE_COVERAGE_PCT}


class TargetQuerySet(ScopedQuerySet):
    region_code_path = "region__code"


class Target(models.Model):
    """A value a region must reach for a metric by a due date (e.g. 湖北省
    乡镇（街道）社工站覆盖率 70% by 2023-12-31). A province's target applies to each
    of its cities and counties unless they have their own."""

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="targets")
    metric = models.CharField(_("指标"), max_length=40, choices=TargetMetric.choices)
    due_on = models.DateField(_("完成期限"))
    value = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    unit = models.CharField(_("单位"), max_length=10, choices=TargetUnit.choices)
    document = models.ForeignKey(PolicyDocument, verbose_name=_("政策文件"), on_delete=models.PROTECT,
                                 related_name="targets")
    clause = models.CharField(_("条款"), max_length=100, blank=True)
    quote = models.CharField(_("原文摘录"), max_length=300, blank=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("目标历史"))

    class Meta:
        verbose_name = _("建设目标")
        verbose_name_plural = _("建设目标")
        ordering = ["region__code", "metric", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["document", "region", "metric", "due_on"],
                                    name="target_unique_document_region_metric_due"),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_non_negative"),
            models.CheckConstraint(condition=~Q(unit="percent") | Q(value__lte=100), name="target_percent_at_most_100"),
        ]

    def __str__(self):
        return f"{self.region} {self.get_metric_display()} {self.value_display} ({self.due_on})"

    @property
    def citation(self) -> str:
        from stations.selectors.policies import citation

        return citation(self.document, self.clause, self.quote)

    @property
    def value_display(self) -> str:
        value = self.value.normalize() if self.value == self.value.to_integral() else self.value
        return f"{value:f}%" if self.unit == TargetUnit.PERCENT else f"{value:f}"

    def clean(self):
        errors = {}
        if self.region_id and self.region.level not in TARGET_LEVELS:
            errors["region"] = _("目标只能设在省、市（州）或县（市、区）一级。")
        if self.metric in PERCENT_METRICS and self.unit and self.unit != TargetUnit.PERCENT:
            errors["unit"] = _("“%(metric)s”的单位应为百分比。") % {"metric": TargetMetric(self.metric).label}
        if self.metric and self.metric not in PERCENT_METRICS and self.unit == TargetUnit.PERCENT:
            errors["unit"] = _("“%(metric)s”的单位应为个数。") % {"metric": TargetMetric(self.metric).label}
        if self.unit == TargetUnit.PERCENT and self.value is not None and self.value > 100:
            errors["value"] = _("百分比目标不能超过100。")
        if self.document_id and self.region_id and self.document.region_id != self.region_id:
            errors["document"] = _("目标只能由适用于该区划的政策文件设定。")
        if errors:
            raise ValidationError(errors)


class CoverageSettingQuerySet(ScopedQuerySet):
    region_code_path = "province__code"


class CoverageSetting(models.Model):
    """A province's choice of what counts in the coverage denominator. Without a
    setting, only 乡、镇、街道 count; a provincial official may add the other
    township-level units (development zones, farms, offices)."""

    province = models.OneToOneField(
        Region, verbose_name=_("省份"), on_delete=models.PROTECT, related_name="coverage_setting",
        limit_choices_to={"level": RegionLevel.PROVINCE},
    )
    include_other_township = models.BooleanField(
        _("将其他乡级单位计入覆盖率"), default=False,
        help_text=_("开发区、农场、街道办以外的办事处等乡级单位是否计入乡镇（街道）总数。"),
    )

    objects = CoverageSettingQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("覆盖率口径历史"))

    class Meta:
        verbose_name = _("覆盖率统计口径")
        verbose_name_plural = _("覆盖率统计口径")
        ordering = ["province__code"]

    def __str__(self):
        return f"{self.province} {self._meta.verbose_name}"

    def clean(self):
        if self.province_id and self.province.level != RegionLevel.PROVINCE:
            raise ValidationError({"province": _("统计口径只能按省设置。")})

    @property
    def counted_kinds(self) -> tuple[str, ...]:
        if self.include_other_township:
            return (*DEFAULT_COUNTED_KINDS, RegionKind.OTHER_TOWNSHIP)
        return DEFAULT_COUNTED_KINDS


def counted_kinds_for(region: Region) -> tuple[str, ...]:
    """The township kinds that count towards coverage in the region's province."""
    province_code = region.code[:2].ljust(12, "0")
    setting = CoverageSetting.objects.filter(province__code=province_code).first()
    return setting.counted_kinds if setting else DEFAULT_COUNTED_KINDS
