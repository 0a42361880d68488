"""The target that applies to a region on a date: its own or its nearest ancestor's, the earliest
due on or after the date, among the targets whose document was in force on that date; after the
last due date the last target stays, overdue.

A target set by a document that took effect after the date plays no part in the figures for that
date, so a past figure (a dashboard, a chart point, a report) stays as it was when a newer
document is loaded."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from stations.models import (
    LEVEL_ORDER,
    TARGET_LEVELS,
    PolicyDocument,
    Region,
    Target,
    significant_prefix,
)
from stations.selectors.policies import citation


@dataclass(frozen=True)
class ApplicableTarget:
    value: Decimal
    unit: str
    due_on: datetime.date
    region_code: str
    region_name: str
    inherited: bool  # set on an ancestor region, not on this one
    overdue: bool  # its due date has passed and no later target exists
    document: PolicyDocument | None = None
    clause: str = ""
    quote: str = ""

    @property
    def value_display(self) -> str:
        value = self.value.normalize() if self.value == self.value.to_integral() else self.value
        return f"{value:f}"

    @property
    def citation(self) -> str:
        """依据：《title》（文号）clause「quote」: the document the target comes from."""
        return citation(self.document, self.clause, self.quote) if self.document else ""


def chain_codes(code: str, level: str) -> list[str]:
    """The 12-digit codes of the region and its ancestors that may carry targets, nearest first."""
    levels = [lvl for lvl in LEVEL_ORDER[: LEVEL_ORDER.index(level) + 1] if lvl in TARGET_LEVELS]
    return [significant_prefix(code, lvl).ljust(12, "0") for lvl in reversed(levels)]


def targets_by_region(codes: set[str], metric: str, *more_metrics: str) -> dict[str, dict[str, list[Target]]]:
    """metric → region code → its targets (with their documents) by due date, in one query; for one
    due date, the latest document's last."""
    targets: dict[str, dict[str, list[Target]]] = {m: {} for m in (metric, *more_metrics)}
    queryset = Target.objects.filter(metric__in=list(targets), region__code__in=codes).select_related(
        "region", "document")
    for target in queryset.order_by("due_on", "document__effective_from", "document_id", "pk"):
        targets[target.metric].setdefault(target.region.code, []).append(target)
    return targets


def count_gap(target: ApplicableTarget | None, covered: int) -> int | None:
    if target is None:
        return None
    return max(int(target.value.to_integral_value(rounding=ROUND_CEILING)) - covered, 0)


def resolve_target(chain: list[str], targets: dict[str, list[Target]], on_date) -> ApplicableTarget | None:
    """The earliest target due on or after the date, on the region or else its nearest ancestor
    that has one, counting only targets whose document was in force on the date (for one due
    date, the latest document's). When every such target in the chain is past due, the latest one
    still stands (a 100% goal does not lapse on its deadline), flagged as overdue."""
    in_force = {code: [t for t in targets.get(code, []) if t.document.in_force_on(on_date)] for code in chain}
    for code in chain:
        upcoming = [t for t in in_force[code] if t.due_on >= on_date]
        if upcoming:
            first_due = [t for t in upcoming if t.due_on == upcoming[0].due_on]
            return _applicable(first_due[-1], own=code == chain[0], overdue=False)
    for code in chain:
        if in_force[code]:
            return _applicable(in_force[code][-1], own=code == chain[0], overdue=True)
    return None


def _applicable(target: Target, *, own: bool, overdue: bool) -> ApplicableTarget:
    return ApplicableTarget(value=target.value, unit=target.unit, due_on=target.due_on,
                            region_code=target.region.code, region_name=target.region.name,
                            inherited=not own, overdue=overdue, document=target.document,
                            clause=target.clause, quote=target.quote)


def region_target(*, region: Region, metric: str, on_date: datetime.date,
                  inherit: bool = False) -> ApplicableTarget | None:
    """The target of one metric that applies to a region on a date (one query). Shares inherit
    from the nearest ancestor with a target; head counts belong to the region they were set for,
    so by default only the region's own targets apply."""
    chain = chain_codes(region.code, region.level) if inherit else [region.code]
    targets = targets_by_region(set(chain), metric)[metric]
    return resolve_target(chain, targets, on_date)


def targets_in_force(*, region: Region, on_date: datetime.date) -> list[tuple[Target, bool]]:
    """Every target of the region and its ancestors whose document is in force on the date, by
    metric and due date, each with whether it is the one that applies to the region on the date
    for its metric (one query)."""
    chain = chain_codes(region.code, region.level) if region.level in LEVEL_ORDER else [region.code]
    rows = list(Target.objects.filter(region__code__in=chain).select_related("region", "document").order_by(
        "metric", "due_on", "document__effective_from", "document_id", "pk"))
    by_metric: dict[str, dict[str, list[Target]]] = {}
    for target in rows:
        by_metric.setdefault(target.metric, {}).setdefault(target.region.code, []).append(target)
    applying = set()
    for metric, targets in by_metric.items():
        found = resolve_target(chain, targets, on_date)
        if found is not None:
            applying.add((metric, found.region_code, found.due_on, found.document.pk))
    return [(t, (t.metric, t.region.code, t.due_on, t.document_id) in applying) for t in rows
            if t.document.in_force_on(on_date)]
