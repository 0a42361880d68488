"""Reads of the official holiday calendar; :func:`official_calendar` is the provider ``core.dates``
counts working days with (registered from ``StationsConfig.ready()``)."""

from __future__ import annotations

import datetime

from core.dates import OfficialCalendar
from stations.models import AdjustedDay, DayKind, HolidayNotice


def official_calendar(first_year: int | None = None, last_year: int | None = None) -> OfficialCalendar:
    """The published years and adjusted days from ``first_year`` to ``last_year`` (None: no bound);
    an adjusted day just outside the range (the New Year break of the next year's notice) is read too."""
    notices = HolidayNotice.objects.all()
    days = AdjustedDay.objects.all()
    if first_year is not None:
        notices = notices.filter(year__gte=first_year)
        days = days.filter(day__gte=datetime.date(first_year - 1, 12, 1))
    if last_year is not None:
        notices = notices.filter(year__lte=last_year)
        days = days.filter(day__lte=datetime.date(last_year + 1, 1, 31))
    holidays, workdays = set(), set()
    for day, kind in days.values_list("day", "kind"):
        (holidays if kind == DayKind.HOLIDAY else workdays).add(day)
    return OfficialCalendar(published=frozenset(notices.values_list("year", flat=True)),
                            holidays=frozenset(holidays), workdays=frozenset(workdays))

