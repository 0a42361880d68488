"""Writes of two-factor sign-in. Each one that changes what protects an account (enrolment,
new recovery codes, a reset, a recovery code spent) is recorded on the user's
:class:`~config.models.SecondFactor` with the actor, in the same transaction.

Wrong codes are throttled by django-otp per device (``OTP_*_THROTTLE_FACTOR``): after the n-th
wrong code in a row the device refuses every code for 2^(n-1) seconds. The failure count is
saved by the device itself, so these functions never raise inside the transaction that checks a
code (a rollback would forget the failure).
"""

from __future__ import annotations

import math
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import device_classes
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.models import SecondFactor
from core.audit import save_audited

TOTP_CODE = re.compile(r"\d{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")  # django-otp's StaticToken.random_token(): 5 random bytes in base32


class CodeRejected(Exception):
    """A code that does not sign in, with the reason in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalised(code: str) -> str:
    """A code as typed, without spaces or dashes, in lower case (recovery codes are shown as abcd-efgh)."""
    return re.sub(r"[\s\-]", "", code or "").lower()


def totp_device_pending(*, user) -> TOTPDevice:
    """The authenticator-app device the user is enrolling: kept unconfirmed from the first visit
    of the enrolment page, so the QR code and the secret stay the same until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)
    return device


def totp_device_confirmed(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrolment_confirm(*, user, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending device with a code from the app; issue the recovery codes.
    Returns the device and the codes (shown to the user once, never again)."""
    error = ""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            error = _("请重新打开启用页面，扫描新的二维码。")
        else:
            error = _attempt(device, normalised(code)) if TOTP_CODE.fullmatch(normalised(code)) else _wrong()
        if not error:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _issue_recovery_codes(user)
            now = timezone.now()
            record = _record(user)
            record.status = SecondFactor.Status.ACTIVE
            record.enrolled_at = record.recovery_codes_issued_at = now
            save_audited(record, actor=user, reason=_("启用两步验证"))
    if error:
        raise CodeRejected(error)
    return device, codes


def second_factor_verify(*, user, code: str):
    """The confirmed device that accepts ``code``: a 6-digit code from the app, or an unused
    recovery code (spent by this call, and recorded). Raises :class:`CodeRejected`."""
    token = normalised(code)
    if TOTP_CODE.fullmatch(token):
        model = TOTPDevice
    elif RECOVERY_CODE.fullmatch(token):
        model = StaticDevice
    else:
        raise CodeRejected(_wrong())
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        error = _wrong() if device is None else _attempt(device, token)
        if not error and model is StaticDevice:
            record = _record(user)
            record.recovery_code_used_at = timezone.now()
            save_audited(record, actor=user, reason=_("使用恢复码登录"))
    if error:
        raise CodeRejected(error)
    return device


@transaction.atomic
def recovery_codes_regenerate(*, actor, user) -> list[str]:
    """New recovery codes for a user who has enrolled; the old ones stop working."""
    if totp_device_confirmed(user) is None:
        raise CodeRejected(_("尚未启用两步验证。"))
    codes = _issue_recovery_codes(user)
    record = _record(user)
    record.recovery_codes_issued_at = timezone.now()
    save_audited(record, actor=actor, reason=_("重新生成恢复码"))
    return codes


@transaction.atomic
def second_factor_reset(*, actor, user) -> bool:
    """Remove every device of the user (an administrator's act, for a lost phone): the user
    enrols again at the next sign-in, or at once if signed in. False if there was nothing to reset."""
    removed = 0
    for model in device_classes():
        removed += model.objects.filter(user=user).delete()[0]
    record = SecondFactor.objects.select_for_update().filter(user=user).first()
    if not removed and record is None:
        return False
    record = record or SecondFactor(user=user)
    record.status = SecondFactor.Status.RESET
    record.reset_at = timezone.now()
    save_audited(record, actor=actor, reason=_("管理员重置两步验证"))
    return True


def _issue_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes. The device itself is kept: the session may have been
    verified with it."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < settings.TWO_FACTOR_RECOVERY_CODES:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


def _record(user) -> SecondFactor:
    return SecondFactor.objects.select_for_update().filter(user=user).first() or SecondFactor(user=user)


def _attempt(device, token: str) -> str:
    """Check ``token`` on ``device``; "" when accepted, else why not. A throttled device is not
    asked at all: the user is told how long to wait."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return _wait(details or {})
    if device.verify_token(token):
        return ""
    return _wrong()


def _wrong() -> str:
    return _("验证码不正确，请核对后重新输入。")


def _wait(details: dict) -> str:
    locked_until = details.get("locked_until")
    seconds = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
    return _("验证码连续输错次数过多，请等待 %(seconds)s 秒后再试。") % {"seconds": max(seconds, 1)}
