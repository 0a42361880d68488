"""Models of the assessments app: templates (dimensions, weighted indicators,
grade bands) and evaluations (scores, evidence, status, consequences)."""

from assessments.models.choices import (  # noqa: F401
    CONTRACT_KINDS,
    STATION_KINDS,
    EvaluationKind,
    EvaluationOrigin,
    Grade,
    TemplateStatus,
)
from assessments.models.evaluations import (  # noqa: F401
    Evaluation,
    EvaluationQuerySet,
    EvaluationStatus,
    Evidence,
    EvidenceQuerySet,
    Score,
    ScoreQuerySet,
)
from assessments.models.templates import (  # noqa: F401
    Dimension,
    DimensionQuerySet,
    EvaluationTemplate,
    EvaluationTemplateQuerySet,
    Indicator,
    IndicatorQuerySet,
)
