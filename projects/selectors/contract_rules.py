"""The rules a contract is held to, each in force at the date it is about: the signing period at
the award-notice date, the region's payment split when the contract was made, each installment's
payment period at its trigger date, and the purchase share at the contract's start date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from core.dates import provisional_flags
from projects.models import Contract, PaymentInstallment
from projects.rules import INSTALLMENTS, PAYMENT_DUE, SIGNING_WITHIN_DAYS
from projects.selectors.policies import AssistanceShare, assistance_share, county_of, rule_book
from stations.selectors.policies import RuleBook, RuleInForce, rule_in_force


def contract_made_on(contract: Contract) -> datetime.date | None:
    """The date a contract's own terms read their rules at: the award notice, else the start."""
    return contract.award_notice_on or contract.starts_on


def signing_rule(contract: Contract) -> RuleInForce | None:
    """The signing period in force for the purchaser on the award-notice date (None: no award
    date, or no document sets one; nothing is checked)."""
    if contract.award_notice_on is None or contract.purchaser_id is None:
        return None
    return rule_in_force(contract.purchaser, SIGNING_WITHIN_DAYS, contract.award_notice_on)


def region_split(contract: Contract) -> RuleInForce | None:
    """The payment split the purchaser's documents set, in force when the contract was made."""
    made_on = contract_made_on(contract)
    if contract.purchaser_id is None or made_on is None:
        return None
    return rule_in_force(contract.purchaser, INSTALLMENTS, made_on)


def split_schedule(rule: RuleInForce) -> list[dict]:
    """A split rule as schedule rows (trigger, percentage)."""
    return [{"trigger": row["trigger"], "percentage": row["percent"]} for row in rule.value]


def payment_due_rule(contract: Contract, triggered_on: datetime.date, book: RuleBook | None = None):
    """The payment period in force on the trigger date for the purchaser."""
    if book is not None:
        return book.rule(contract.purchaser.code, PAYMENT_DUE, triggered_on)
    return rule_in_force(contract.purchaser, PAYMENT_DUE, triggered_on)


@dataclass(frozen=True)
class InstallmentBasis:
    installment: PaymentInstallment
    rule: RuleInForce | None  # None: not triggered yet, or no document sets a payment period
    provisional: bool = False  # its due date counts through unpublished holiday arrangements


@dataclass(frozen=True)
class ContractBasis:
    """What the contract page shows of the rules behind its checks and dates."""

    signing: RuleInForce | None
    signed_after_days: int | None
    split: RuleInForce | None
    payment_due_today: RuleInForce | None  # the payment period for installments triggered today
    filing: RuleInForce | None  # the filing period in force on the signing date
    installments: list[InstallmentBasis]
    share: AssistanceShare | None
    filing_provisional: bool = False  # the filing deadline counts through unpublished holiday arrangements


def contract_basis(contract: Contract, installments: list[PaymentInstallment], *, today: datetime.date) -> ContractBasis:
    signing = signing_rule(contract)
    waited = ((contract.signed_on - contract.award_notice_on).days
              if contract.signed_on and contract.award_notice_on else None)
    book = rule_book(PAYMENT_DUE)
    filing_provisional, *provisional = provisional_flags(
        [(contract.signed_on, contract.filing_due_on), *((i.triggered_on, i.due_on) for i in installments)])
    rows = [InstallmentBasis(i, payment_due_rule(contract, i.triggered_on, book) if i.triggered_on else None, flag)
            for i, flag in zip(installments, provisional, strict=True)]
    county = county_of(contract.purchaser)
    share = (assistance_share(county=county, year=contract.starts_on.year, on_date=contract.starts_on)
             if county is not None else None)
    return ContractBasis(signing=signing, signed_after_days=waited, split=region_split(contract),
                         payment_due_today=payment_due_rule(contract, today, book), installments=rows, share=share,
                         filing=contract.filing_rule(), filing_provisional=filing_provisional)
