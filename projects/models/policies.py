"""The spending figures the purchase rules of a region's policy documents are checked against.
(The rules themselves are ``stations.PolicyRule`` rows; their keys are in ``projects.rules``.)"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import ScopedQuerySet
from stations.models import Region, RegionLevel


class SocialAssistanceSpendingQuerySet(ScopedQuerySet):
    region_code_path = "region__code"


class SocialAssistanceSpending(models.Model):
    """A county's social-assistance spending in a year, entered by staff; the basis
    of the purchase-share check."""

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT,
                               related_name="assistance_spending")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = models.DecimalField(_("社会救助支出（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    source = models.CharField(_("数据来源"), max_length=200, blank=True)

    objects = SocialAssistanceSpendingQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("社会救助支出历史"))

    class Meta:
        verbose_name = _("社会救助支出")
        verbose_name_plural = _("社会救助支出")
        ordering = ["region__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="assistance_spending_one_per_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="assistance_spending_positive"),
        ]

    def __str__(self):
        return f"{self.region} {self.year}"

    def clean(self):
        if self.region_id and self.region.level != RegionLevel.COUNTY:
            raise ValidationError({"region": _("社会救助支出按县（市、区）录入。")})


class MinimumWageQuerySet(ScopedQuerySet):
    region_code_path = "region__code"

    def for_region(self, region: Region, year: int) -> MinimumWage | None:
        """The minimum wage of ``region`` in ``year``: its own entry, else the nearest enclosing
        region's (a province or city may set one for all its counties)."""
        codes = [region.code[:n].ljust(12, "0") for n in (6, 4, 2)]
        rows = {row.region.code: row for row in self.filter(region__code__in=codes, year=year).select_related("region")}
        return next((rows[code] for code in codes if code in rows), None)


class MinimumWage(models.Model):
    """The local monthly minimum wage (最低工资标准) of a region in a year, entered by its civil-affairs
    staff from the published standard; what a wage floor set as "minimum wage plus N%" is read against."""

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="minimum_wages")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    monthly_amount = models.DecimalField(_("月最低工资标准（元）"), max_digits=10, decimal_places=2,
                                         validators=[MinValueValidator(Decimal("0.01"))])
    source = models.CharField(_("数据来源"), max_length=200, blank=True,
                              help_text=_("发布该标准的文件或公告。"))

    objects = MinimumWageQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("最低工资标准历史"))

    class Meta:
        verbose_name = _("最低工资标准")
        verbose_name_plural = _("最低工资标准")
        ordering = ["region__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="minimum_wage_one_per_year"),
            models.CheckConstraint(condition=Q(monthly_amount__gt=0), name="minimum_wage_positive"),
        ]

    def __str__(self):
        return f"{self.region} {self.year} {self.monthly_amount}"

    def clean(self):
        if self.region_id and self.region.level not in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY):
            raise ValidationError({"region": _("最低工资标准按省、市或县（市、区）录入。")})
