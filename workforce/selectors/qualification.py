"""Professional qualification and the deadline for obtaining it, per person, under the rules of
the documents in force when the person was first hired (``workforce.selectors.policies``).
Each selector loads its rows in a fixed number of queries and applies the rules in memory (the
rules are date arithmetic over a person's few rows)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, Min, OuterRef, Prefetch
from django.utils.translation import gettext as _

from projects.models import Contract
from workforce.models import (
    FRONTLINE_ROLES,
    RECOGNISED_TRAINING_KINDS,
    Certificate,
    Employment,
    Person,
    TrainingRecord,
)
from workforce.selectors.policies import QualificationRules, RuleBook, RuleInForce, add_years, qualification_rules

ZERO = Decimal(0)


@dataclass
class Qualification:
    qualified: bool
    qualified_on: datetime.date | None  # None with ``via == "degree"``: qualified from the start
    via: str  # "degree" / "certificate" / "training" / ""
    recognised_hours: Decimal
    rules: QualificationRules

    @property
    def via_label(self) -> str:
        return {"degree": _("社会工作专业学历"), "certificate": _("职业水平证书"),
                "training": _("认可培训学时达标")}.get(self.via, _("尚未取得"))

    @property
    def hours_needed(self) -> Decimal | None:
        """Recognised hours still missing to qualify by training; None where training is no route."""
        threshold = self.rules.training_threshold
        return None if threshold is None else max(threshold - self.recognised_hours, ZERO)


def qualification_on(person: Person, rules: QualificationRules, on_date: datetime.date) -> Qualification:
    """Professionally qualified on a date, by the routes the rules allow: a social work degree,
    a certificate obtained by then, or recognised training hours (pre-service, continuing
    education, supervision) reaching the rules' hours by then. Uses prefetched certificates and
    trainings."""
    threshold = rules.training_threshold
    hours, reached_on = ZERO, None
    for record in sorted(person.trainings.all(), key=lambda t: (t.held_on, t.pk)):
        if record.kind in RECOGNISED_TRAINING_KINDS and record.held_on <= on_date:
            hours += record.hours
            if reached_on is None and threshold is not None and hours >= threshold:
                reached_on = record.held_on
    if person.social_work_degree and rules.allows("degree"):
        return Qualification(True, None, "degree", hours, rules)
    certified = [c.obtained_on for c in person.certificates.all() if c.obtained_on <= on_date]
    candidates = [(min(certified), "certificate")] if certified and rules.allows("certificate") else []
    if reached_on is not None:
        candidates.append((reached_on, "training"))
    if not candidates:
        return Qualification(False, None, "", hours, rules)
    first_on, via = min(candidates)
    return Qualification(True, first_on, via, hours, rules)


def hired_on(person: Person) -> datetime.date | None:
    starts = [e.start_on for e in person.employments.all()]
    return min(starts) if starts else None


def current_assignment(person: Person, on_date: datetime.date) -> Employment | None:
    active = [e for e in person.employments.all() if e.is_active_on(on_date)]
    return max(active, key=lambda e: (e.start_on, e.pk)) if active else None


def highest_level_on(person: Person, on_date: datetime.date) -> int | None:
    levels = [c.level for c in person.certificates.all() if c.obtained_on <= on_date]
    return max(levels) if levels else None


def rule_region_code(person: Person, on_date: datetime.date) -> str | None:
    """The region whose rules apply to the person: their station's on the date, else the
    region that registered them."""
    assignment = current_assignment(person, on_date)
    if assignment is not None:
        return assignment.station.region.code
    return person.registered_region.code if person.registered_region_id else None


def person_qualification(person: Person, book: RuleBook, on_date: datetime.date) -> Qualification:
    """``qualification_on`` under the rules in force at the person's first hire date (or on the
    date, for someone never assigned) for their station's region."""
    rules = qualification_rules(book, rule_region_code(person, on_date), hired_on(person) or on_date)
    return qualification_on(person, rules, on_date)


def people_with_rule_data(queryset):
    """People with their assignments (and stations' region codes), certificates and training prefetched."""
    return queryset.prefetch_related(
        Prefetch("employments", queryset=Employment.objects.select_related("station__region", "employer")),
        Prefetch("certificates", queryset=Certificate.objects.order_by("obtained_on", "pk")),
        Prefetch("trainings", queryset=TrainingRecord.objects.order_by("held_on", "pk")),
    )


