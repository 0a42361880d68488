"""The workforce rules of DOMAIN.md, computed per person with the thresholds of the
region the person works in. Each selector loads its rows in a fixed number of queries
and applies the rules in memory (the rules are date arithmetic over a person's few rows)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from workforce.models import (
    CONTINUING_EDUCATION_KINDS,
    FRONTLINE_ROLES,
    RECOGNISED_TRAINING_KINDS,
    Certificate,
    Employment,
    EmploymentRole,
    Person,
    TrainingRecord,
    WorkforcePolicy,
)
from workforce.selectors.policies import PolicyBook, add_years

ZERO = Decimal(0)


@dataclass
class Qualification:
    qualified: bool
    qualified_on: datetime.date | None  # None with ``via == "degree"``: qualified from the start
    via: str  # "degree" / "certificate" / "training" / ""
    recognised_hours: Decimal

    @property
    def via_label(self) -> str:
        return {"degree": _("社会工作专业学历"), "certificate": _("职业水平证书"),
                "training": _("认可培训学时达标")}.get(self.via, _("尚未取得"))


def qualification_on(person: Person, policy: WorkforcePolicy, on_date: datetime.date) -> Qualification:
    """Professionally qualified on a date: social work degree, or a certificate obtained by
    then, or recognised training hours (pre-service, continuing education, supervision)
    reaching the region's threshold by then. Uses prefetched certificates and trainings."""
    hours = ZERO
    reached_on = None
    for record in sorted(person.trainings.all(), key=lambda t: (t.held_on, t.pk)):
        if record.kind in RECOGNISED_TRAINING_KINDS and record.held_on <= on_date:
            hours += record.hours
            if reached_on is None and hours >= policy.qualification_training_hours:
                reached_on = record.held_on
    if person.social_work_degree:
        return Qualification(True, None, "degree", hours)
    certified = [c.obtained_on for c in person.certificates.all() if c.obtained_on <= on_date]
    candidates = [(min(certified), "certificate")] if certified else []
    if reached_on is not None:
        candidates.append((reached_on, "training"))
    if not candidates:
        return Qualification(False, None, "", hours)
    first_on, via = min(candidates)
    return Qualification(True, first_on, via, hours)


def hired_on(person: Person) -> datetime.date | None:
    starts = [e.start_on for e in person.employments.all()]
    return min(starts) if starts else None


def current_assignment(person: Person, on_date: datetime.date) -> Employment | None:
    active = [e for e in person.employments.all() if e.is_active_on(on_date)]
    return max(active, key=lambda e: (e.start_on, e.pk)) if active else None


def highest_level_on(person: Person, on_date: datetime.date) -> int | None:
    levels = [c.level for c in person.certificates.all() if c.obtained_on <= on_date]
    return max(levels) if levels else None


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
    return (people_with_rule_data(Person.objects.visible_to(user).filter(pk__in=active.values("person_id")))
            .order_by("name", "pk"))


@dataclass
class DeadlineRow:
    person: Person
    assignment: Employment
    hired_on: datetime.date
    deadline: datetime.date
    days_left: int
    recognised_hours: Decimal
    hours_needed: Decimal

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def qualification_deadlines(*, user, on_date: datetime.date, book: PolicyBook | None = None,
                            region=None, people=None) -> list[DeadlineRow]:
    """Frontline people not yet qualified whose deadline (hire date + the region's years)
    falls within the region's warning window (90 days by default) or has passed; only people
    with a frontline assignment in ``region`` when given. A deadline on ``on_date`` itself is
    due today, not overdue. ``people``: ``frontline_people(user, on_date)`` already loaded."""
    book = book or PolicyBook()
    rows = []
    for person in people if people is not None else frontline_people(user, on_date, region):
        assignment = current_assignment(person, on_date)
        policy = book.for_code(assignment.station.region.code)
        status = qualification_on(person, policy, on_date)
        first = hired_on(person)
        if status.qualified or first is None:
            continue
        deadline = add_years(first, policy.qualification_deadline_years)
        days_left = (deadline - on_date).days
        if days_left <= policy.deadline_warning_days:
            needed = max(policy.qualification_training_hours - status.recognised_hours, ZERO)
            rows.append(DeadlineRow(person, assignment, first, deadline, days_left, status.recognised_hours, needed))
    return sorted(rows, key=lambda row: (row.deadline, row.person.name, row.person.pk))


@dataclass
class ShortfallRow:
    person: Person
    assignment: Employment
    required: Decimal
    hours: Decimal

    @property
    def short_by(self) -> Decimal:
        return self.required - self.hours


