"""Reminders (the bell in the header, and e-mail): each user's own deadlines, per role, on
working days, ``REMINDER_WORKING_DAYS`` working days before and on the day.

:func:`send_reminders` is the scheduled job (Celery beat or ``manage.py run_scheduled
reminders``): safe to run again the same day or on two machines at once, since a reminder is
stored once per user, thing and day and e-mailed once."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation

from config.models import Notification
from config.reminders.compose import recipients, reminders_for
from config.reminders.days import due_spans
from config.reminders.mail import email_reminders
from core.dates import calendar_held

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderRun:
    day: datetime.date
    working_day: bool
    created: int  # reminders new this run
    emailed: int
    failed: int = 0  # users whose reminders could not be worked out (logged; the others still get theirs)


def send_reminders() -> ReminderRun:
    """Write today's reminders for every user and e-mail the new ones. Nothing on a day off."""
    today = timezone.localdate()
    with calendar_held(), translation.override(settings.LANGUAGE_CODE):
        spans = due_spans(today)
        if not spans:
            return ReminderRun(today, False, 0, 0)
        before = Notification.objects.filter(day=today).count()
        seen, failed = {}, 0
        for user in list(recipients()):
            try:
                notices = reminders_for(user, today, spans, seen)
            except Exception:  # one user's odd records must not cost everyone else their reminders
                logger.exception("Reminders for user %s could not be worked out.", user.pk)
                failed += 1
                continue
            if notices:  # a reminder already written today (an earlier run, another machine) stays as it is
                Notification.objects.bulk_create(notices, ignore_conflicts=True)
        created = Notification.objects.filter(day=today).count() - before
        return ReminderRun(today, True, created, email_reminders(today), failed)
