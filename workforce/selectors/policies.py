"""Which region's thresholds apply: the nearest ancestor's policy, else the defaults."""

from __future__ import annotations

import datetime

from stations.models.regions import ancestor_codes
from workforce.models import WorkforcePolicy


class PolicyBook:
    """All workforce policies loaded once (one query), resolved per region code in memory."""

    def __init__(self, policies=None):
        rows = WorkforcePolicy.objects.select_related("region") if policies is None else policies
        self._by_code = {policy.region.code: policy for policy in rows}
        self._default = WorkforcePolicy()

    def for_code(self, code: str | None) -> WorkforcePolicy:
        if code:
            for ancestor in reversed(ancestor_codes(code)):
                if ancestor in self._by_code:
                    return self._by_code[ancestor]
        return self._default


def workforce_policy_for(region) -> WorkforcePolicy:
    """The policy in force for a region: its own, else its nearest ancestor's, else the defaults."""
    policy = WorkforcePolicy.objects.applying_to(region.code).first()
    return policy or WorkforcePolicy()


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
