"""Reads for the assessment screens and exports; every one starts from ``visible_to``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Case, Count, DecimalField, ExpressionWrapper, F, Q, Value, When

from assessments.models import Evaluation, EvaluationKind, EvaluationOrigin, EvaluationStatus, Grade, Score
from core.dates import provisional_flags
from core.scope import get_visible_or_404
from projects.models import Contract, PaymentInstallment
from stations.models import Region


def evaluation_list(*, user, status: str = "", kind: str = "", origin: str = "", q: str = ""):
    queryset = Evaluation.objects.visible_to(user).for_lists()
    if status in EvaluationStatus.values:
        queryset = queryset.filter(status=status)
    if kind in EvaluationKind.values:
        queryset = queryset.filter(template__kind=kind)
    if origin in EvaluationOrigin.values:
        queryset = queryset.of_origin(origin)
    if q:
        queryset = queryset.filter(Q(contract__number__icontains=q) | Q(contract__title__icontains=q)
                                   | Q(station__name__icontains=q))
    # Work first: submitted (to confirm), then drafts (to score), then finalised.
    urgency = Case(When(status=EvaluationStatus.SUBMITTED, then=Value(0)),
                   When(status=EvaluationStatus.DRAFT, then=Value(1)), default=Value(2))
    return queryset.order_by(urgency, "-period_end", "-pk")


def status_counts(*, user) -> dict[str, int]:
    rows = Evaluation.objects.visible_to(user).values("status").annotate(n=Count("pk")).order_by("status")
    counts = {value: 0 for value in EvaluationStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def evaluation_detail(*, user, pk) -> Evaluation:
    queryset = Evaluation.objects.for_lists().select_related(
        "template__province", "contract__contractor", "station__region", "submitted_by", "finalised_by",
    ).prefetch_related("scores", "evidence")
    return get_visible_or_404(queryset, user, pk=pk)


def contract_installments(*, user, evaluation: Evaluation):
    """The evaluated contract's payment schedule, if the user may see it (evaluators may not), each
    installment with ``provisional`` set."""
    if not evaluation.contract_id:
        return []
    installments = list(PaymentInstallment.objects.visible_to(user).filter(
        contract_id=evaluation.contract_id).order_by("sequence"))
    # a due date counted through a year whose holiday arrangements are not published is marked
    for installment, flag in zip(installments, provisional_flags(
            (i.triggered_on, i.due_on) for i in installments), strict=True):
        installment.provisional = flag
    return installments


@dataclass
class TodoList:
    not_renewable: list = field(default_factory=list)
    to_finalise: list = field(default_factory=list)
    to_score: list = field(default_factory=list)


def _waiting_evaluations(user) -> tuple[list, list]:
    """Unfinalised evaluations the user may confirm, and those the user may score."""
    from assessments.permissions import can_finalise_evaluation, can_score_evaluation

    to_finalise, to_score = [], []
    evaluations = Evaluation.objects.visible_to(user).for_lists().exclude(status=EvaluationStatus.FINALISED)
    for evaluation in evaluations.order_by("period_end", "pk"):
        if can_finalise_evaluation(user, evaluation):
            to_finalise.append(evaluation)
        elif can_score_evaluation(user, evaluation):
            to_score.append(evaluation)
    return to_finalise, to_score


def todo_list(*, user) -> TodoList:
    """Contracts that may not be renewed (re-procure) and evaluations waiting for this user."""
    not_renewable = list(Contract.objects.visible_to(user).filter(renewable=False)
                         .select_related("contractor", "purchaser").order_by("ends_on", "number"))
    to_finalise, to_score = _waiting_evaluations(user)
    return TodoList(not_renewable=not_renewable, to_finalise=to_finalise, to_score=to_score)


@dataclass(frozen=True)
class TodoCounts:
    to_finalise: int
    to_score: int

    @property
    def waiting(self) -> int:
        return self.to_finalise + self.to_score


def evaluation_todo_summary(*, user) -> TodoCounts:
    """How many evaluations wait for the user on the to-do page: to confirm and to score."""
    to_finalise, to_score = _waiting_evaluations(user)
    return TodoCounts(len(to_finalise), len(to_score))


@dataclass
class CountyRow:
    code: str
    name: str
    counts: dict[str, int]
    total: int
    average: Decimal | None


@dataclass
class RegionResults:
    region: Region | None
    distribution: dict[str, int]
    total: int
    average: Decimal | None
    counties: list[CountyRow]
    weakest: list[dict]


GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.FAIL]


def finalised_results(*, user, region: Region | None = None, kind: str = "", year: int | None = None):
    queryset = Evaluation.objects.visible_to(user).filter(status=EvaluationStatus.FINALISED)
    if region is not None:
        queryset = queryset.filter(county__code__startswith=region.prefix)
    if kind in EvaluationKind.values:
        queryset = queryset.filter(template__kind=kind)
    if year:
        queryset = queryset.filter(finalised_on__gte=datetime.date(year, 1, 1),
                                   finalised_on__lte=datetime.date(year, 12, 31))
    return queryset


def region_results(*, user, region: Region | None = None, kind: str = "", year: int | None = None,
                   weakest: int = 10) -> RegionResults:
    """Grade distribution per county and overall, and the indicators scored lowest (as a share of
    their maximum). Three queries whatever the number of counties or evaluations."""
    finalised = finalised_results(user=user, region=region, kind=kind, year=year)
    grade_counts = {g: Count("pk", filter=Q(grade=g)) for g in GRADE_ORDER}
    rows = (finalised.order_by().values("county__code", "county__name")
            .annotate(n=Count("pk"), avg=Avg("total"), **grade_counts).order_by("county__code"))
    counties = [CountyRow(code=r["county__code"], name=r["county__name"], counts={g: r[g] for g in GRADE_ORDER},
                          total=r["n"], average=_round(r["avg"])) for r in rows]
    overall = finalised.order_by().aggregate(n=Count("pk"), avg=Avg("total"), **grade_counts)
    share = ExpressionWrapper(F("score") * 100 / F("indicator__max_score"),
                              output_field=DecimalField(max_digits=9, decimal_places=4))
    weakest_rows = list(
        Score.objects.visible_to(user).filter(evaluation__in=finalised.values("pk")).order_by()
        .values("indicator__dimension__name", "indicator__name")
        .annotate(share=Avg(share), n=Count("pk")).order_by("share", "indicator__name")[:weakest])
    for row in weakest_rows:
        row["share"] = _round(row["share"])
    return RegionResults(region=region, distribution={g: overall[g] for g in GRADE_ORDER}, total=overall["n"],
                         average=_round(overall["avg"]), counties=counties, weakest=weakest_rows)


def _round(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


@dataclass
class EvaluationPeriodRow:
    county: str
    subject: str
    kind: str  # label of the template's kind, and of the spot check if it is one
    period_start: datetime.date
    period_end: datetime.date
    total: Decimal | None
    grade: str  # label
    finalised_on: datetime.date


@dataclass
class EvaluationPeriodSummary:
    rows: list[EvaluationPeriodRow]
    grades: dict[str, int]  # evaluations per grade label, best grade first


def evaluation_period_summary(*, user, region: Region, first: datetime.date,
                              last: datetime.date) -> EvaluationPeriodSummary:
    """Evaluations in the region finalised between the two dates, by county and date, and how
    many got each grade. One query."""
    evaluations = list(finalised_results(user=user, region=region).filter(
        finalised_on__gte=first, finalised_on__lte=last).select_related(
        "template", "contract", "station", "county", "initiating_region").order_by(
        "county__code", "finalised_on", "pk"))
    return EvaluationPeriodSummary(
        rows=[EvaluationPeriodRow(e.county.name, e.subject_name, e.kind_label, e.period_start,
                                  e.period_end, e.total, e.get_grade_display(), e.finalised_on)
              for e in evaluations],
        grades={str(Grade(g).label): sum(1 for e in evaluations if e.grade == g) for g in GRADE_ORDER})
