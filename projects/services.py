"""Writes for contracts and payments; each takes the acting user and is audited."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Contract, ContractEvaluation, InstallmentTrigger, PaymentInstallment
from projects.workdays import add_working_days
from stations.audit import save_audited

PAYMENT_WORKING_DAYS = 15
DEFAULT_SCHEDULE = (
    (InstallmentTrigger.EFFECTIVE, Decimal("50")),
    (InstallmentTrigger.MIDTERM_PASSED, Decimal("30")),
    (InstallmentTrigger.FINAL_PASSED, Decimal("20")),
)
FEN = Decimal("0.01")


def split_amount(total: Decimal, percentages: list[Decimal]) -> list[Decimal]:
    """Amounts for each percentage, exact to the fen; the remainder goes to the last."""
    amounts = [(total * pct / 100).quantize(FEN, rounding=ROUND_DOWN) for pct in percentages[:-1]]
    amounts.append(total - sum(amounts, Decimal("0")))
    return amounts


@transaction.atomic
def installment_release(*, actor, contract: Contract, trigger: str, on_date: datetime.date) -> list[PaymentInstallment]:
    """Mark the contract's installments with this trigger as triggered on ``on_date``;
    each becomes due 15 working days later. Installments already triggered are
    left alone, so releasing twice changes nothing."""
    released = []
    pending = PaymentInstallment.objects.select_for_update().filter(
        contract=contract, trigger=trigger, triggered_on__isnull=True
    )
    for installment in pending:
        installment.triggered_on = on_date
        installment.due_on = add_working_days(on_date, PAYMENT_WORKING_DAYS)
        save_audited(installment, actor=actor, update_fields=["triggered_on", "due_on"],
                     reason=_("支付条件达成：%(trigger)s") % {"trigger": InstallmentTrigger(trigger).label})
        released.append(installment)
    return released


@transaction.atomic
def contract_mark_not_renewable(*, actor, contract: Contract, reason: str) -> Contract:
    """Record that the contract may not be renewed (e.g. a failed annual evaluation)."""
    if contract.renewable or contract.not_renewable_reason != reason:
        contract.renewable = False
        contract.not_renewable_reason = reason
        save_audited(contract, actor=actor, update_fields=["renewable", "not_renewable_reason", "updated_at"],
                     reason=reason)
    return contract


@transaction.atomic
def contract_record_evaluation(*, actor, contract: Contract, kind: str, kind_label: str, evaluated_on: datetime.date,
                               score: Decimal, grade: str, passed: bool, reference: str) -> ContractEvaluation:
    """Record a finalised evaluation result of a contract. ``reference`` names the
    evaluation it came from; recording the same reference twice returns the first record."""
    existing = ContractEvaluation.objects.filter(reference=reference).first()
    if existing is not None:
        return existing
    result = ContractEvaluation(contract=contract, kind=kind, kind_label=kind_label, evaluated_on=evaluated_on,
                                score=score, grade=grade, passed=passed, reference=reference)
    save_audited(result, actor=actor, reason=_("评估结果：%(kind)s %(grade)s") % {"kind": kind_label, "grade": grade})
    return result
