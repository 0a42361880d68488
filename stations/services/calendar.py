"""Writes of the official holiday calendar (superusers only). Each change tells the apps whose
deadlines count working days (``stations.signals.holiday_calendar_changed``), in the same
transaction, which years changed; they derive those deadlines again."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import figures
from core.audit import delete_audited, save_audited
from stations import permissions
from stations.models import AdjustedDay, DayKind, HolidayNotice
from stations.signals import holiday_calendar_changed


def _ensure_may_edit(actor) -> None:
    if not permissions.can_edit_holiday_calendar(actor):
        raise PermissionDenied(_("节假日安排全国统一，只有系统管理员可以维护。"))


def _announce(actor, years: Iterable[int | None]) -> None:
    changed = sorted({year for year in years if year is not None})
    if changed:
        holiday_calendar_changed.send(sender=HolidayNotice, actor=actor, years=changed)


@transaction.atomic
def holiday_notice_save(*, actor, notice: HolidayNotice, announce: bool = True) -> HolidayNotice:
    """Create or correct a notice; a new one publishes its year. ``announce=False`` when the
    caller saves its days next (:func:`adjusted_days_save` announces the whole change once)."""
    _ensure_may_edit(actor)
    year_before = HolidayNotice.objects.filter(pk=notice.pk).values_list("year", flat=True).first()
    notice._year_before = year_before
    save_audited(notice, actor=actor, reason=str(notice))
    if announce:
        _announce(actor, [notice.year, year_before])
    return notice


@transaction.atomic
def adjusted_days_save(*, actor, notice: HolidayNotice, days: Iterable[AdjustedDay] = (),
                       deleted: Iterable[AdjustedDay] = ()) -> None:
    """Write a notice's adjusted days (and remove ``deleted``), then announce the years touched."""
    _ensure_may_edit(actor)
    years = {notice.year, getattr(notice, "_year_before", None)}
    for day in deleted:
        before = AdjustedDay.objects.filter(pk=day.pk).values_list("day", flat=True).first()
        years.add(before.year if before else None)
        delete_audited(day, actor=actor, reason=str(notice))
    for day in days:
        before = AdjustedDay.objects.filter(pk=day.pk).values_list("day", flat=True).first() if day.pk else None
        day.notice = notice
        save_audited(day, actor=actor, reason=str(notice))
        years.update({day.day.year, before.year if before else None})
    _announce(actor, years)


@transaction.atomic
def holiday_notice_delete(*, actor, notice: HolidayNotice) -> None:
    """Remove a notice and its days: its year is unpublished again unless another notice covers it."""
    _ensure_may_edit(actor)
    years = {notice.year}
    for day in notice.days.all():
        years.add(day.day.year)
        delete_audited(day, actor=actor, reason=str(notice))
    delete_audited(notice, actor=actor, reason=str(notice))
    _announce(actor, years)


@transaction.atomic
def holiday_calendar_enter(*, actor, year: int, title: str, number: str = "",
                           issued_on: datetime.date | None = None,
                           holidays: Iterable[datetime.date] = (), workdays: Iterable[datetime.date] = (),
                           name: str = "") -> HolidayNotice:
    """Enter a published notice with its adjusted days at once (weekdays off in ``holidays``,
    weekend days worked in ``workdays``), e.g. one holiday's arrangements under ``name``.
    A holiday falling on a weekend is skipped: it is a day off already."""
    notice = HolidayNotice.objects.filter(year=year, title=title).first() or HolidayNotice(year=year, title=title)
    notice.number, notice.issued_on = number or notice.number, issued_on or notice.issued_on
    holiday_notice_save(actor=actor, notice=notice, announce=False)
    days = [AdjustedDay(day=day, kind=DayKind.HOLIDAY, name=name) for day in holidays if day.weekday() < 5]
    days += [AdjustedDay(day=day, kind=DayKind.WORKDAY, name=name) for day in workdays]
    adjusted_days_save(actor=actor, notice=notice, days=days)
    return notice


SEED_NOTE = "由 chinesecalendar 程序包导入；文号待补录。"  # stored data, in the records' language


def _library_days() -> dict[int, list[tuple[datetime.date, str, str]]]:
    """The days the chinesecalendar package moves, by year: (day, kind, holiday name)."""
    import chinese_calendar

    def name(value):
        return chinese_calendar.Holiday(value).chinese if value else ""

    by_year: dict[int, list] = {}
    for source, kind, moved in ((chinese_calendar.holidays, DayKind.HOLIDAY, lambda day: day.weekday() < 5),
                                (chinese_calendar.workdays, DayKind.WORKDAY, lambda day: day.weekday() >= 5)):
        for day, value in source.items():
            by_year.setdefault(day.year, [])
            if moved(day):
                by_year[day.year].append((day, kind, name(value)))
    return by_year


@transaction.atomic
def holiday_calendar_seed() -> list[int]:
    """Enter the years the chinesecalendar package knows and the calendar lacks, one notice a year
    with the days it moves (the notices' numbers are not in the package: an administrator completes
    them). Run after every ``migrate`` (and a test database's flush); a year already entered is left
    as it is. Returns the years entered; the deadlines counted through them are derived again."""
    if HolidayNotice._meta.db_table not in connection.introspection.table_names():
        return []  # migrated to a state before the calendar existed
    known = set(HolidayNotice.objects.values_list("year", flat=True))
    taken = set(AdjustedDay.objects.values_list("day", flat=True))
    added = []
    for year, moved in sorted(_library_days().items()):
        if year in known:
            continue
        notice = HolidayNotice(year=year, title=f"国务院办公厅关于{year}年部分节假日安排的通知", note=SEED_NOTE)
        save_audited(notice, actor=None, reason=SEED_NOTE)
        bulk_create_with_history([AdjustedDay(notice=notice, day=day, kind=kind, name=name)
                                  for day, kind, name in sorted(moved) if day not in taken],
                                 AdjustedDay, default_change_reason=SEED_NOTE)
        added.append(year)
    if added:
        figures.changed()  # the days were written in bulk; report deadlines count through them
    _announce(None, added)
    return added