def continuing_education_shortfall(*, user, year: int, on_date: datetime.date,
                                   book: PolicyBook | None = None, people=None) -> list[ShortfallRow]:
    """Frontline people (in post at the year's end, or on ``on_date`` for the running year)
    whose continuing-education hours (continuing education and supervision) in the calendar
    year are below the region's yearly hours. Someone first hired during the year owes a
    share by whole months from the month of hire. ``people``: ``frontline_people(user, on_date)``
    already loaded (for the running year)."""
    book = book or PolicyBook()
    reference = min(datetime.date(year, 12, 31), on_date)
    rows = []
    for person in people if people is not None else frontline_people(user, reference):
        assignment = current_assignment(person, reference)
        policy = book.for_code(assignment.station.region.code)
        first = hired_on(person)
        months = 12 - first.month + 1 if first.year == year else 12
        required = (policy.continuing_education_hours * months / 12).quantize(Decimal("0.1"))
        hours = sum((t.hours for t in person.trainings.all()
                     if t.kind in CONTINUING_EDUCATION_KINDS and t.held_on.year == year), ZERO)
        if hours < required:
            rows.append(ShortfallRow(person, assignment, required, hours))
    return sorted(rows, key=lambda row: (-row.short_by, row.person.name, row.person.pk))


@dataclass
class SupervisorRow:
    person: Person
    assignment: Employment
    level: int | None
    required_level: int


def supervisor_level_violations(*, user, on_date: datetime.date, book: PolicyBook | None = None):
    """People assigned as supervisors on the date without a certificate of the region's
    minimum level (intermediate by default) obtained by then."""
    book = book or PolicyBook()
    rows = []
    for person in frontline_people(user, on_date):
        for assignment in person.employments.all():
            if assignment.role != EmploymentRole.SUPERVISOR or not assignment.is_active_on(on_date):
                continue
            policy = book.for_code(assignment.station.region.code)
            level = highest_level_on(person, on_date)
            if level is None or level < policy.supervisor_min_level:
                rows.append(SupervisorRow(person, assignment, level, policy.supervisor_min_level))
    return rows


@dataclass
class PersonRules:
    """Everything the person page shows about the rules."""

    qualification: Qualification
    hired_on: datetime.date | None
    deadline: datetime.date | None
    deadline_days_left: int | None
    policy: WorkforcePolicy
    assignment: Employment | None
    level: int | None
    continuing_hours: Decimal
    flags: list[str] = field(default_factory=list)


def hiring_flags(person: Person, policy: WorkforcePolicy) -> list[str]:
    """Hiring limits are flagged for the county's attention, never enforced."""
    flags = []
    first = hired_on(person)
    age = person.age_on(first) if first else None
    if age is not None and age > policy.max_hiring_age:
        flags.append(_("入职时 %(age)s 岁，超过招聘年龄上限 %(max)s 岁") % {"age": age, "max": policy.max_hiring_age})
    if person.education is not None and person.education < policy.min_education:
        flags.append(_("学历低于%(min)s") % {"min": policy.get_min_education_display()})
    if person.education is None:
        flags.append(_("学历未登记"))
    return flags


def person_rules(person: Person, on_date: datetime.date, book: PolicyBook | None = None) -> PersonRules:
    """The rules' status for one person (who must come from :func:`people_with_rule_data`)."""
    book = book or PolicyBook()
    assignment = current_assignment(person, on_date)
    policy = book.for_code(assignment.station.region.code if assignment else person.registered_region.code)
    status = qualification_on(person, policy, on_date)
    first = hired_on(person)
    deadline = add_years(first, policy.qualification_deadline_years) if first and not status.qualified else None
    level = highest_level_on(person, on_date)
    flags = hiring_flags(person, policy)
    if assignment and assignment.role == EmploymentRole.SUPERVISOR and (level or 0) < policy.supervisor_min_level:
        flags.append(_("督导须持%(level)s及以上证书") % {"level": policy.get_supervisor_min_level_display()})
    hours = sum((t.hours for t in person.trainings.all()
                 if t.kind in CONTINUING_EDUCATION_KINDS and t.held_on.year == on_date.year), ZERO)
    return PersonRules(status, first, deadline, (deadline - on_date).days if deadline else None, policy, assignment,
                       level, hours, flags)


@dataclass
class FlagRow:
    person: Person
    assignment: Employment
    flags: list[str]


def hiring_flag_list(*, user, on_date: datetime.date, book: PolicyBook | None = None) -> list[FlagRow]:
    book = book or PolicyBook()
    rows = []
    for person in frontline_people(user, on_date):
        assignment = current_assignment(person, on_date)
        flags = hiring_flags(person, book.for_code(assignment.station.region.code))
        if flags:
            rows.append(FlagRow(person, assignment, flags))
    return rows
