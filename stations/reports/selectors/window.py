"""When a month's report may be submitted: once the month has ended (the first day of the next
month), or as many days earlier as the policy in force for the station's region allows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core import figures
from core.dates import month_end, month_start, next_month
from stations.reports.rules import SUBMIT_EARLY_DAYS
from stations.selectors.policies import RuleInForce, rule_in_force


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class SubmissionWindow:
    period: datetime.date
    opens_on: datetime.date
    rule: RuleInForce | None  # the document that opens it early; None: the month's end

    @property
    def is_open(self) -> bool:
        return timezone.localdate() >= self.opens_on

    @property
    def opening(self) -> str:
        """2026年12月的月报自2027年1月1日起可以报送。(with the rule's basis when a document sets it)"""
        text = _("%(month)s的月报自%(date)s起可以报送。") % {
            "month": f"{self.period.year}年{self.period.month}月", "date": _chinese_date(self.opens_on)}
        return f"{text}{self.rule.citation}" if self.rule else text

    @property
    def refusal(self) -> str:
        return f"{self.opening}{_('在此之前可以保存草稿。')}"


def submission_window(region, period: datetime.date) -> SubmissionWindow:
    """The submitting window of the month ``period`` for a station in ``region`` (its township).
    An early opening is the rule in force on the month's last day, from the nearest region that
    sets one (one query, or none while no policy has been written since it was cached)."""
    period = month_start(period)
    opens_on = next_month(period)
    code = region.code if hasattr(region, "code") else region
    rule = figures.shared("submit-early", (figures.REGISTRY,),
                          lambda: rule_in_force(code, SUBMIT_EARLY_DAYS, month_end(period)), code, period)
    if rule is not None:
        opens_on -= datetime.timedelta(days=rule.value)
    return SubmissionWindow(period, opens_on, rule)
