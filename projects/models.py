from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.validators import validate_credit_code
from stations.models import Region, Station
from stations.scope import Scope, ScopedQuerySet


class Rating(models.TextChoices):
    A1 = "1A", "1A"
    A2 = "2A", "2A"
    A3 = "3A", "3A"
    A4 = "4A", "4A"
    A5 = "5A", "5A"


class OrganisationQuerySet(ScopedQuerySet):
    """Organisations registered in the user's region, or holding a contract bought there."""

    region_code_path = "region__code"
    scope_needs_distinct = True

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.prefix:
            return Q(region__code__startswith=scope.prefix) | Q(
                contracts__purchaser__code__startswith=scope.prefix
            )
        if scope.organisation_id:
            return Q(pk=scope.organisation_id)
        if scope.station_id:
            return Q(contracts__stations__pk=scope.station_id)
        return None


class Organisation(models.Model):
    """A social work organisation (承接主体 or evaluator), keyed by its credit code."""

    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey(
        Region, verbose_name=_("登记地"), on_delete=models.PROTECT, related_name="organisations"
    )
    is_local = models.BooleanField(_("本地机构"), default=True)
    rating = models.CharField(_("评估等级"), max_length=2, choices=Rating.choices, blank=True)
    rating_year = models.PositiveSmallIntegerField(
        _("评级年度"), null=True, blank=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    has_party_organisation = models.BooleanField(_("建有党组织"), default=False)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("机构历史"))

    class Meta:
        verbose_name = _("社会工作服务机构")
        verbose_name_plural = _("社会工作服务机构")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        if self.rating and not self.rating_year:
            raise ValidationError({"rating_year": _("填写评估等级时须注明评级年度。")})


class OrganisationMember(models.Model):
    """Ties an evaluator's login to the evaluating organisation they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
        related_name="organisation_membership",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="members"
    )

    class Meta:
        verbose_name = _("机构用户")
        verbose_name_plural = _("机构用户")

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


class ContractQuerySet(ScopedQuerySet):
    region_code_path = "purchaser__code"
    scope_needs_distinct = True

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.station_id:
            return Q(stations__pk=scope.station_id)
        return super().scope_q(scope)


class Contract(models.Model):
    """A purchase-of-service contract bought by a region's civil-affairs bureau."""

    purchaser = models.ForeignKey(
        Region, verbose_name=_("购买方（民政部门所在区划）"), on_delete=models.PROTECT, related_name="contracts"
    )
    contractor = models.ForeignKey(
        Organisation, verbose_name=_("承接机构"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("合同编号"), max_length=60, unique=True)
    title = models.CharField(_("项目名称"), max_length=200)
    stations = models.ManyToManyField(Station, verbose_name=_("覆盖站点"), related_name="contracts", blank=True)
    award_notice_on = models.DateField(_("中标（成交）通知日期"), null=True, blank=True)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    starts_on = models.DateField(_("服务开始日期"))
    ends_on = models.DateField(_("服务结束日期"))
    amount = models.DecimalField(_("合同金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    social_workers_per_station = models.PositiveSmallIntegerField(_("每站驻站社工人数要求"), default=2)
    previous = models.OneToOneField(
        "self", verbose_name=_("续签自"), on_delete=models.PROTECT, null=True, blank=True, related_name="renewal"
    )
    renewable = models.BooleanField(_("可续签"), default=True)
    not_renewable_reason = models.CharField(_("不可续签原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ContractQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("合同历史"), m2m_fields=[stations])

    class Meta:
        verbose_name = _("购买服务合同")
        verbose_name_plural = _("购买服务合同")
        ordering = ["-starts_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="contract_ends_after_start"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("projects:contract-detail", kwargs={"pk": self.pk})

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("服务结束日期不能早于开始日期。")})


class InstallmentTrigger(models.TextChoices):
    EFFECTIVE = "effective", _("合同生效")
    MIDTERM_PASSED = "midterm_passed", _("中期评估合格")
    FINAL_PASSED = "final_passed", _("终期评估合格")
    OTHER = "other", _("其他")


class PaymentInstallmentQuerySet(ScopedQuerySet):
    region_code_path = "contract__purchaser__code"


class PaymentInstallment(models.Model):
    """One installment of a contract's payment schedule. Its due date starts
    when its trigger happens: 15 working days after it, by default."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="installments"
    )
    sequence = models.PositiveSmallIntegerField(_("期次"))
    trigger = models.CharField(_("支付条件"), max_length=20, choices=InstallmentTrigger.choices)
    percentage = models.DecimalField(
        _("比例（%）"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    triggered_on = models.DateField(_("条件达成日期"), null=True, blank=True)
    due_on = models.DateField(_("应付日期"), null=True, blank=True)

    objects = PaymentInstallmentQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("付款计划历史"))

    class Meta:
        verbose_name = _("付款分期")
        verbose_name_plural = _("付款分期")
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="installment_unique_sequence"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="installment_amount_non_negative"),
        ]

    def __str__(self):
        return f"{self.contract.number} #{self.sequence} {self.get_trigger_display()}"


class ContractEvaluationQuerySet(ScopedQuerySet):
    region_code_path = "contract__purchaser__code"

    def latest_per_contract(self):
        """The most recent finalised result of each contract."""
        newer = ContractEvaluation.objects.filter(
            contract=models.OuterRef("contract"), evaluated_on__gt=models.OuterRef("evaluated_on")
        )
        return self.exclude(models.Exists(newer))


class ContractEvaluation(models.Model):
    """A finalised evaluation result of a contract, as recorded by the assessments app.
    Contracts show their latest result without the projects app knowing evaluations."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="evaluation_results"
    )
    kind = models.CharField(_("评估类型"), max_length=30)
    kind_label = models.CharField(_("评估类型名称"), max_length=50)
    evaluated_on = models.DateField(_("评估完成日期"))
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("等级"), max_length=20)
    passed = models.BooleanField(_("是否合格"))
    reference = models.CharField(_("来源"), max_length=100, unique=True,
                                 help_text=_("产生该结果的评估记录，防止重复记录。"))

    objects = ContractEvaluationQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("合同评估结果历史"))

    class Meta:
        verbose_name = _("合同评估结果")
        verbose_name_plural = _("合同评估结果")
        ordering = ["contract", "-evaluated_on", "-pk"]

    def __str__(self):
        return f"{self.contract.number} {self.kind_label} {self.grade}"
