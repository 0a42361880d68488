"""Reads for contract and organisation screens and exports. Every one starts from ``visible_to``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from core.dates import provisional_flags
from projects import permissions
from projects.models import (
    Contract,
    ContractEvaluation,
    FilingStatus,
    FundingLine,
    Organisation,
    Payment,
    PaymentInstallment,
)
from stations.models import Station

DEFAULT_EXPIRING_DAYS = 60


def with_latest_evaluation(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """Annotate each contract's latest evaluation result (kind, grade, passed, date)."""
    latest = ContractEvaluation.objects.filter(contract=OuterRef("pk")).order_by("-evaluated_on", "-pk")
    return contracts.annotate(
        latest_eval_kind=Subquery(latest.values("kind_label")[:1]),
        latest_eval_grade=Subquery(latest.values("grade")[:1]),
        latest_eval_passed=Subquery(latest.values("passed")[:1]),
        latest_eval_on=Subquery(latest.values("evaluated_on")[:1]),
    )


def contract_list(*, user, today: datetime.date) -> QuerySet[Contract]:
    contracts = Contract.objects.visible_to(user).select_related("purchaser", "contractor", "renewal")
    contracts = contracts.with_filing_status(today).with_overdue_flag(today)
    return (with_latest_evaluation(contracts).annotate(station_count=Count("stations", distinct=True))
            .order_by("-starts_on", "number"))


def contract_amount_total(contracts: QuerySet[Contract]) -> Decimal:
    """The sum of the listed contracts' amounts (every page of the list), added exactly."""
    amounts = Contract.objects.filter(pk__in=contracts.values("pk")).values_list("amount", flat=True)
    return sum(amounts, Decimal("0.00"))


def contract_detail_totals(contract: Contract, installments, funding_lines, payments) -> dict[str, Decimal]:
    """The figures under the detail page's money columns, added exactly."""
    zero = Decimal("0.00")
    return {
        "costs": sum((c or zero for c in (contract.personnel_cost, contract.operations_cost, contract.other_cost)),
                     zero),
        "funding": sum((line.amount for line in funding_lines), zero),
        "percentage": sum((i.percentage for i in installments), Decimal(0)),
        "installments": sum((i.amount for i in installments), zero),
        "paid": sum((i.paid for i in installments), zero),
        "payments": sum((p.amount for p in payments), zero),
    }


def contract_expiring(*, user, today: datetime.date, days: int = DEFAULT_EXPIRING_DAYS) -> QuerySet[Contract]:
    """Contracts ending between today and ``days`` from now, soonest first, with their latest evaluation."""
    return contract_list(user=user, today=today).expiring_within(days, today).order_by("ends_on", "number")


@dataclass
class ContractAlerts:
    expiring: list[Contract]  # ending within ``days``, soonest first, with their latest evaluation
    days: int
    with_overdue_installments: int
    filings_overdue: int
    filings_pending: int = 0  # signed, not yet filed, the filing period still running
    filing_overdue_state: str = FilingStatus.OVERDUE  # the contract list's filter values for the two
    filing_pending_state: str = FilingStatus.PENDING


def contract_alert_summary(*, user, today: datetime.date, days: int = DEFAULT_EXPIRING_DAYS) -> ContractAlerts:
    """What the home page counts about contracts; each figure is the row count of the contract
    list (or the expiring list) the page links to."""
    contracts = contract_list(user=user, today=today)
    # the list's rows by filing state, in one query
    filings = dict(Contract.objects.visible_to(user).with_filing_status(today).order_by()
                   .values_list("filing_state").annotate(n=Count("pk")))
    return ContractAlerts(
        expiring=list(contract_expiring(user=user, today=today, days=days)), days=days,
        with_overdue_installments=contracts.filter(has_overdue=True).count(),
        filings_overdue=filings.get(FilingStatus.OVERDUE, 0), filings_pending=filings.get(FilingStatus.PENDING, 0))


def contract_filings(*, user, today: datetime.date) -> QuerySet[Contract]:
    """Signed contracts with their filing state, for the city's filing desk."""
    return (Contract.objects.visible_to(user).filter(signed_on__isnull=False)
            .select_related("purchaser", "contractor").with_filing_status(today)
            .order_by(F("filed_on").asc(nulls_first=True), "filing_due_on", "number"))


def mark_provisional_filings(contracts: Iterable[Contract]) -> list[Contract]:
    """Set ``filing_provisional`` on each contract: its filing deadline counts through a year whose
    holiday arrangements are not published yet (the calendar is read once)."""
    contracts = list(contracts)
    flags = provisional_flags((contract.signed_on, contract.filing_due_on) for contract in contracts)
    for contract, flag in zip(contracts, flags, strict=True):
        contract.filing_provisional = flag
    return contracts


def contract_detail(*, user, pk: int) -> Contract:
    from core.scope import get_visible_or_404

    queryset = Contract.objects.select_related("purchaser", "contractor", "previous").prefetch_related(
        Prefetch("stations", queryset=Station.objects.select_related("region")),
        Prefetch("funding_lines", queryset=FundingLine.objects.order_by("source")),
        Prefetch("installments", queryset=PaymentInstallment.objects.with_paid().order_by("sequence")),
    )
    return get_visible_or_404(queryset, user, pk=pk)


@dataclass
class ContractStationPart:
    """What a station head sees of a contract covering their station."""

    contract: Contract
    stations: list[Station]  # the user's own station among those the contract covers


def contract_station_part(*, user, pk: int) -> ContractStationPart:
    """A station head's part of a contract: its number, title, purchaser, contractor, period and
    what it asks of each station, and the head's own station among those it covers. Never the
    other stations, the amount, funding lines, payment schedule, payments, filing or history."""
    from core.scope import get_visible_or_404

    contract = get_visible_or_404(Contract.objects.select_related("purchaser", "contractor"), user, pk=pk)
    stations = Station.objects.visible_to(user).filter(contracts=contract).select_related("region")
    return ContractStationPart(contract=contract, stations=list(stations.order_by("region__code")))


def contract_payments(contract: Contract) -> QuerySet[Payment]:
    return Payment.objects.filter(installment__contract=contract).select_related(
        "installment", "recorded_by").order_by("paid_on", "pk")


def organisation_list(*, user) -> QuerySet[Organisation]:
    visible_contracts = Contract.objects.visible_to(user).values("pk")
    return Organisation.objects.visible_to(user).select_related("region").annotate(
        contract_count=Count("contracts", filter=Q(contracts__in=visible_contracts), distinct=True))


def organisation_contracts(*, user, organisation: Organisation) -> QuerySet[Contract]:
    """The organisation's contracts that the user may see (not those of other counties)."""
    return (Contract.objects.visible_to(user).filter(contractor=organisation)
            .select_related("purchaser").order_by("-starts_on"))


def organisation_stations(*, user, organisation: Organisation) -> QuerySet[Station]:
    """The stations the organisation serves under the contracts the user may see; to a station head
    only their own station's part of those contracts, i.e. their own station."""
    contracts = organisation_contracts(user=user, organisation=organisation).values("pk")
    stations = Station.objects.all() if permissions.can_view_whole_contract(user) else Station.objects.visible_to(user)
    return stations.filter(contracts__in=contracts).select_related("region").distinct().order_by("region__code")


def organisation_ratings(organisation: Organisation) -> list[tuple[str, int]]:
    """Ratings the organisation has held, newest year first (from its audit history)."""
    seen = {}
    for rating, year in organisation.history.exclude(rating="").values_list("rating", "rating_year"):
        seen[(rating, year)] = True
    return sorted(seen, key=lambda pair: (pair[1] or 0), reverse=True)
