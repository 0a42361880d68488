"""Recording the payments actually made against installments."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import save_audited
from projects.models import Payment, PaymentInstallment
from projects.services.contracts import require_purchase_manager
from projects.services.schedule import yuan


@transaction.atomic
def payment_record(*, actor, installment: PaymentInstallment, paid_on: datetime.date, amount: Decimal,
                   reference: str = "") -> Payment:
    """Record a payment. It may not exceed what is still owed on the installment,
    nor be made before the installment's condition was met, nor lie in the future."""
    require_purchase_manager(actor)
    installment = PaymentInstallment.objects.select_for_update().get(pk=installment.pk)
    if not installment.triggered_on:
        raise ValidationError({"installment": _("第 %(n)s 期的支付条件（%(trigger)s）尚未达成，不能登记付款。") % {
            "n": installment.sequence, "trigger": installment.get_trigger_display()}})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("支付日期不能晚于今天。")})
    if paid_on < installment.triggered_on:
        raise ValidationError({"paid_on": _("支付日期不能早于支付条件达成日期 %(date)s。") % {
            "date": installment.triggered_on}})
    paid = installment.paid_total()
    if amount is not None and paid + amount > installment.amount:
        raise ValidationError({"amount": _(
            "第 %(n)s 期应付 %(due)s 元，已付 %(paid)s 元，本次 %(amount)s 元将超出 %(over)s 元。") % {
            "n": installment.sequence, "due": yuan(installment.amount), "paid": yuan(paid),
            "amount": yuan(amount), "over": yuan(paid + amount - installment.amount)}})
    payment = Payment(installment=installment, paid_on=paid_on, amount=amount, reference=reference,
                      recorded_by=actor)
    save_audited(payment, actor=actor, reason=_("登记付款"))
    return payment
