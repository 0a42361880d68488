"""The target that applies to a region on a date: its own or its nearest ancestor's, the earliest due on or after the date; after the last due date the last target stays, overdue."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from stations.models import (
    LEVEL_ORDER,
    TARGET_LEVELS,
    Region,
    Target,
    significant_prefix,
)


@dataclass(frozen=True)
class ApplicableTarget:
    value: Decimal
    unit: str
    due_on: datetime.date
    region_code: str
    region_name: str
    inherited: bool  # set on an ancestor region, not on this one
    overdue: bool  # its due date has passed and no later target exists

    @property
    def value_display(self) -> str:
        value = self.value.normalize() if self.value == self.value.to_integral() else self.value
        return f"{value:f}"


def chain_codes(code: str, level: str) -> list[str]:
    """The 12-digit codes of the region and its ancestors that may carry targets, nearest first."""
    levels = [lvl for lvl in LEVEL_ORDER[: LEVEL_ORDER.index(level) + 1] if lvl in TARGET_LEVELS]
    return [significant_prefix(code, lvl).ljust(12, "0") for lvl in reversed(levels)]


def targets_by_region(codes: set[str], metric: str, *more_metrics: str) -> dict[str, dict[str, list[Target]]]:
    """metric → region code → its targets by due date, in one query."""
    targets: dict[str, dict[str, list[Target]]] = {m: {} for m in (metric, *more_metrics)}
    queryset = Target.objects.filter(metric__in=list(targets), region__code__in=codes).select_related("region")
    for target in queryset.order_by("due_on", "pk"):
        targets[target.metric].setdefault(target.region.code, []).append(target)
    return targets


def count_gap(target: ApplicableTarget | None, covered: int) -> int | None:
    if target is None:
        return None
    return max(int(target.value.to_integral_value(rounding=ROUND_CEILING)) - covered, 0)


def resolve_target(chain: list[str], targets: dict[str, list[Target]], on_date) -> ApplicableTarget | None:
    """The earliest target due on or after the date, on the region or else its nearest ancestor
    that has one. When every target in the chain is past due, the latest one still stands
    (a 100% goal does not lapse on its deadline), flagged as overdue."""
    for code in chain:
        upcoming = [t for t in targets.get(code, []) if t.due_on >= on_date]
        if upcoming:
            return _applicable(upcoming[0], own=code == chain[0], overdue=False)
    for code in chain:
        if targets.get(code):
            return _applicable(targets[code][-1], own=code == chain[0], overdue=True)
    return None


def _applicable(target: Target, *, own: bool, overdue: bool) -> ApplicableTarget:
    return ApplicableTarget(value=target.value, unit=target.unit, due_on=target.due_on,
                            region_code=target.region.code, region_name=target.region.name,
                            inherited=not own, overdue=overdue)


def region_target(*, region: Region, metric: str, on_date: datetime.date,
                  inherit: bool = False) -> ApplicableTarget | None:
    """The target of one metric that applies to a region on a date (one query). Shares inherit
    from the nearest ancestor with a target; head counts belong to the region they were set for,
    so by default only the region's own targets apply."""
    chain = chain_codes(region.code, region.level) if inherit else [region.code]
    targets = targets_by_region(set(chain), metric)[metric]
    return resolve_target(chain, targets, on_date)
