"""Which provinces have a building standard (建设标准) in force on a date: the 达标率 of a region is
computed only where its province's documents set one; elsewhere it is 本地政策未规定."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F

from stations.models import PolicyDocument, StandardChecklist
from stations.selectors.divisions import code_range_q
from stations.selectors.policies import NOT_SET

ONE_DECIMAL = Decimal("0.1")


def share_pct(part: int, whole: int | None) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal (None when there is no whole)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def standards_in_force(on_date: datetime.date, *, prefix: str = "") -> dict[str, StandardChecklist]:
    """Province prefix (two digits) → the standard checklist in force there on the date, for the
    provinces whose code starts with ``prefix`` (all when empty). Like
    :func:`stations.services.standards.checklists_in_force`: an active checklist of the latest document
    governing the province in force on the date, the first by name. One query; provinces without
    one are absent."""
    documents = PolicyDocument.objects.in_force_on(on_date)
    rows = StandardChecklist.objects.filter(code_range_q("province__code", prefix[:2]), is_active=True,
                                            document__in=documents, document__region=F("province"))
    found: dict[str, StandardChecklist] = {}
    for checklist in rows.select_related("document", "province").order_by(
            "province__code", "-document__effective_from", "-document_id", "name"):
        found.setdefault(checklist.province.code[:2], checklist)
    return found


class StandardFigures:
    """The 达标率 of a coverage row: townships covered by a station whose latest acceptance check by the
    date passed its province's standard (``standard_covered``), out of the townships where a standard
    was in force then (``standard_townships``); the row declares the fields. ``standard_covered`` is
    None where the province's documents set no standard in force on the date: no figure, not 0."""

    standard: StandardChecklist | None
    standard_covered: int | None
    standard_townships: int | None
    townships: int

    @property
    def standard_set(self) -> bool:
        """Whether a standard was in force (for the nation: in at least one province)."""
        return self.standard_covered is not None

    @property
    def standard_pct(self) -> Decimal | None:
        return None if self.standard_covered is None else share_pct(self.standard_covered, self.standard_townships)

    @property
    def standard_pct_shown(self) -> Decimal | str | None:
        """The 达标率 for a table cell: the figure, or 本地政策未规定 where no standard was in force."""
        return self.standard_pct if self.standard_set else str(NOT_SET)

    def set_standard(self, standard: StandardChecklist | None, standard_covered: int) -> None:
        """The 达标 figures of a region inside one province, whose standard on the date is ``standard``."""
        if standard is not None:
            self.standard, self.standard_covered, self.standard_townships = standard, standard_covered, self.townships
