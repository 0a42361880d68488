"""Payment schedules: validation, amounts to the fen, releasing installments and their due dates.

An installment falls due the number of working days after its trigger that the rule
``payment.due_within_working_days`` in force on the trigger date sets for the purchaser;
where no document sets it, the installment has no due date. A schedule not given is the split
the region's documents set (``payment.installments``), if any."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.audit import delete_audited, save_audited
from core.dates import add_working_days, calendar_held
from projects.models import Contract, InstallmentTrigger, Payment, PaymentInstallment
from projects.rules import FILING_DUE, PAYMENT_DUE
from projects.selectors.contract_rules import payment_due_rule
from projects.selectors.policies import rule_book
from stations.selectors.policies import RuleInForce

FEN = Decimal("0.01")
HUNDRED = Decimal("100")


def yuan(value: Decimal) -> str:
    return f"{Decimal(value):,.2f}"


def percent(value: Decimal) -> str:
    """A percentage without trailing zeros: 90, 33.33, 5."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def split_amount(total: Decimal, percentages: list[Decimal]) -> list[Decimal]:
    """Amounts for each percentage, exact to the fen; the remainder goes to the last."""
    amounts = [(total * pct / 100).quantize(FEN, rounding=ROUND_DOWN) for pct in percentages[:-1]]
    amounts.append(total - sum(amounts, Decimal("0")))
    return amounts


def schedule_rows(total: Decimal, rows: list[dict] | None) -> list[dict] | None:
    """Validate a schedule (trigger, percentage, optional amount) and return rows with
    amounts. Percentages must add up to 100; given amounts must add up to ``total``.
    ``None`` (no schedule given, and no split set by the region) stays ``None``."""
    if rows is None:
        return None
    rows = [dict(row) for row in rows]
    if not rows:
        raise ValidationError({"installments": _("付款计划至少需要一期。")})
    for number, row in enumerate(rows, start=1):
        if row.get("trigger") not in InstallmentTrigger.values:
            raise ValidationError({"installments": _("第 %(n)s 期的支付条件无效。") % {"n": number}})
        pct = row.get("percentage")
        if pct is None or Decimal(pct) <= 0:
            raise ValidationError({"installments": _("第 %(n)s 期的比例必须大于 0。") % {"n": number}})
    total_pct = sum((Decimal(row["percentage"]) for row in rows), Decimal("0"))
    if total_pct != HUNDRED:
        raise ValidationError({"installments": _("各期付款比例合计为 %(total)s%%，应为 100%%。")
                               % {"total": percent(total_pct)}})
    given = [row.get("amount") for row in rows]
    if all(amount is not None for amount in given):
        given_total = sum((Decimal(a) for a in given), Decimal("0"))
        if given_total != total:
            raise ValidationError({"installments": _(
                "各期金额合计 %(sum)s 元，与合同金额 %(total)s 元不一致（相差 %(diff)s 元）。") % {
                "sum": yuan(given_total), "total": yuan(total), "diff": yuan(total - given_total)}})
        amounts = [Decimal(a) for a in given]
    else:
        amounts = split_amount(total, [Decimal(row["percentage"]) for row in rows])
    for row, amount in zip(rows, amounts, strict=True):
        row["amount"] = amount
        row["percentage"] = Decimal(row["percentage"])
    return rows


def apply_schedule(*, actor, contract: Contract, rows: list[dict] | None) -> None:
    """Write a validated schedule over the contract's installments, by sequence."""
    if rows is None:
        return
    existing = list(contract.installments.order_by("sequence"))
    same = len(existing) == len(rows) and all(
        inst.trigger == row["trigger"] and inst.percentage == row["percentage"] and inst.amount == row["amount"]
        for inst, row in zip(existing, rows, strict=False))
    if same:
        return
    if Payment.objects.filter(installment__contract=contract).exists():
        raise ValidationError({"installments": _("该合同已登记付款，不能再修改付款计划。")})
    for sequence, row in enumerate(rows, start=1):
        installment = existing[sequence - 1] if sequence <= len(existing) else PaymentInstallment(
            contract=contract, sequence=sequence)
        if installment.pk and installment.trigger != row["trigger"]:
            installment.triggered_on = installment.due_on = None
        installment.trigger = row["trigger"]
        installment.percentage = row["percentage"]
        installment.amount = row["amount"]
        save_audited(installment, actor=actor, reason=_("付款计划"))
    for extra in existing[len(rows):]:
        delete_audited(extra, actor=actor, reason=_("付款计划删减"))


