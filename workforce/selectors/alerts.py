"""Counts of people who need attention, for the home page and the reports sent up the chain."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from workforce.selectors.policies import RuleBook
from workforce.selectors.qualification import frontline_people, qualification_deadlines
from workforce.selectors.rules import continuing_education_shortfall


@dataclass(frozen=True)
class DeadlineCounts:
    due: int  # not yet qualified, deadline within the warning window (a product setting) or passed
    overdue: int  # of which the deadline has passed

    @property
    def soon(self) -> int:
        return self.due - self.overdue


@dataclass(frozen=True)
class PeopleAlerts:
    deadlines: DeadlineCounts
    training_shortfall: int  # short of the running year's continuing-education hours


def _deadline_counts(rows) -> DeadlineCounts:
    return DeadlineCounts(len(rows), sum(1 for row in rows if row.overdue))


def qualification_deadline_summary(*, user, on_date: datetime.date, region=None) -> DeadlineCounts:
    """The rows of ``qualification_deadlines`` counted: all, and those past their deadline."""
    return _deadline_counts(qualification_deadlines(user=user, on_date=on_date, region=region))


def people_alert_summary(*, user, on_date: datetime.date) -> PeopleAlerts:
    """The row counts of the deadline list and the training-shortfall list for the running year,
    as the user finds them on those pages; the people are read once for both."""
    book = RuleBook()
    people = list(frontline_people(user, on_date))
    deadlines = qualification_deadlines(user=user, on_date=on_date, book=book, people=people)
    shortfall = continuing_education_shortfall(user=user, year=on_date.year, on_date=on_date, book=book,
                                               people=people)
    return PeopleAlerts(_deadline_counts(deadlines), len(shortfall))
