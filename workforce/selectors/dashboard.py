"""The workforce dashboard of a region: a fixed number of aggregate queries,
whatever the number of people or child regions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from projects.models import Organisation
from stations.models import PREFIX_LENGTH, Region, TargetMetric
from stations.selectors.targets import ApplicableTarget, resolve_target, targets_by_region
from workforce.models import (
    RECOGNISED_TRAINING_KINDS,
    Certificate,
    CertificateLevel,
    Employment,
    EmploymentRole,
    Person,
    ReportedFigure,
    TrainingRecord,
)
from workforce.selectors.policies import (
    QUALIFICATION_KEYS,
    QualificationRules,
    RuleBook,
    qualification_rules,
    qualified_expression,
    region_rules,
)


@dataclass
class ChildRow:
    region: Region
    people: int
    certified: int
    per_10k: Decimal | None


@dataclass
class TargetRow:
    """A workforce target beside two figures: the province's reported figure (填报数), which the
    target is measured against, and the registry's own count (系统统计数), which covers only the
    people on the stations' rosters and so is shown, never compared."""

    label: str
    system_count: int
    target: ApplicableTarget
    reported: ReportedFigure | None  # None: no figure entered for the region up to the date's year
    # True where the registry holds the whole population (organisations): the target is measured
    # against the system count and no figure is entered.
    by_system_count: bool = False

    @property
    def actual(self) -> int | None:
        if self.by_system_count:
            return self.system_count
        return self.reported.value if self.reported is not None else None

    @property
    def gap(self) -> int | None:
        """People (or organisations) still needed to reach the target by the figure it is
        measured against; never negative; None with no reported figure (nothing to compare)."""
        if self.actual is None:
            return None
        return max(int(self.target.value.to_integral_value(rounding=ROUND_CEILING)) - self.actual, 0)


@dataclass
class WorkforceDashboard:
    region: Region
    on_date: datetime.date
    people: int
    by_role: list[tuple[str, int]]
    by_level: list[tuple[str, int]]
    certified: int
    qualified: int
    qualified_share: Decimal | None
    per_10k: Decimal | None
    children: list[ChildRow]
    rules: QualificationRules  # the region's own qualification rules on the date, for the page's note
    targets: list[TargetRow]


def per_10k(count: int, population: int | None) -> Decimal | None:
    if not population:
        return None
    return (Decimal(count) * 10000 / population).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _people_in(region: Region, on_date: datetime.date):
    """People holding an assignment at a station in the region on the date."""
    active = Employment.objects.active_on(on_date).filter(station__region__code__startswith=region.prefix)
    return Person.objects.filter(pk__in=active.values("person_id"))


def _first_hire_and_code(on_date: datetime.date) -> dict:
    """Per person: the first hire date, and the region of the station they work at on the date
    (their latest assignment active then) — where and when their qualification rules are read."""
    current = (Employment.objects.active_on(on_date).filter(person=OuterRef("pk"))
               .order_by("-start_on", "-pk").values("station__region__code")[:1])
    first = Employment.objects.filter(person=OuterRef("pk")).order_by("start_on").values("start_on")[:1]
    return {"rule_code": Subquery(current), "first_hired": Subquery(first)}


def workforce_dashboard(*, region: Region, on_date: datetime.date) -> WorkforceDashboard:
    """The caller checks that the region is within the user's scope. "Qualified" applies to each
    person the qualification rules in force at their first hire for their station's region."""
    people = _people_in(region, on_date)
    held = Certificate.objects.filter(person=OuterRef("pk"), obtained_on__lte=on_date)
    top_level = held.order_by("-level").values("level")[:1]
    rules = region_rules(region, QUALIFICATION_KEYS)
    qualified = qualified_expression(rules, code="rule_code", on="first_hired", hours="hours", certified="certified")
    hours = TrainingRecord.objects.filter(person=OuterRef("pk"), held_on__lte=on_date,
                                          kind__in=RECOGNISED_TRAINING_KINDS).order_by().values("person")
    hours = hours.annotate(total=Sum("hours")).values("total")
    figures = people.annotate(
        hours=Coalesce(Subquery(hours), Value(Decimal(0)), output_field=DecimalField(max_digits=8, decimal_places=1)),
        certified=Exists(held), **_first_hire_and_code(on_date),
    ).annotate(**qualified["annotations"]).aggregate(
        total=Count("pk"), certified_n=Count("pk", filter=Q(certified=True)),
        qualified=Count("pk", filter=qualified["qualified"]),
    )
    levels = dict(people.annotate(top=Subquery(top_level)).exclude(top=None).values_list("top").annotate(n=Count("pk")))
    active = Employment.objects.active_on(on_date).filter(station__region__code__startswith=region.prefix)
    roles = dict(active.values_list("role").annotate(n=Count("person", distinct=True)))
    total = figures["total"]
    return WorkforceDashboard(
        region=region, on_date=on_date, people=total,
        by_role=[(label, roles.get(value, 0)) for value, label in EmploymentRole.choices],
        by_level=[(label, levels.get(value, 0)) for value, label in CertificateLevel.choices],
        certified=figures["certified_n"], qualified=figures["qualified"],
        qualified_share=(Decimal(figures["qualified"]) * 100 / total).quantize(Decimal("0.1")) if total else None,
        per_10k=per_10k(figures["certified_n"], region.population),
        children=_children(region, on_date), rules=qualification_rules(RuleBook(rules), region.code, on_date),
        targets=_targets(region, on_date, certified=figures["certified_n"], qualified=figures["qualified"]),
    )


