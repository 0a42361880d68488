"""Contract figures for a region's report on a period (the reporting-chain workbook): the
contracts that ran or moved money in it, and the contracts covering each station on a date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from projects.models import Contract, FilingStatus, FundingSource, Payment, PaymentInstallment
from projects.rules import PAYMENT_DUE
from projects.selectors.policies import joined_citations, rule_book
from stations.selectors.policies import NOT_SET

ZERO = Decimal("0.00")


@dataclass
class ContractPeriodRow:
    purchaser: str
    number: str
    title: str
    contractor: str
    starts_on: datetime.date
    ends_on: datetime.date
    amount: Decimal
    funding: dict[str, Decimal]  # by funding source value
    due_in_period: Decimal
    paid_in_period: Decimal
    overdue: int  # installments overdue at the period's end
    in_force: bool  # its service period overlaps the report's period
    filing: str  # the filing state's label
    payment_basis: str = ""  # the payment periods its due dates rest on (依据：…), or that none is set


@dataclass
class ContractPeriodSummary:
    rows: list[ContractPeriodRow]
    # (value, label) of every funding source, in the order a table shows them
    sources: list[tuple[str, str]] = field(default_factory=lambda: list(FundingSource.choices))


def _sums(queryset, key: str, value: str = "amount") -> dict:
    return dict(queryset.order_by().values(key).annotate(total=Sum(value)).values_list(key, "total"))


def contract_period_summary(*, user, region, first: datetime.date, period_end: datetime.date,
                            as_of: datetime.date) -> ContractPeriodSummary:
    """The region's contracts in force during the period, or with an installment due, a payment
    made in it, or an installment overdue at its end (``as_of``). Seven queries whatever the count."""
    prefix = region.prefix
    installments = PaymentInstallment.objects.visible_to(user).filter(contract__purchaser__code__startswith=prefix)
    due = installments.filter(due_on__gte=first, due_on__lte=period_end)
    overdue = installments.overdue(as_of)
    payments = Payment.objects.visible_to(user).filter(installment__contract__purchaser__code__startswith=prefix,
                                                       paid_on__gte=first, paid_on__lte=period_end)
    in_force = Q(starts_on__lte=period_end, ends_on__gte=first)
    contracts = (Contract.objects.visible_to(user).filter(purchaser__code__startswith=prefix).filter(
        in_force | Q(pk__in=due.values("contract")) | Q(pk__in=payments.values("installment__contract"))
        | Q(pk__in=overdue.values("contract")))
        .select_related("purchaser", "contractor").with_filing_status(as_of)
        .prefetch_related("funding_lines").order_by("purchaser__code", "starts_on", "number"))
    due_sums = _sums(due, "contract")
    paid_sums = _sums(payments, "installment__contract")
    overdue_counts = dict(overdue.order_by().values("contract").annotate(n=Count("pk")).values_list("contract", "n"))
    contracts = list(contracts)
    basis = _payment_basis(installments.filter(contract__in=[c.pk for c in contracts]), as_of)
    return ContractPeriodSummary([ContractPeriodRow(
        c.purchaser.name, c.number, c.title, c.contractor.name, c.starts_on, c.ends_on, c.amount,
        {line.source: line.amount for line in c.funding_lines.all()},
        due_sums.get(c.pk) or ZERO, paid_sums.get(c.pk) or ZERO, overdue_counts.get(c.pk, 0),
        c.starts_on <= period_end and c.ends_on >= first, str(FilingStatus(c.filing_state).label),
        basis.get(c.pk, ""),
    ) for c in contracts])


def _payment_basis(installments, as_of: datetime.date) -> dict[int, str]:
    """For each contract, the payment periods in force on its installments' trigger dates (up to
    ``as_of``), cited; 付款期限：本地政策未规定 where a triggered installment has none."""
    book = rule_book(PAYMENT_DUE)
    rules: dict[int, list] = {}
    triggered = installments.filter(triggered_on__isnull=False, triggered_on__lte=as_of).order_by(
        "contract", "sequence").values_list("contract", "contract__purchaser__code", "triggered_on")
    for contract_id, code, triggered_on in triggered:
        rules.setdefault(contract_id, []).append(book.rule(code, PAYMENT_DUE, triggered_on))
    not_set = str(_("付款期限：%(not_set)s") % {"not_set": NOT_SET})
    return {contract_id: "；".join(filter(None, [joined_citations(found), not_set if None in found else ""]))
            for contract_id, found in rules.items()}


def contract_numbers_by_station(*, user, station_ids: list[int], on_date: datetime.date) -> dict[int, list[str]]:
    """The numbers of the contracts covering each of the stations on the date, in number order."""
    numbers: dict[int, list[str]] = {}
    covering = (Contract.objects.visible_to(user).active_on(on_date).filter(stations__in=station_ids)
                .values_list("stations", "number").order_by("number"))
    for station_id, number in covering:
        numbers.setdefault(station_id, []).append(number)
    return numbers
