"""Reads of a user's own reminders, for the bell and the reminder list."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from config.models import Notification


def notice_list(*, user) -> QuerySet[Notification]:
    """The user's reminders, newest first."""
    return Notification.objects.filter(user=user).order_by("-day", "-created_at", "-pk")


def unread_count(*, user) -> int:
    """The user's unread reminders (one COUNT on the (user, read_at) index)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notice_for(*, user, pk: int) -> Notification | None:
    """The user's own reminder ``pk``; None for another user's, the same as for none at all."""
    return Notification.objects.filter(user=user, pk=pk).first()


def mark_read(*, user, pk: int | None = None) -> int:
    """Mark the user's reminder ``pk`` (all of them when None) read; how many were unread."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