def frontline_people(user, on_date: datetime.date, region=None):
    """People the user may see who hold a frontline assignment on the date (in ``region`` if given)."""
    active = Employment.objects.active_on(on_date).filter(role__in=FRONTLINE_ROLES)
    if region is not None:
        active = active.filter(station__region__code__startswith=region.prefix)
    # A correlated EXISTS, so that the few people in scope are looked up in the assignments by
    # person rather than every assignment in the country being read into a hash.
    people = Person.objects.visible_to(user).filter(Exists(active.filter(person_id=OuterRef("pk"))))
    return people_with_rule_data(people).order_by("name", "pk")


@dataclass
class Deadline:
    """When a person must be qualified by, and from what the years count."""

    starts_on: datetime.date | None  # None: the rule counts from a project start not registered
    deadline: datetime.date | None
    years: RuleInForce
    counted_from: RuleInForce | None

    @property
    def start_label(self) -> str:
        return self.counted_from.display if self.counted_from else _("入职之日")

    @property
    def citation(self) -> str:
        basis = [self.years.citation]
        if self.counted_from and self.counted_from.document != self.years.document:
            basis.append(self.counted_from.citation)
        return "；".join(basis)


def project_starts(station_ids) -> dict[int, datetime.date]:
    """The earliest start of a purchase-of-service contract covering each station (one query)."""
    rows = (Contract.stations.through.objects.filter(station_id__in=set(station_ids)).values("station_id")
            .annotate(first=Min("contract__starts_on")).order_by())
    return {row["station_id"]: row["first"] for row in rows}


def person_deadline(person: Person, status: Qualification, on_date: datetime.date,
                    projects: dict[int, datetime.date] | None = None) -> Deadline | None:
    """The deadline of someone not yet qualified, under the rules in force at their first hire;
    None when qualified, never hired, or where no document sets a deadline."""
    first = hired_on(person)
    rules = status.rules
    if status.qualified or first is None or rules.deadline_years is None:
        return None
    starts_on = first
    if rules.deadline_from is not None and rules.deadline_from.value == "project":
        assignment = current_assignment(person, on_date)
        if projects is None:
            projects = project_starts([assignment.station_id]) if assignment else {}
        starts_on = projects.get(assignment.station_id) if assignment else None
    deadline = add_years(starts_on, rules.deadline_years.value) if starts_on else None
    return Deadline(starts_on, deadline, rules.deadline_years, rules.deadline_from)


@dataclass
class DeadlineRow:
    person: Person
    assignment: Employment
    hired_on: datetime.date
    deadline: datetime.date
    days_left: int
    recognised_hours: Decimal
    hours_needed: Decimal | None  # None where training is no route to qualification
    basis: Deadline

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def citation(self) -> str:
        return self.basis.citation


def qualification_deadlines(*, user, on_date: datetime.date, book: RuleBook | None = None,
                            region=None, people=None) -> list[DeadlineRow]:
    """Frontline people not yet qualified whose deadline (the rule's years from their first hire,
    or from the project's start where the rule says so) falls within the warning window
    (``settings.QUALIFICATION_WARNING_DAYS``) or has passed; only people with a frontline
    assignment in ``region`` when given. Nobody is listed where no document sets a deadline.
    A deadline on ``on_date`` itself is due today, not overdue.
    ``people``: ``frontline_people(user, on_date)`` already loaded."""
    book = book or RuleBook()
    people = list(people if people is not None else frontline_people(user, on_date, region))
    statuses = {person.pk: person_qualification(person, book, on_date) for person in people}
    projects = {}
    if any(s.rules.deadline_from and s.rules.deadline_from.value == "project" for s in statuses.values()):
        projects = project_starts(e.station_id for person in people for e in person.employments.all())
    rows = []
    for person in people:
        status = statuses[person.pk]
        basis = person_deadline(person, status, on_date, projects)
        if basis is None or basis.deadline is None:
            continue
        days_left = (basis.deadline - on_date).days
        if days_left <= settings.QUALIFICATION_WARNING_DAYS:
            rows.append(DeadlineRow(person, current_assignment(person, on_date), hired_on(person), basis.deadline,
                                    days_left, status.recognised_hours, status.hours_needed, basis))
    return sorted(rows, key=lambda row: (row.deadline, row.person.name, row.person.pk))
