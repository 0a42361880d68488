"""Payment schedules (installments) and the payments actually made."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import ScopedQuerySet
from projects.models.contracts import Contract

MONEY = DecimalField(max_digits=14, decimal_places=2)


class InstallmentTrigger(models.TextChoices):
    EFFECTIVE = "effective", _("合同生效")
    MIDTERM_PASSED = "midterm_passed", _("中期评估合格")
    FINAL_PASSED = "final_passed", _("终期评估合格")
    OTHER = "other", _("其他")


class PaymentInstallmentQuerySet(ScopedQuerySet):
    region_code_path = "contract__purchaser__code"

    def with_paid(self, until: datetime.date | None = None):
        """Annotate ``paid``: the sum of payments recorded against each installment (paid on or
        before ``until`` when given)."""
        payments = Payment.objects.filter(installment=OuterRef("pk"))
        if until is not None:
            payments = payments.filter(paid_on__lte=until)
        paid = payments.order_by().values("installment").annotate(total=Sum("amount")).values("total")
        return self.annotate(paid=Coalesce(Subquery(paid, output_field=MONEY), Value(Decimal("0")), output_field=MONEY))

    def overdue(self, today: datetime.date):
        """Installments past their due date and not fully paid by ``today`` (a past day gives
        what was overdue then)."""
        return self.with_paid(until=today).filter(due_on__lt=today, paid__lt=F("amount"))


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

    def paid_total(self) -> Decimal:
        if hasattr(self, "paid"):
            return self.paid
        return self.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")

    def outstanding(self) -> Decimal:
        return self.amount - self.paid_total()

    def is_overdue(self, today: datetime.date) -> bool:
        return bool(self.due_on and self.due_on < today and self.paid_total() < self.amount)

    def state(self, today: datetime.date) -> str:
        """paid / overdue / due / waiting (trigger not yet reached)."""
        if self.paid_total() >= self.amount:
            return "paid"
        if self.is_overdue(today):
            return "overdue"
        return "due" if self.due_on else "waiting"


class PaymentQuerySet(ScopedQuerySet):
    region_code_path = "installment__contract__purchaser__code"


class Payment(models.Model):
    """Money actually paid against an installment."""

    installment = models.ForeignKey(PaymentInstallment, verbose_name=_("付款分期"), on_delete=models.PROTECT,
                                    related_name="payments")
    paid_on = models.DateField(_("支付日期"))
    amount = models.DecimalField(_("支付金额（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    reference = models.CharField(_("凭证号"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PaymentQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("付款记录历史"))

    class Meta:
        verbose_name = _("付款记录")
        verbose_name_plural = _("付款记录")
        ordering = ["installment", "paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"{self.installment} {self.paid_on} {self.amount}"
