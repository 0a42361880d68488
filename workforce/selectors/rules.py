"""The workforce rules of the policy documents applied per person: continuing education,
supervisors' certificate level, hiring limits, and everything the person page shows. Each row
carries the rule it was computed from (``RuleInForce``), so the page and the export can cite it.
Qualification and its deadline are in ``workforce.selectors.qualification``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from workforce.models import CONTINUING_EDUCATION_KINDS, Employment, EmploymentRole, Person
from workforce.selectors.policies import RuleBook, RuleInForce
from workforce.selectors.qualification import (  # noqa: F401 (the selectors' names, read from here too)
    Deadline,
    DeadlineRow,
    Qualification,
    current_assignment,
    frontline_people,
    highest_level_on,
    hired_on,
    people_with_rule_data,
    person_deadline,
    person_qualification,
    qualification_deadlines,
    qualification_on,
    rule_region_code,
)

ZERO = Decimal(0)


def _citations(*rules: RuleInForce | None) -> str:
    """The citations of the rules used, once per document and clause."""
    seen = []
    for rule in rules:
        if rule is not None and rule.citation not in seen:
            seen.append(rule.citation)
    return "；".join(seen)


@dataclass
class ContinuingEducation:
    """A year's continuing-education requirement for one person and what counts towards it."""

    required: Decimal | None  # None where no document sets the yearly hours
    hours: Decimal
    rule: RuleInForce | None
    kinds_rule: RuleInForce | None  # None: the product's classification of continuing education

    @property
    def citation(self) -> str:
        return _citations(self.rule, self.kinds_rule)


def continuing_education(person: Person, book: RuleBook, year: int, reference: datetime.date,
                         code: str | None) -> ContinuingEducation:
    """Hours of the calendar year that count as continuing education, against the yearly hours
    in force on ``reference`` (min(31 December, the date asked)); someone first hired during the
    year owes a share by whole months from the month of hire."""
    rule = book.rule(code, "training.continuing_hours_per_year", reference)
    kinds_rule = book.rule(code, "training.continuing_kinds", reference)
    kinds = kinds_rule.value if kinds_rule is not None else CONTINUING_EDUCATION_KINDS
    hours = sum((t.hours for t in person.trainings.all() if t.kind in kinds and t.held_on.year == year), ZERO)
    required = None
    if rule is not None:
        first = hired_on(person)
        months = 12 - first.month + 1 if first and first.year == year else 12
        required = (rule.value * months / 12).quantize(Decimal("0.1"))
    return ContinuingEducation(required, hours, rule, kinds_rule)


@dataclass
class ShortfallRow:
    person: Person
    assignment: Employment
    required: Decimal
    hours: Decimal
    basis: ContinuingEducation

    @property
    def short_by(self) -> Decimal:
        return self.required - self.hours

    @property
    def citation(self) -> str:
        return self.basis.citation


def continuing_education_shortfall(*, user, year: int, on_date: datetime.date,
                                   book: RuleBook | None = None, people=None) -> list[ShortfallRow]:
    """Frontline people (in post at the year's end, or on ``on_date`` for the running year)
    whose continuing-education hours in the calendar year are below the yearly hours of the
    document in force for their station's region at min(31 December, ``on_date``); nobody where
    no document sets the hours. ``people``: ``frontline_people(user, on_date)`` already loaded
    (for the running year)."""
    book = book or RuleBook()
    reference = min(datetime.date(year, 12, 31), on_date)
    rows = []
    for person in people if people is not None else frontline_people(user, reference):
        assignment = current_assignment(person, reference)
        basis = continuing_education(person, book, year, reference, assignment.station.region.code)
        if basis.required is not None and basis.hours < basis.required:
            rows.append(ShortfallRow(person, assignment, basis.required, basis.hours, basis))
    return sorted(rows, key=lambda row: (-row.short_by, row.person.name, row.person.pk))


@dataclass
class SupervisorRow:
    person: Person
    assignment: Employment
    level: int | None
    required_level: int
    rule: RuleInForce

    @property
    def citation(self) -> str:
        return self.rule.citation


