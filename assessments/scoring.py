"""The total and grade of an evaluation, computed one way everywhere.

Rule (also in ``assessments/models/templates.py``): a dimension contributes
``sum(its indicator scores) / sum(its indicator maxima) × its weight``; the total
is the sum of contributions rounded half-up to 0.01; the grade comes from the
rounded total against the template's bands. Unscored indicators count as 0 (an
evaluation cannot be submitted until every indicator is scored).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from assessments.models import EvaluationTemplate, Grade

ZERO = Decimal("0")


@dataclass
class IndicatorRow:
    pk: int
    name: str
    max_score: Decimal
    guidance: str
    score: Decimal | None
    comment: str = ""


@dataclass
class DimensionRow:
    pk: int
    name: str
    weight: Decimal
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def scored(self) -> Decimal:
        return sum((i.score for i in self.indicators if i.score is not None), ZERO)

    @property
    def maximum(self) -> Decimal:
        return sum((i.max_score for i in self.indicators), ZERO)

    @property
    def points(self) -> Decimal:
        return EvaluationTemplate.dimension_points(self.weight, self.scored, self.maximum)

    @property
    def points_display(self) -> Decimal:
        return EvaluationTemplate.round_total(self.points)

    @property
    def percent(self) -> Decimal:
        """The dimension's attainment as a percentage of its maximum (for charts)."""
        return EvaluationTemplate.round_total(self.scored / self.maximum * 100) if self.maximum else ZERO


@dataclass
class Breakdown:
    template: EvaluationTemplate
    dimensions: list[DimensionRow]

    @property
    def total(self) -> Decimal:
        return EvaluationTemplate.round_total(sum((d.points for d in self.dimensions), ZERO))

    @property
    def grade(self) -> str:
        return self.template.grade_for(self.total)

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label

    @property
    def missing(self) -> list[IndicatorRow]:
        return [i for d in self.dimensions for i in d.indicators if i.score is None]


def breakdown(template: EvaluationTemplate, scores: dict[int, tuple[Decimal, str]] | None = None) -> Breakdown:
    """Dimensions and indicators of ``template`` with the given scores ({indicator pk: (score, comment)}).

    Two queries: the dimensions and their indicators (prefetched)."""
    scores = scores or {}
    rows = []
    for dimension in template.dimensions.order_by("order", "pk").prefetch_related("indicators"):
        row = DimensionRow(pk=dimension.pk, name=dimension.name, weight=dimension.weight)
        for indicator in dimension.indicators.all():
            score, comment = scores.get(indicator.pk, (None, ""))
            row.indicators.append(IndicatorRow(pk=indicator.pk, name=indicator.name, max_score=indicator.max_score,
                                               guidance=indicator.guidance, score=score, comment=comment))
        rows.append(row)
    return Breakdown(template=template, dimensions=rows)


def evaluation_breakdown(evaluation) -> Breakdown:
    scores = {s.indicator_id: (s.score, s.comment) for s in evaluation.scores.all()}
    return breakdown(evaluation.template, scores)
