"""Reminder test data: a county whose filing deadline is stated, the day walk, the job's reminders."""

from __future__ import annotations

import datetime

import time_machine

from config.models import Notification
from config.reminders import send_reminders
from core.audit import save_audited
from stations.models import ReportDeadline
from tests import builders
from tests.stations import report_builders as rb


def filing_deadline(region, day: int, note="县民政局月报报送规定第三条") -> ReportDeadline:
    deadline = ReportDeadline(region=region, day=day, note=note)
    save_audited(deadline, actor=builders.superuser())
    return deadline


def run_on(day: datetime.date, hour: int = 8):
    """The reminder job as beat starts it at 08:00 (Asia/Shanghai) on ``day``."""
    with time_machine.travel(rb.at(day.year, day.month, day.day, hour), tick=False):
        return send_reminders()


def days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def reminded(user, kind=None) -> list[tuple[datetime.date, str]]:
    rows = Notification.objects.filter(user=user)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("day", "key"))
