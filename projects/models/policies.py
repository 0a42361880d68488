"""Per-region procurement rules and the spending figures they are checked against."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import Scope, ScopedQuerySet
from stations.models import Region, RegionLevel, ancestor_codes
from stations.models.regions import LEVEL_ORDER


class ShareBasis(models.TextChoices):
    LAST_YEAR = "last_year", _("上年度社会救助支出")
    THIS_YEAR = "this_year", _("本年度社会救助支出")


class ProcurementPolicyQuerySet(ScopedQuerySet):
    """A user sees the policies of their region and below, and those that apply to them from above."""

    region_code_path = "region__code"

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.prefix:
            return Q(region__code__startswith=scope.prefix) | Q(region__code__in=ancestor_codes(scope.prefix))
        return None

    def for_region(self, region: Region) -> ProcurementPolicy | None:
        """The policy of the nearest region at or above ``region``."""
        codes = ancestor_codes(region.prefix)
        policies = {policy.region.code: policy for policy in self.filter(region__code__in=codes).select_related("region")}
        for code in reversed(codes):
            if code in policies:
                return policies[code]
        return None


class ProcurementPolicy(models.Model):
    """Purchase-of-service rules of a region; the nearest region's policy applies below it."""

    region = models.OneToOneField(Region, verbose_name=_("适用区划"), on_delete=models.PROTECT,
                                  related_name="procurement_policy")
    signing_within_days = models.PositiveSmallIntegerField(
        _("中标后签订期限（天）"), null=True, blank=True, default=30,
        help_text=_("留空则不检查。"))
    assistance_share_max = models.DecimalField(
        _("社会救助资金购买服务占比上限（%）"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    assistance_share_min = models.DecimalField(
        _("社会救助资金购买服务占比下限（%）"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    share_basis = models.CharField(_("占比计算基数"), max_length=10, choices=ShareBasis.choices,
                                   default=ShareBasis.LAST_YEAR)
    source = models.CharField(_("政策依据"), max_length=200, blank=True)

    objects = ProcurementPolicyQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("采购规则历史"))

    class Meta:
        verbose_name = _("购买服务规则")
        verbose_name_plural = _("购买服务规则")
        ordering = ["region__code"]

    def __str__(self):
        return f"{self.region} {self._meta.verbose_name}"

    def clean(self):
        if (self.assistance_share_max is not None and self.assistance_share_min is not None
                and self.assistance_share_min > self.assistance_share_max):
            raise ValidationError({"assistance_share_min": _("占比下限不能高于上限。")})
        if self.region_id and LEVEL_ORDER.index(self.region.level) > LEVEL_ORDER.index(RegionLevel.COUNTY):
            raise ValidationError({"region": _("购买服务规则只能设在省、市、县三级。")})


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
