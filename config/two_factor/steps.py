"""Where a signed-in user who still owes a second factor is sent, remembered in the session."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device

from config.two_factor.rules import second_factor_required

HAS_DEVICE = "two_factor_has_device"  # whether the user had a confirmed device when last looked at
NEW_CODES = "two_factor_new_codes"  # recovery codes just issued, shown once

VERIFY = "two-factor-verify"
ENROL = "two-factor-enrol"


def has_device(request, *, refresh: bool = False) -> bool:
    """Whether the signed-in user has a confirmed device. Looked up at sign-in and by the
    two-factor pages, not on every request."""
    if refresh or HAS_DEVICE not in request.session:
        request.session[HAS_DEVICE] = user_has_device(request.user)
    return request.session[HAS_DEVICE]


def look_up_devices(sender, request, user, **kwargs):
    """Connected to ``user_logged_in`` (config.apps)."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE] = user_has_device(user)


def pending_step(request) -> str:
    """For a signed-in user not yet verified this session: the page to go to first
    (verification for anyone with a device, enrolment for whoever must have one), or ""."""
    if has_device(request):
        return VERIFY
    if second_factor_required(request.user):
        return ENROL
    return ""


def step_url(step: str, next_url: str = "") -> str:
    url = reverse(step)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def next_url(request) -> str:
    """Where to go once the step is done: the page first asked for, if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("home")
