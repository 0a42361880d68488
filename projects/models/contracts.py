"""Purchase-of-service contracts, their funding lines and evaluation results."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import Deadline, working_day_deadline
from core.scope import Scope, ScopedQuerySet
from projects.models.organisations import Organisation

# The service domains and target groups are the ones monthly reports use, so contracts and
# reports speak of the same services.
from stations.models import Region, ServiceDomain, Station, TargetGroup


class FilingStatus(models.TextChoices):
    FILED = "filed", _("已备案")
    OVERDUE = "overdue", _("逾期未备案")
    PENDING = "pending", _("待备案")
    UNSIGNED = "unsigned", _("未签订")


class ContractQuerySet(ScopedQuerySet):
    """County staff see what their county bought, cities their counties', the
    province everything in it; a station head the contracts covering the station;
    an evaluator the contracts held by their own organisation."""

    region_code_path = "purchaser__code"
    scope_needs_distinct = True

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.station_id:
            return Q(stations__pk=scope.station_id)
        return super().scope_q(scope)

    def evaluator_q(self, scope: Scope) -> Q | None:
        return Q(contractor_id=scope.organisation_id)

    def with_filing_status(self, today: datetime.date):
        return self.annotate(filing_state=Case(
            When(signed_on__isnull=True, then=Value(FilingStatus.UNSIGNED)),
            When(filed_on__isnull=False, then=Value(FilingStatus.FILED)),
            When(filing_due_on__lt=today, then=Value(FilingStatus.OVERDUE)),
            default=Value(FilingStatus.PENDING),
        ))

    def active_on(self, day: datetime.date):
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def expiring_within(self, days: int, today: datetime.date):
        return self.filter(ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=days))

    def overlapping(self, starts_on: datetime.date, ends_on: datetime.date):
        return self.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)

    def with_overdue_flag(self, today: datetime.date):
        from projects.models.payments import PaymentInstallment

        overdue = PaymentInstallment.objects.filter(contract=OuterRef("pk")).overdue(today)
        return self.annotate(has_overdue=Exists(overdue))


class Contract(models.Model):
    """A purchase-of-service contract bought by a region's civil-affairs bureau.

    It takes effect on the later of its signing date and its service start date
    (an unsigned contract has not taken effect); that day triggers the
    installments paid "on taking effect"."""

    purchaser = models.ForeignKey(
        Region, verbose_name=_("购买方（民政部门所在区划）"), on_delete=models.PROTECT, related_name="contracts"
    )
    contractor = models.ForeignKey(
        Organisation, verbose_name=_("承接机构"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("合同编号"), max_length=60, unique=True,
                              error_messages={"unique": _("已有合同使用该合同编号。")})
    title = models.CharField(_("项目名称"), max_length=200)
    stations = models.ManyToManyField(Station, verbose_name=_("覆盖站点"), related_name="contracts", blank=True)
    service_domains = models.JSONField(_("服务领域"), default=list, blank=True)
    target_groups = models.JSONField(_("服务对象"), default=list, blank=True)
    award_notice_on = models.DateField(_("中标（成交）通知日期"), null=True, blank=True)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    starts_on = models.DateField(_("服务开始日期"))
    ends_on = models.DateField(_("服务结束日期"))
    amount = models.DecimalField(_("合同金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    social_workers_per_station = models.PositiveSmallIntegerField(
        _("每站驻站社工人数要求"), null=True, blank=True, help_text=_("合同约定的每站驻站社工人数；合同未约定时留空。"))
    personnel_cost = models.DecimalField(_("人员费用（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
                                         validators=[MinValueValidator(Decimal("0"))])
    operations_cost = models.DecimalField(_("运营费用（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
                                          validators=[MinValueValidator(Decimal("0"))])
    other_cost = models.DecimalField(_("其他费用（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0"))])
    monthly_wage = models.DecimalField(
        _("驻站社工月工资（元/人）"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))], help_text=_("合同约定的每名驻站社工每月工资；未约定时留空。"))
    previous = models.OneToOneField(
        "self", verbose_name=_("续签自"), on_delete=models.PROTECT, null=True, blank=True, related_name="renewal"
    )
    renewable = models.BooleanField(_("可续签"), default=True)
    not_renewable_reason = models.CharField(_("不可续签原因"), max_length=200, blank=True)
    filing_due_on = models.DateField(_("备案截止日期"), null=True, blank=True, editable=False,
                                     help_text=_("签订后15个工作日（按国家法定节假日安排）。"))
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_reference = models.CharField(_("备案编号"), max_length=60, blank=True)
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
        indexes = [models.Index(fields=["ends_on"], name="contract_ends_on_idx")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("projects:contract-detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("服务结束日期不能早于开始日期。")
        if self.signed_on and self.award_notice_on and self.signed_on < self.award_notice_on:
            errors["signed_on"] = _("签订日期不能早于中标（成交）通知日期。")
        if self.filed_on and not self.signed_on:
            errors["filed_on"] = _("合同尚未签订，不能登记备案。")
        elif self.filed_on and self.filed_on < self.signed_on:
            errors["filed_on"] = _("备案日期不能早于签订日期。")
        for field, choices in (("service_domains", ServiceDomain), ("target_groups", TargetGroup)):
            values = getattr(self, field) or []
            unknown = [v for v in values if v not in choices.values]
            if not isinstance(values, list) or unknown:
                errors[field] = _("包含无效的选项：%(v)s。") % {"v": "、".join(map(str, unknown))}
        errors.update(self._cost_errors())
        if self.not_renewable_reason and self.renewable:
            self.not_renewable_reason = ""
        if errors:
            raise ValidationError(errors)
        self.filing_due_on = self.filing_due_date()

    COST_FIELDS = ("personnel_cost", "operations_cost", "other_cost")

    def _cost_errors(self) -> dict:
        """The budget by cost category is optional; once any category is entered, the blank ones count
        as nothing and the categories add up exactly to the contract amount."""
        costs = [getattr(self, name) for name in self.COST_FIELDS]
        if all(cost is None for cost in costs) or self.amount is None:
            return {}
        for name in self.COST_FIELDS:
            if getattr(self, name) is None:
                setattr(self, name, Decimal("0.00"))
        total = sum((getattr(self, name) for name in self.COST_FIELDS), Decimal("0"))
        if total != self.amount:
            return {"personnel_cost": _("人员费用、运营费用、其他费用合计 %(sum)s 元，与合同金额 %(amount)s 元不一致。") % {
                "sum": f"{total:,}", "amount": f"{self.amount:,}"}}
        return {}

    @property
    def has_cost_split(self) -> bool:
        return self.personnel_cost is not None

    def filing_rule(self, book=None):
        """The filing period in force for the purchaser on the signing date (None: not signed, or no
        document sets one, and then no filing deadline is computed)."""
        from projects.rules import FILING_DUE
        from stations.selectors.policies import rule_in_force

        if not self.signed_on or not self.purchaser_id:
            return None
        if book is not None:
            return book.rule(self.purchaser.code, FILING_DUE, self.signed_on)
        return rule_in_force(self.purchaser, FILING_DUE, self.signed_on)

    def filing_deadline(self, book=None) -> Deadline | None:
        """The filing deadline, provisional while the holiday arrangements it counts through are
        not published (None: no filing period applies)."""
        rule = self.filing_rule(book)
        return working_day_deadline(self.signed_on, rule.value) if rule is not None else None

    def filing_due_date(self, book=None) -> datetime.date | None:
        deadline = self.filing_deadline(book)
        return deadline.due_on if deadline is not None else None

    @property
    def effective_on(self) -> datetime.date | None:
        """The day the contract takes effect: the later of signing and service start."""
        if not self.signed_on:
            return None
        return max(self.signed_on, self.starts_on)

    def filing_status(self, today: datetime.date) -> str:
        if not self.signed_on:
            return FilingStatus.UNSIGNED
        if self.filed_on:
            return FilingStatus.FILED
        if self.filing_due_on and self.filing_due_on < today:
            return FilingStatus.OVERDUE
        return FilingStatus.PENDING

    def term_state(self, today: datetime.date) -> str:
        """unsigned / upcoming / active / ended (its service period as of ``today``)."""
        if not self.signed_on:
            return "unsigned"
        if today < self.starts_on:
            return "upcoming"
        return "ended" if today > self.ends_on else "active"

    def service_domain_labels(self) -> list[str]:
        return [ServiceDomain(v).label for v in self.service_domains or [] if v in ServiceDomain.values]

    def target_group_labels(self) -> list[str]:
        return [TargetGroup(v).label for v in self.target_groups or [] if v in TargetGroup.values]

    def chain(self) -> list[Contract]:
        """The whole renewal chain this contract belongs to, oldest first."""
        earlier = []
        current = self
        while current.previous_id:
            current = Contract.objects.select_related("contractor").get(pk=current.previous_id)
            earlier.append(current)
        later = []
        current = self
        while (following := Contract.objects.select_related("contractor").filter(previous=current).first()):
            later.append(following)
            current = following
        return [*reversed(earlier), self, *later]


class FundingSource(models.TextChoices):
    SOCIAL_ASSISTANCE = "social_assistance", _("社会救助资金")
    WELFARE_LOTTERY = "welfare_lottery", _("福彩公益金")
    GENERAL_BUDGET = "general_budget", _("一般公共预算")
    CITY_SUBSIDY = "city_subsidy", _("市级补助资金")
    CHARITY = "charity", _("慈善资金")
    OTHER = "other", _("其他资金")


class FundingLineQuerySet(ScopedQuerySet):
    region_code_path = "contract__purchaser__code"


class FundingLine(models.Model):
    """How much of a contract's amount comes from one funding source. The lines
    of a contract add up exactly to its amount (checked by the contract services)."""

    contract = models.ForeignKey(Contract, verbose_name=_("合同"), on_delete=models.CASCADE,
                                 related_name="funding_lines")
    source = models.CharField(_("资金来源"), max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])

    objects = FundingLineQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("资金来源历史"))

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["contract", "source"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "source"], name="funding_line_one_per_source"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_line_amount_positive"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.amount}"