def _targets(region: Region, on_date: datetime.date, *, certified: int, qualified: int) -> list[TargetRow]:
    """The region's workforce targets. Certified social workers and social work professionals
    (people with a professional qualification) are measured against the figure the province
    reports for the region (the latest year up to the date's), with the registry's own count
    beside it. Social work organisations are all registered here, so their target is measured
    against the registry's count on the date."""
    metrics = (TargetMetric.CERTIFIED_SOCIAL_WORKERS, TargetMetric.SOCIAL_WORK_PROFESSIONALS,
               TargetMetric.SOCIAL_WORK_ORGANISATIONS)
    # Head counts belong to the region they were set for: only the region's own targets apply.
    by_metric = targets_by_region({region.code}, *metrics)
    applying = {metric: resolve_target([region.code], by_metric[metric], on_date) for metric in metrics}
    found = [(metric, system_count, applying[metric])
             for metric, system_count in ((TargetMetric.CERTIFIED_SOCIAL_WORKERS, certified),
                                          (TargetMetric.SOCIAL_WORK_PROFESSIONALS, qualified))]
    found = [row for row in found if row[2] is not None]
    reported = ReportedFigure.objects.latest_by_metric(region, on_date.year) if found else {}
    rows = [TargetRow(label=str(TargetMetric(metric).label), system_count=system_count, target=target,
                      reported=reported.get(metric)) for metric, system_count, target in found]
    organisations = applying[TargetMetric.SOCIAL_WORK_ORGANISATIONS]
    if organisations is not None:
        rows.append(TargetRow(label=str(TargetMetric.SOCIAL_WORK_ORGANISATIONS.label),
                              system_count=organisations_registered(region, on_date), target=organisations,
                              reported=None, by_system_count=True))
    return rows


def organisations_registered(region: Region, on_date: datetime.date) -> int:
    """Organisations registered in the region as the registry held them at the end of the date:
    each organisation's latest change up to then, unless it was a deletion (one query). Entered
    later, moved or deleted later, the figure for the date stays what it was."""
    history = Organisation.history.model
    next_day = timezone.make_aware(datetime.datetime.combine(on_date + datetime.timedelta(days=1), datetime.time.min))
    latest = (history.objects.filter(id=OuterRef("id"), history_date__lt=next_day)
              .order_by("-history_date", "-history_id").values("history_id")[:1])
    return (history.objects.filter(history_date__lt=next_day, region__code__startswith=region.prefix)
            .exclude(history_type="-").annotate(latest=Subquery(latest)).filter(history_id=F("latest")).count())


def _children(region: Region, on_date: datetime.date) -> list[ChildRow]:
    child_level = region.child_level
    if child_level is None:
        return []
    length = PREFIX_LENGTH[child_level]
    children = list(Region.objects.filter(parent=region).order_by("code"))
    active = Employment.objects.active_on(on_date).filter(station__region__code__startswith=region.prefix)
    held = Certificate.objects.filter(person=OuterRef("person_id"), obtained_on__lte=on_date)
    counts = {
        row["child"]: row for row in active.annotate(
            child=Substr("station__region__code", 1, length), certified=Exists(held),
        ).values("child").annotate(
            people=Count("person", distinct=True),
            certified_n=Count("person", distinct=True, filter=Q(certified=True)),
        ).order_by("child")
    }
    rows = []
    for child in children:
        row = counts.get(child.prefix, {"people": 0, "certified_n": 0})
        rows.append(ChildRow(child, row["people"], row["certified_n"], per_10k(row["certified_n"], child.population)))
    return rows
