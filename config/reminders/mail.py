"""Reminders by e-mail: where ``EMAIL_URL`` is set and the user has an address, each new reminder
is sent once, in one message per user and run. A reminder is claimed (``emailed_at`` set) before
the message goes, so two runs at once (two machines, a retry) never send it twice; a message the
mail server refuses releases its claim for the next run."""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.models import Notification

logger = logging.getLogger(__name__)


def _link(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


def _message(notices: list[Notification]) -> tuple[str, str]:
    if len(notices) == 1:
        subject = _("【社工站管理系统】%(title)s") % {"title": notices[0].title}
    else:
        subject = ngettext("【社工站管理系统】%(n)s条新提醒", "【社工站管理系统】%(n)s条新提醒",
                           len(notices)) % {"n": len(notices)}
    parts = []
    for notice in notices:
        lines = [notice.title, notice.body]
        if notice.url:
            lines.append(_link(notice.url))
        parts.append("\n".join(line for line in lines if line))
    footer = _("此邮件由系统自动发送；登录系统后在“提醒”中查看全部提醒。")
    return subject, "\n\n".join([*parts, footer])


def _claim(ids: list[int]) -> list[Notification]:
    stamp = timezone.now()
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=stamp)
    return list(Notification.objects.filter(pk__in=ids, emailed_at=stamp).order_by("due_date", "pk"))


def email_reminders(day: datetime.date) -> int:
    """E-mail the day's reminders not yet sent to users who have an address; the number of
    reminders sent. Nothing without ``EMAIL_URL``."""
    if not settings.EMAIL_URL:
        return 0
    pending = defaultdict(list)
    rows = (Notification.objects.filter(day=day, emailed_at__isnull=True, user__is_active=True)
            .exclude(user__email="").values_list("user_id", "user__email", "pk"))
    for user_id, email, pk in rows:
        pending[(user_id, email)].append(pk)
    sent = 0
    for (_user_id, email), ids in pending.items():
        notices = _claim(ids)
        if not notices:
            continue  # another run took them
        subject, body = _message(notices)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        except (OSError, smtplib.SMTPException):
            logger.exception("Reminder e-mail to user %s failed; it is tried again on the next run.",
                             notices[0].user_id)
            Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=None)
            continue
        sent += len(notices)
    return sent
