"""The page shown when sign-in is locked: which account, and the clock time the lock ends.

Failures count per user name (see ``AXES_LOCKOUT_PARAMETERS``), so what is locked is always
one account, never the client's address; the lock lasts ``AXES_COOLOFF_TIME`` from the last
counted failure on that account."""

from __future__ import annotations

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone


def lockout_response(request, original_response=None, credentials=None):
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    context = {"failure_limit": get_failure_limit(request, credentials), "username": username}
    if cool_off:
        last = AccessAttempt.objects.filter(username=username).aggregate(last=Max("attempt_time"))["last"]
        context["locked_until"] = timezone.localtime((last or timezone.now()) + cool_off)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
