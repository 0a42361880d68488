"""On which working days a deadline is reminded of: ``REMINDER_WORKING_DAYS`` working days before
it and on the day itself, on China's official calendar (``core.dates``).

A deadline that falls on a day off is reminded of on the last working day before it, and the
earlier reminder counts back from that day: nobody is reminded on a weekend or a holiday."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from core.dates import ONE_DAY, add_working_days, is_working_day

DEFAULT_WORKING_DAYS = 3


def lead_days() -> int:
    """How many working days ahead the first reminder comes (a product setting, not a policy)."""
    return int(getattr(settings, "REMINDER_WORKING_DAYS", DEFAULT_WORKING_DAYS))


def last_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when people work on it, else the last working day before it."""
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day after ``day``."""
    return add_working_days(day, 1)


def subtract_working_days(day: datetime.date, days: int) -> datetime.date:
    """The working day ``days`` working days before ``day`` (a working day)."""
    while days > 0:
        day -= ONE_DAY
        if is_working_day(day):
            days -= 1
    return day


def reminder_days(due: datetime.date, lead: int | None = None) -> tuple[datetime.date, datetime.date]:
    """(the early reminder's day, the due-day reminder's day) of a deadline."""
    on_the_day = last_working_day(due)
    return subtract_working_days(on_the_day, lead_days() if lead is None else lead), on_the_day


@dataclass(frozen=True)
class DueSpan:
    """The deadlines reminded of on a working day: those from ``first`` to ``last`` (both included)."""

    first: datetime.date
    last: datetime.date
    on_the_day: bool  # the due-day reminder (else the early one)

    def __contains__(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


def due_spans(today: datetime.date, lead: int | None = None) -> list[DueSpan]:
    """The deadlines whose reminder falls on ``today`` (a working day; none on a day off): those
    due today and on the days off right after it, and those due ``lead`` working days ahead (and
    on the days off right after that day)."""
    if not is_working_day(today):
        return []
    lead = lead_days() if lead is None else lead
    spans = [DueSpan(today, next_working_day(today) - ONE_DAY, on_the_day=True)]
    if lead > 0:
        ahead = add_working_days(today, lead)
        spans.insert(0, DueSpan(ahead, next_working_day(ahead) - ONE_DAY, on_the_day=False))
    return spans


def span_of(due: datetime.date | None, spans: list[DueSpan]) -> DueSpan | None:
    """The span ``due`` falls in, if any."""
    return next((span for span in spans if due is not None and due in span), None)
