"""Calendar arithmetic the apps share: months as their first day, and working days on China's
official calendar (holidays and swapped working days)."""

from __future__ import annotations

import datetime
import logging

import chinese_calendar

logger = logging.getLogger(__name__)


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # The published calendar does not reach this year yet: fall back to weekdays.
        logger.warning("No official holiday calendar for %s; counting weekdays only.", day.year)
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(day: datetime.date) -> datetime.date:
    """The first day of the month before the one holding ``day``."""
    return month_start(month_start(day) - datetime.timedelta(days=1))


def next_month(period: datetime.date) -> datetime.date:
    return datetime.date(period.year + period.month // 12, period.month % 12 + 1, 1)


def month_end(period: datetime.date) -> datetime.date:
    return next_month(period) - datetime.timedelta(days=1)