def supervisor_level_violations(*, user, on_date: datetime.date, book: RuleBook | None = None):
    """People assigned as supervisors on the date without a certificate of the minimum level the
    document in force for the station's region then sets; nobody where no document sets one."""
    book = book or RuleBook()
    rows = []
    for person in frontline_people(user, on_date):
        for assignment in person.employments.all():
            if assignment.role != EmploymentRole.SUPERVISOR or not assignment.is_active_on(on_date):
                continue
            rule = book.rule(assignment.station.region.code, "supervisor.min_level", on_date)
            level = highest_level_on(person, on_date)
            if rule is not None and (level is None or level < int(rule.value)):
                rows.append(SupervisorRow(person, assignment, level, int(rule.value), rule))
    return rows


@dataclass(frozen=True)
class Flag:
    text: str
    rule: RuleInForce | None = None

    def __str__(self):
        return self.text

    @property
    def citation(self) -> str:
        return self.rule.citation if self.rule else ""


def hiring_flags(person: Person, book: RuleBook, code: str | None) -> list[Flag]:
    """Hiring limits of the document in force at the person's first hire, flagged for the
    county's attention, never enforced; none where no document sets them."""
    first = hired_on(person)
    if first is None:
        return []
    flags = []
    max_age = book.rule(code, "hiring.max_age", first)
    age = person.age_on(first)
    if max_age is not None and age is not None and age > max_age.value:
        flags.append(Flag(_("入职时 %(age)s 岁，超过招聘年龄上限 %(max)s 岁") % {"age": age, "max": max_age.value},
                          max_age))
    education = book.rule(code, "hiring.min_education", first)
    if education is not None and person.education is None:
        flags.append(Flag(_("学历未登记"), education))
    elif education is not None and person.education < int(education.value):
        flags.append(Flag(_("学历低于%(min)s") % {"min": education.display}, education))
    return flags


@dataclass
class PersonRules:
    """Everything the person page shows about the rules."""

    qualification: Qualification
    hired_on: datetime.date | None
    deadline: Deadline | None  # None: qualified, never hired, or no document sets a deadline
    deadline_days_left: int | None
    assignment: Employment | None
    level: int | None
    continuing: ContinuingEducation
    supervisor_rule: RuleInForce | None
    flags: list[Flag] = field(default_factory=list)


def person_rules(person: Person, on_date: datetime.date, book: RuleBook | None = None) -> PersonRules:
    """The rules' status for one person (who must come from :func:`people_with_rule_data`)."""
    book = book or RuleBook()
    assignment = current_assignment(person, on_date)
    code = rule_region_code(person, on_date)
    status = person_qualification(person, book, on_date)
    deadline = person_deadline(person, status, on_date)
    level = highest_level_on(person, on_date)
    flags = hiring_flags(person, book, code)
    supervisor = book.rule(code, "supervisor.min_level", on_date)
    if (assignment and assignment.role == EmploymentRole.SUPERVISOR and supervisor is not None
            and (level or 0) < int(supervisor.value)):
        flags.append(Flag(_("督导须持%(level)s及以上证书") % {"level": supervisor.display}, supervisor))
    continuing = continuing_education(person, book, on_date.year, on_date, code)
    days_left = (deadline.deadline - on_date).days if deadline and deadline.deadline else None
    return PersonRules(status, hired_on(person), deadline, days_left, assignment, level, continuing, supervisor,
                       flags)


@dataclass
class FlagRow:
    person: Person
    assignment: Employment
    flags: list[Flag]


def hiring_flag_list(*, user, on_date: datetime.date, book: RuleBook | None = None) -> list[FlagRow]:
    book = book or RuleBook()
    rows = []
    for person in frontline_people(user, on_date):
        assignment = current_assignment(person, on_date)
        flags = hiring_flags(person, book, assignment.station.region.code)
        if flags:
            rows.append(FlagRow(person, assignment, flags))
    return rows
