"""Calendar arithmetic the apps share: months as their first day, and working days on China's
official calendar (holidays and swapped working days).

The official calendar is data an administrator keeps (the State Council's yearly notices); ``core``
knows no app, so the app holding it registers a provider (:func:`register_calendar`). A year whose
arrangements are not published yet counts Monday to Friday, and a deadline counted through such a
year is *provisional*: :func:`working_day_deadline` says so alongside the date.
"""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class OfficialCalendar:
    """What the published calendar says: the years it covers and the days it moves."""

    published: frozenset[int] = frozenset()  # years whose holiday arrangements have been published
    holidays: frozenset[datetime.date] = frozenset()  # weekdays off
    workdays: frozenset[datetime.date] = frozenset()  # weekend days worked

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() < 5

    def publishes(self, years: Iterable[int]) -> bool:
        return all(year in self.published for year in years)


# How a provisional deadline is marked, on screen and in exports.
PROVISIONAL_NOTE = _("按未公布的节假日安排估算")


@dataclass(frozen=True)
class Deadline:
    due_on: datetime.date
    provisional: bool  # counted through a year whose holiday arrangements are not published yet


# provider(first_year, last_year) -> the calendar of those years (None: no bound)
CalendarProvider = Callable[[int | None, int | None], OfficialCalendar]
_provider: CalendarProvider | None = None
_held: contextvars.ContextVar[OfficialCalendar | None] = contextvars.ContextVar("held_calendar", default=None)


def register_calendar(provider: CalendarProvider | None) -> None:
    """Set where the official calendar is read from (the app that keeps it, from its ``ready()``)."""
    global _provider
    _provider = provider


def official_calendar(first_year: int | None = None, last_year: int | None = None) -> OfficialCalendar:
    """The calendar of the years from ``first_year`` to ``last_year``; with no provider, none is
    published and every year counts Monday to Friday."""
    held = _held.get()
    if held is not None:
        return held
    return _provider(first_year, last_year) if _provider is not None else OfficialCalendar()


@contextmanager
def calendar_held() -> Iterator[OfficialCalendar]:
    """Read the whole calendar once for the block: loops over many deadlines ask no more."""
    calendar = official_calendar()  # the calendar already held, if any
    token = _held.set(calendar)
    try:
        yield calendar
    finally:
        _held.reset(token)


def counted_years(start: datetime.date, due_on: datetime.date) -> range:
    """The years of the days counted from ``start`` (not itself) to ``due_on``."""
    return range((start + ONE_DAY).year, due_on.year + 1) if due_on > start else range(0)


def is_working_day(day: datetime.date) -> bool:
    return official_calendar(day.year, day.year).is_working_day(day)


def working_day_deadline(start: datetime.date, days: int) -> Deadline:
    """The date ``days`` working days after ``start`` (``start`` itself not counted), provisional
    when the count runs through a year whose arrangements are not published."""
    last_year = start.year + 1
    calendar = official_calendar(start.year, last_year)
    current, remaining = start, days
    while remaining > 0:
        current += ONE_DAY
        if current.year > last_year:
            last_year = current.year + 1
            calendar = official_calendar(start.year, last_year)
        if calendar.is_working_day(current):
            remaining -= 1
    return Deadline(current, not calendar.publishes(counted_years(start, current)))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    return working_day_deadline(start, days).due_on


def is_provisional(start: datetime.date | None, due_on: datetime.date | None,
                   calendar: OfficialCalendar | None = None) -> bool:
    """Whether a stored deadline from ``start`` to ``due_on`` was counted through a year whose
    arrangements are not published (pass ``calendar`` when checking many)."""
    if start is None or due_on is None:
        return False
    years = counted_years(start, due_on)
    if not years:
        return False
    calendar = calendar if calendar is not None else official_calendar(years[0], years[-1])
    return not calendar.publishes(years)


def provisional_flags(spans: Iterable[tuple[datetime.date | None, datetime.date | None]]) -> list[bool]:
    """:func:`is_provisional` for each (start, due) pair, reading the calendar once."""
    spans = list(spans)
    years = [year for start, due_on in spans if start and due_on for year in counted_years(start, due_on)]
    calendar = official_calendar(min(years), max(years)) if years else OfficialCalendar()
    return [is_provisional(start, due_on, calendar) for start, due_on in spans]


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(day: datetime.date) -> datetime.date:
    """The first day of the month before the one holding ``day``."""
    return month_start(month_start(day) - datetime.timedelta(days=1))


def next_month(period: datetime.date) -> datetime.date:
    return datetime.date(period.year + period.month // 12, period.month % 12 + 1, 1)


def month_end(period: datetime.date) -> datetime.date:
    return next_month(period) - datetime.timedelta(days=1)
