"""Contract test data, built through the projects services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import count

from core.audit import save_audited
from projects import services
from projects.models import Contract, FundingSource, InstallmentTrigger, Organisation
from projects.validators import credit_code_check_character
from stations.models import PolicyDocument, PolicyRule
from tests import builders

_serial = count(1)
# A split the test contracts agree among themselves (no document sets it): 50/30/20.
AGREED_SPLIT = ((InstallmentTrigger.EFFECTIVE, Decimal("50")), (InstallmentTrigger.MIDTERM_PASSED, Decimal("30")),
                (InstallmentTrigger.FINAL_PASSED, Decimal("20")))


def document(region, rules: dict, *, effective_from=datetime.date(2020, 1, 1), title=None, number="", key=None,
             actor=None) -> PolicyDocument:
    """A policy document of ``region`` setting ``rules`` ({key: value, or (value, clause, quote)}),
    saved through ``save_audited`` as the admin and the packs do."""
    actor = actor or builders.superuser()
    serial = next(_serial)
    doc = PolicyDocument(key=key or f"TEST-DOC-{serial}", title=title or f"{region.name}购买服务文件{serial}",
                         number=number, effective_from=effective_from, region=region)
    save_audited(doc, actor=actor)
    for rule_key, given in rules.items():
        value, clause, quote = given if isinstance(given, tuple) else (given, "", "")
        save_audited(PolicyRule(document=doc, key=rule_key, value=value, clause=clause, quote=quote), actor=actor)
    return doc


def credit_code(body17: str | None = None) -> str:
    body17 = body17 or f"5242052{next(_serial):04d}MJ0001"[:17].ljust(17, "0")
    return body17 + credit_code_check_character(body17)


def organisation(region, *, actor=None, name=None, is_local=True, **extra) -> Organisation:
    actor = actor or builders.superuser()
    return services.organisation_create(
        actor=actor, name=name or f"{region.name}社工服务中心{next(_serial)}", credit_code=credit_code(),
        region=region, is_local=is_local, **extra)


def contract(purchaser, contractor, *, stations=(), actor=None, amount=Decimal("300000.00"), number=None,
             starts_on=datetime.date(2024, 1, 1), ends_on=None, signed_on="same", funding=None, **extra) -> Contract:
    actor = actor or builders.superuser()
    ends_on = ends_on or starts_on.replace(year=starts_on.year + 1) - datetime.timedelta(days=1)
    if signed_on == "same":
        signed_on = starts_on - datetime.timedelta(days=5)
    funding = funding or [{"source": FundingSource.GENERAL_BUDGET, "amount": amount}]
    if "installments" not in extra:
        extra["installments"] = [{"trigger": trigger, "percentage": pct} for trigger, pct in AGREED_SPLIT]
    return services.contract_create(
        actor=actor, purchaser=purchaser, contractor=contractor, number=number or f"HT-{next(_serial):05d}",
        title=extra.pop("title", f"{purchaser.name}社工站项目"), starts_on=starts_on, ends_on=ends_on,
        signed_on=signed_on, amount=amount, stations=stations, funding_lines=funding, **extra)