def due_date(rule: RuleInForce | None, triggered_on: datetime.date | None) -> datetime.date | None:
    return add_working_days(triggered_on, rule.value) if rule is not None and triggered_on else None


@transaction.atomic
def installment_release(*, actor, contract: Contract, trigger: str, on_date: datetime.date) -> list[PaymentInstallment]:
    """Mark the contract's installments with this trigger as triggered on ``on_date``; each falls
    due as the rule in force that day says (no due date where none does). Installments already
    triggered are left alone, so releasing twice changes nothing."""
    released = []
    pending = PaymentInstallment.objects.select_for_update().filter(
        contract=contract, trigger=trigger, triggered_on__isnull=True
    )
    due_on = due_date(payment_due_rule(contract, on_date), on_date)
    for installment in pending:
        installment.triggered_on = on_date
        installment.due_on = due_on
        save_audited(installment, actor=actor, update_fields=["triggered_on", "due_on"],
                     reason=_("支付条件达成：%(trigger)s") % {"trigger": InstallmentTrigger(trigger).label})
        released.append(installment)
    return released


def release_on_taking_effect(*, actor, contract: Contract) -> None:
    """The "on taking effect" installments follow the contract's effective date
    (the later of signing and service start), re-dated while still unpaid if it changes."""
    effective_on = contract.effective_on
    for installment in contract.installments.filter(trigger=InstallmentTrigger.EFFECTIVE):
        if installment.triggered_on == effective_on or installment.payments.exists():
            continue
        installment.triggered_on = effective_on
        installment.due_on = due_date(payment_due_rule(contract, effective_on), effective_on) if effective_on else None
        save_audited(installment, actor=actor, update_fields=["triggered_on", "due_on"],
                     reason=_("合同生效") if effective_on else _("合同未签订"))


def counted_through(years, start: str, due: str) -> Q:
    """Deadlines (from ``start`` to ``due``) whose count runs through any of ``years`` (all: None)."""
    if years is None:
        return Q()
    years = sorted(years)
    return Q(**{f"{start}__lte": datetime.date(years[-1], 12, 31), f"{due}__gte": datetime.date(years[0], 1, 1)})


def installments_redate(*, actor, prefix: str = "", years=None) -> int:
    """Derive again the due dates of the triggered installments of purchasers under ``prefix``
    from the rule in force on each one's trigger date, after a document setting that rule was
    added, changed or removed, or the holiday arrangements of ``years`` were. Returns how many changed."""
    book = rule_book(PAYMENT_DUE)
    installments = PaymentInstallment.objects.filter(
        counted_through(years, "triggered_on", "due_on"), triggered_on__isnull=False,
        contract__purchaser__code__startswith=prefix).select_related("contract__purchaser")
    reason = _("付款期限依据变更") if years is None else _("节假日安排变更")
    changed = 0
    with calendar_held():
        for installment in installments:
            due_on = due_date(payment_due_rule(installment.contract, installment.triggered_on, book),
                              installment.triggered_on)
            if due_on != installment.due_on:
                installment.due_on = due_on
                save_audited(installment, actor=actor, update_fields=["due_on"], reason=reason)
                changed += 1
    return changed


def filings_redate(*, actor, prefix: str = "", years=None) -> int:
    """Derive again the filing deadlines of the signed contracts of purchasers under ``prefix`` from
    the filing period in force on each one's signing date, after a document setting it was added,
    changed or removed, or the holiday arrangements of ``years`` were. Returns how many changed."""
    book = rule_book(FILING_DUE)
    contracts = Contract.objects.filter(
        counted_through(years, "signed_on", "filing_due_on"), signed_on__isnull=False,
        purchaser__code__startswith=prefix).select_related("purchaser")
    changed = 0
    with calendar_held():
        for contract in contracts:
            due_on = contract.filing_due_date(book)
            if due_on != contract.filing_due_on:
                contract.filing_due_on = due_on
                contract._history_user = actor
                contract._change_reason = _("备案期限依据变更") if years is None else _("节假日安排变更")
                contract.save(update_fields=["filing_due_on"])
                changed += 1
    return changed
