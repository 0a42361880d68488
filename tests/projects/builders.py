"""Contract test data, built through the projects services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import count

from projects import services
from projects.models import Contract, FundingSource, Organisation
from projects.validators import credit_code_check_character
from tests import builders

_serial = count(1)


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
    return services.contract_create(
        actor=actor, purchaser=purchaser, contractor=contractor, number=number or f"HT-{next(_serial):05d}",
        title=extra.pop("title", f"{purchaser.name}社工站项目"), starts_on=starts_on, ends_on=ends_on,
        signed_on=signed_on, amount=amount, stations=stations, funding_lines=funding, **extra)
