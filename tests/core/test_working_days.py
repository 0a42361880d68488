"""Working days on a registered official calendar: years not yet published count Monday to Friday
and make the deadlines counted through them provisional."""

import datetime

import pytest

from core import dates
from core.dates import OfficialCalendar

D = datetime.date
# 2027: National Day 1–7 October off (Friday 1, Monday 4 to Thursday 7 are weekdays), Sunday
# 26 September and Saturday 9 October worked (the arrangement a test enters; not the published one).
NATIONAL_DAY_2027 = OfficialCalendar(published=frozenset({2026, 2027}),
                                     holidays=frozenset({D(2027, 10, 1), *(D(2027, 10, d) for d in range(4, 8))}),
                                     workdays=frozenset({D(2027, 9, 26), D(2027, 10, 9)}))


@pytest.fixture
def calendar(monkeypatch):
    """Registers a calendar (in place of the kept one); counts how often it is read."""
    reads = []

    def use(calendar: OfficialCalendar):
        def provider(first_year, last_year):
            reads.append((first_year, last_year))
            return calendar
        monkeypatch.setattr(dates, "_provider", provider)
        return reads
    return use


def test_an_unpublished_year_counts_weekdays_and_says_the_deadline_is_provisional(calendar):
    calendar(OfficialCalendar(published=frozenset({2026})))
    assert dates.working_day_deadline(D(2027, 9, 24), 15) == dates.Deadline(D(2027, 10, 15), provisional=True)
    assert dates.add_working_days(D(2027, 9, 24), 15) == D(2027, 10, 15)


def test_a_published_year_skips_its_holidays_and_counts_its_swapped_weekend_days(calendar):
    calendar(NATIONAL_DAY_2027)
    assert dates.working_day_deadline(D(2027, 9, 24), 15) == dates.Deadline(D(2027, 10, 20), provisional=False)
    assert dates.is_working_day(D(2027, 10, 9)) and not dates.is_working_day(D(2027, 10, 4))


def test_a_deadline_counted_from_december_into_an_unpublished_january_is_provisional(calendar):
    calendar(OfficialCalendar(published=frozenset({2026})))
    assert dates.working_day_deadline(D(2026, 12, 21), 5) == dates.Deadline(D(2026, 12, 28), provisional=False)
    assert dates.working_day_deadline(D(2026, 12, 21), 15).provisional
    # Counting starts the day after: from 31 December only the next year is counted.
    assert dates.counted_years(D(2026, 12, 31), D(2027, 1, 5)) == range(2027, 2028)
    assert dates.is_provisional(D(2026, 12, 31), D(2027, 1, 5)) and not dates.is_provisional(D(2026, 12, 1), None)


def test_stored_deadlines_are_checked_against_one_reading_of_the_calendar(calendar):
    reads = calendar(OfficialCalendar(published=frozenset({2026})))
    flags = dates.provisional_flags([(D(2026, 3, 1), D(2026, 3, 20)), (D(2027, 2, 1), D(2027, 2, 22)), (None, None)])
    assert flags == [False, True, False] and reads == [(2026, 2027)]


def test_a_held_calendar_is_read_once_for_many_deadlines(calendar):
    reads = calendar(NATIONAL_DAY_2027)
    with dates.calendar_held():
        for day in range(1, 29):
            dates.add_working_days(D(2027, 2, day), 15)
    assert reads == [(None, None)]


def test_without_a_registered_calendar_nothing_is_published(monkeypatch):
    monkeypatch.setattr(dates, "_provider", None)
    assert dates.working_day_deadline(D(2024, 9, 27), 15) == dates.Deadline(D(2024, 10, 18), provisional=True)
