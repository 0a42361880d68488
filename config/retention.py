"""Audit and sign-in records are kept at least ``AUDIT_RETENTION_DAYS`` (180 by default, never
less): the pruning commands that come with django-simple-history and django-axes are replaced
by versions that refuse to remove anything younger."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def ensure_kept(days: int) -> None:
    """Refuse a pruning run that would remove records younger than the retention period."""
    minimum = settings.AUDIT_RETENTION_DAYS
    if days < minimum:
        raise CommandError(_("审计与登录记录须至少保留 %(minimum)s 天，不能删除 %(days)s 天以内的记录。") % {
            "minimum": minimum, "days": days})
