"""Building standards per province (湖北“五有”, 甘肃“六有”, …) and a station's
acceptance check against them, item by item."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import ScopedQuerySet
from stations.models.policies import PolicyDocument
from stations.models.regions import Region, RegionLevel
from stations.models.stations import StationAcceptance


class ItemMetric(models.TextChoices):
    """Station figures an item's minimum is checked against (see ``stations.metrics``)."""

    SITE_AREA = "site_area_m2", _("场地面积（平方米）")
    RESIDENT_SOCIAL_WORKERS = "resident_social_workers", _("驻站社工人数")
    STATION_HEADS = "station_heads", _("站长人数")
    STAFF_TOTAL = "staff_total", _("工作人员总数")


class StandardChecklistQuerySet(ScopedQuerySet):
    region_code_path = "province__code"

    def scope_q(self, scope):
        # Everyone below the province reads their province's checklist.
        if scope.prefix:
            return Q(province__code__startswith=scope.prefix[:2])
        return super().scope_q(scope)


class StandardChecklist(models.Model):
    province = models.ForeignKey(
        Region, verbose_name=_("省份"), on_delete=models.PROTECT, related_name="standard_checklists",
        limit_choices_to={"level": RegionLevel.PROVINCE},
    )
    name = models.CharField(_("标准名称"), max_length=50, help_text=_("如：五有、六有、五要"))
    description = models.TextField(_("说明"), blank=True)
    document = models.ForeignKey(PolicyDocument, verbose_name=_("政策文件"), on_delete=models.PROTECT,
                                 related_name="checklists")
    clause = models.CharField(_("条款"), max_length=100, blank=True)
    quote = models.CharField(_("原文摘录"), max_length=300, blank=True)
    is_active = models.BooleanField(_("现行有效"), default=True)

    objects = StandardChecklistQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("建设标准历史"))

    class Meta:
        verbose_name = _("建设标准")
        verbose_name_plural = _("建设标准")
        ordering = ["province__code", "name"]
        constraints = [models.UniqueConstraint(fields=["document", "name"], name="checklist_unique_document_name")]

    def __str__(self):
        return f"{self.province}“{self.name}”"

    @property
    def citation(self) -> str:
        from stations.selectors.policies import citation

        return citation(self.document, self.clause, self.quote)

    def clean(self):
        if self.province_id and self.province.level != RegionLevel.PROVINCE:
            raise ValidationError({"province": _("建设标准只能按省设置。")})
        if self.document_id and self.province_id and self.document.region_id != self.province_id:
            raise ValidationError({"document": _("建设标准只能由适用于该省的政策文件设定。")})


class StandardItemQuerySet(ScopedQuerySet):
    region_code_path = "checklist__province__code"

    def scope_q(self, scope):
        if scope.prefix:
            return Q(checklist__province__code__startswith=scope.prefix[:2])
        return super().scope_q(scope)


class StandardItem(models.Model):
    checklist = models.ForeignKey(StandardChecklist, verbose_name=_("建设标准"), on_delete=models.CASCADE,
                                  related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("条目"), max_length=50)
    requirement = models.TextField(_("具体要求"), blank=True)
    metric = models.CharField(
        _("按数据核验的指标"), max_length=40, choices=ItemMetric.choices, blank=True,
        help_text=_("填写后按系统数据核验最低值；数据缺失时人工勾选。"),
    )
    minimum = models.DecimalField(_("最低值"), max_digits=10, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(0)],
                                  help_text=_("只填文件写明的数值；文件未规定时留空，由人工核验。"))
    clause = models.CharField(_("条款"), max_length=100, blank=True)
    quote = models.CharField(_("原文摘录"), max_length=300, blank=True)

    objects = StandardItemQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("标准条目历史"))

    class Meta:
        verbose_name = _("标准条目")
        verbose_name_plural = _("标准条目")
        ordering = ["checklist", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minimum__gte=0) | Q(minimum__isnull=True),
                                   name="standard_item_minimum_non_negative"),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    def clean(self):
        if bool(self.metric) != (self.minimum is not None):
            raise ValidationError({"minimum": _("按数据核验的指标与最低值须同时填写或同时留空。")})


class ItemSource(models.TextChoices):
    DATA = "data", _("系统数据")
    MANUAL = "manual", _("人工勾选")


class AcceptanceItemResultQuerySet(ScopedQuerySet):
    region_code_path = "acceptance__station__region__code"
    station_path = "acceptance__station_id"


class AcceptanceItemResult(models.Model):
    """One item of a dated acceptance check: met or not, and how that was decided."""

    acceptance = models.ForeignKey(StationAcceptance, verbose_name=_("站点验收"), on_delete=models.CASCADE,
                                   related_name="item_results")
    item = models.ForeignKey(StandardItem, verbose_name=_("标准条目"), on_delete=models.PROTECT,
                             related_name="results")
    met = models.BooleanField(_("是否达到"))
    source = models.CharField(_("核验方式"), max_length=10, choices=ItemSource.choices)
    measured = models.DecimalField(_("核验数值"), max_digits=10, decimal_places=2, null=True, blank=True)

    objects = AcceptanceItemResultQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("验收条目历史"))

    class Meta:
        verbose_name = _("验收条目结果")
        verbose_name_plural = _("验收条目结果")
        ordering = ["acceptance", "item__position", "item_id"]
        constraints = [models.UniqueConstraint(fields=["acceptance", "item"], name="acceptance_item_unique")]

    def __str__(self):
        return f"{self.acceptance} {self.item}"
