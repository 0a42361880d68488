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
