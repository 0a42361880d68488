"""The monthly-report rules a policy document may set (the catalogue in ``stations.rules``).
Registered from ``StationsConfig.ready()``; the values come from documents only.

Without a document, submitting month M opens on the first day of M+1: a month is reported once it
has ended. That is the calendar, not a policy number; a document may open it some days earlier."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stations.rules import RuleSpec, register_rule

SUBMIT_EARLY_DAYS = "report.submit_early_days"

RULES = (
    # At most 27 days early keeps the opening inside the month reported on, even in February.
    RuleSpec(SUBMIT_EARLY_DAYS, _("月报可提前报送天数（次月1日前）"), "int", "reporting",
             unit=pgettext_lazy("unit", "日"), minimum=Decimal(1), maximum=Decimal(27),
             help=_("月报自次月1日起可以报送；本规则允许在次月1日前若干天开始报送。")),
)


def register() -> None:
    for spec in RULES:
        register_rule(spec)
