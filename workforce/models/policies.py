"""Stipend rates: each one set by a policy document, for the document's region."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import Scope, ScopedQuerySet
from stations.models import PolicyDocument, Region, Station, ancestor_codes
from workforce.models.choices import CertificateLevel, StipendKind


class RegionPolicyQuerySet(ScopedQuerySet):
    """Rates of the user's region, its ancestors (which apply to it) and its descendants."""

    region_code_path = "region__code"

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.prefix:
            return Q(region__code__startswith=scope.prefix) | Q(region__code__in=ancestor_codes(scope.prefix))
        if scope.station_id:
            station = Station.objects.filter(pk=scope.station_id).values_list("region__code", flat=True).first()
            return Q(region__code__in=ancestor_codes(station)) if station else None
        return None


class StipendPolicy(models.Model):
    """One rate a document sets: ``amount`` yuan of a kind for a certificate level, in the
    document's region, from the document's date (or a date it names) to an optional end.
    For one kind and level, the nearest region's rate in force applies; within a region,
    the latest document's."""

    document = models.ForeignKey(PolicyDocument, verbose_name=_("政策文件"), on_delete=models.PROTECT,
                                 related_name="stipends")
    region = models.ForeignKey(Region, verbose_name=_("适用区划"), on_delete=models.PROTECT,
                               related_name="stipend_policies", blank=True,
                               help_text=_("政策文件的适用区划；留空时按文件填写。"))
    kind = models.CharField(_("补贴类别"), max_length=20, choices=StipendKind.choices)
    level = models.PositiveSmallIntegerField(_("证书等级"), choices=CertificateLevel.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal(0), message=_("金额不能为负数。"))])
    effective_from = models.DateField(_("生效日期"), blank=True, help_text=_("留空时为政策文件的施行日期。"))
    effective_to = models.DateField(_("截止日期"), null=True, blank=True)
    clause = models.CharField(_("条款"), max_length=100, blank=True, help_text=_("如：第三条第（二）项。"))
    quote = models.CharField(_("原文摘录"), max_length=300, blank=True)

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
            models.UniqueConstraint(fields=["document", "kind", "level", "effective_from"],
                                    name="stipend_unique_document_start"),
        ]

    def __str__(self):
        return f"{self.region} {self.get_kind_display()} {self.get_level_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if self.document_id:
            if not self.region_id:
                self.region_id = self.document.region_id
            if self.effective_from is None:
                self.effective_from = self.document.effective_from
        super().save(*args, **kwargs)

    def clean(self):
        document = self.document if self.document_id else None
        if document is not None:
            if document.region_id is None:
                raise ValidationError({"document": _("该政策文件的适用区划无法确定，不能据此设定补贴标准。")})
            if not self.region_id:
                self.region = document.region
            elif self.region_id != document.region_id:
                raise ValidationError({"region": _("补贴标准的适用区划须为政策文件的适用区划（%(region)s）。") % {
                    "region": document.region.name}})
            if self.effective_from is None:
                self.effective_from = document.effective_from
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("截止日期不能早于生效日期。")})
        if document is not None and self.kind and self.level and self.effective_from:
            end = self.effective_to or datetime.date.max
            clash = StipendPolicy.objects.filter(document=document, kind=self.kind, level=self.level).filter(
                Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from),
                effective_from__lte=end).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(_("该政策文件同一类别、同一等级的补贴标准在此期间已有一条，请先为旧标准填写截止日期。"))

    def in_force_on(self, on_date: datetime.date) -> bool:
        """The rate's own period covers the date and its document is in force then."""
        return (self.effective_from <= on_date and (self.effective_to is None or self.effective_to >= on_date)
                and self.document.in_force_on(on_date))

    @property
    def citation(self) -> str:
        from stations.selectors.policies import citation

        return citation(self.document, self.clause, self.quote)
