"""The per-region rules applied to the workforce: qualification, training, staffing, stipends."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import Scope, ScopedQuerySet
from stations.models import Region, Station, ancestor_codes
from workforce.models.choices import CertificateLevel, Education, StaffingMode, StipendKind


class RegionPolicyQuerySet(ScopedQuerySet):
    """Policies of the user's region, its ancestors (which apply to it) and its descendants."""

    region_code_path = "region__code"

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.prefix:
            return Q(region__code__startswith=scope.prefix) | Q(region__code__in=ancestor_codes(scope.prefix))
        if scope.station_id:
            station = Station.objects.filter(pk=scope.station_id).values_list("region__code", flat=True).first()
            return Q(region__code__in=ancestor_codes(station)) if station else None
        return None

    def applying_to(self, code: str):
        """Rows set for the region with this 12-digit code or any of its ancestors, nearest first."""
        return self.filter(region__code__in=ancestor_codes(code)).order_by("-region__code")


class WorkforcePolicy(models.Model):
    """Thresholds a region sets for its workforce; the nearest ancestor's policy applies,
    the defaults (from the provincial documents) when no region sets one."""

    region = models.OneToOneField(Region, verbose_name=_("适用区划"), on_delete=models.PROTECT,
                                  related_name="workforce_policy")
    qualification_training_hours = models.DecimalField(
        _("取得专业资质所需认可培训学时"), max_digits=6, decimal_places=1, default=Decimal(60),
        validators=[MinValueValidator(Decimal(0))])
    qualification_deadline_years = models.PositiveSmallIntegerField(
        _("入职后取得专业资质期限（年）"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)])
    deadline_warning_days = models.PositiveSmallIntegerField(_("期限预警天数"), default=90)
    continuing_education_hours = models.DecimalField(
        _("每年继续教育学时"), max_digits=6, decimal_places=1, default=Decimal(60),
        validators=[MinValueValidator(Decimal(0))])
    max_hiring_age = models.PositiveSmallIntegerField(_("招聘年龄上限（周岁）"), default=45,
                                                      validators=[MinValueValidator(16), MaxValueValidator(70)])
    min_education = models.PositiveSmallIntegerField(_("最低学历"), choices=Education.choices,
                                                     default=Education.ASSOCIATE)
    supervisor_min_level = models.PositiveSmallIntegerField(
        _("督导最低证书等级"), choices=CertificateLevel.choices, default=CertificateLevel.INTERMEDIATE)
    staffing_mode = models.CharField(_("站点配备标准"), max_length=20, choices=StaffingMode.choices,
                                     default=StaffingMode.HEAD_AND_WORKERS)
    min_station_heads = models.PositiveSmallIntegerField(_("每站站长人数"), default=1)
    min_social_workers = models.PositiveSmallIntegerField(_("每站社工人数（不含站长）"), default=2)
    min_resident_social_workers = models.PositiveSmallIntegerField(_("每站驻站社工人数"), default=2)
    source = models.CharField(_("政策依据"), max_length=200, blank=True)

    objects = RegionPolicyQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("人才政策历史"))

    class Meta:
        verbose_name = _("社工人才政策")
        verbose_name_plural = _("社工人才政策")
        ordering = ["region__code"]

    def __str__(self):
        return _("%(region)s社工人才政策") % {"region": self.region} if self.region_id else str(_("默认社工人才政策"))


class StipendPolicy(models.Model):
    """One rate: a region pays ``amount`` yuan of a kind for a certificate level from a date.
    For one kind and level the nearest region's rate in force applies."""

    region = models.ForeignKey(Region, verbose_name=_("适用区划"), on_delete=models.PROTECT,
                               related_name="stipend_policies")
    kind = models.CharField(_("补贴类别"), max_length=20, choices=StipendKind.choices)
    level = models.PositiveSmallIntegerField(_("证书等级"), choices=CertificateLevel.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal(0), message=_("金额不能为负数。"))])
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("截止日期"), null=True, blank=True)
    source = models.CharField(_("政策依据"), max_length=200, blank=True)

    objects = RegionPolicyQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("补贴标准历史"))

    class Meta:
        verbose_name = _("社工补贴标准")
        verbose_name_plural = _("社工补贴标准")
        ordering = ["region__code", "kind", "level", "effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="stipend_amount_non_negative"),
            models.CheckConstraint(condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                                   name="stipend_period_order"),
            models.UniqueConstraint(fields=["region", "kind", "level", "effective_from"], name="stipend_unique_start"),
        ]

    def __str__(self):
        return f"{self.region} {self.get_kind_display()} {self.get_level_display()} {self.amount}"

    def clean(self):
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("截止日期不能早于生效日期。")})
        if self.region_id and self.kind and self.level and self.effective_from:
            end = self.effective_to or datetime.date.max
            clash = StipendPolicy.objects.filter(region_id=self.region_id, kind=self.kind, level=self.level).filter(
                Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from),
                effective_from__lte=end).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(_("该区划同一类别、同一等级的补贴标准在此期间已有一条，请先为旧标准填写截止日期。"))

    def in_force_on(self, on_date: datetime.date) -> bool:
        return self.effective_from <= on_date and (self.effective_to is None or self.effective_to >= on_date)
