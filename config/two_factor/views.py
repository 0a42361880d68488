"""The two-factor pages: verify, enrol, recovery codes, and the user's own overview."""

from base64 import b32encode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice

from config.models import SecondFactor
from config.two_factor import services, steps
from config.two_factor.forms import CodeForm
from config.two_factor.rules import second_factor_required

FEW_RECOVERY_CODES = 3


@login_required
def verify_view(request):
    """After the password: a code from the app, or a recovery code."""
    user, next_url = request.user, steps.next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not steps.has_device(request, refresh=True):
        if second_factor_required(user):
            return redirect(steps.step_url(steps.ENROL, next_url))
        return redirect(next_url)
    form = CodeForm(request.POST or None, recovery_allowed=True)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        except services.CodeRejected as rejected:
            form.add_error("code", rejected.message)
        else:
            _signed_in_with(request, device)
            if isinstance(device, StaticDevice):
                _warn_if_few_codes_left(request)
            return redirect(next_url)
    return render(request, "two_factor/verify.html", {"form": form, "next": next_url})


@login_required
def enrol_view(request):
    """Bind an authenticator app: scan the QR code (or type the secret), confirm with a code;
    the recovery codes come next."""
    user, next_url = request.user, steps.next_url(request)
    if services.totp_device_confirmed(user) is not None:
        request.session[steps.HAS_DEVICE] = True
        if not user.is_verified():
            return redirect(steps.step_url(steps.VERIFY, next_url))
        messages.info(request, _("您已启用两步验证。"))
        return redirect("two-factor")
    device = services.totp_device_pending(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except services.CodeRejected as rejected:
            form.add_error("code", rejected.message)
        else:
            _signed_in_with(request, device)
            request.session[steps.NEW_CODES] = codes
            messages.success(request, _("两步验证已启用。"))
            return redirect(steps.step_url("two-factor-recovery-codes", next_url))
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form, "next": next_url, "required": second_factor_required(user),
        # segno's own markup (paths and colours only, no style attribute): the policy lets it in.
        "qr_svg": mark_safe(segno.make(device.config_url, error="m").svg_inline(
            scale=5, border=4, dark="#000", light="#fff")),
        "secret": secret, "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "two_factor/enrol.html", context)


@login_required
def recovery_codes_view(request):
    """New recovery codes, shown once just after they are issued; a POST issues new ones."""
    user, next_url = request.user, steps.next_url(request)
    if services.totp_device_confirmed(user) is None:
        messages.warning(request, _("尚未启用两步验证。"))
        return redirect("two-factor")
    if not user.is_verified():
        return redirect(steps.step_url(steps.VERIFY, request.get_full_path()))
    if request.method == "POST":
        request.session[steps.NEW_CODES] = services.recovery_codes_regenerate(actor=user, user=user)
        messages.success(request, _("已生成新的恢复码，原有恢复码已全部作废。"))
        return redirect(steps.step_url("two-factor-recovery-codes", next_url))
    codes = request.session.pop(steps.NEW_CODES, None)
    context = {"codes": [f"{code[:4]}-{code[4:]}" for code in codes or []],
               "left": services.recovery_codes_left(user), "next": next_url}
    return render(request, "two_factor/recovery_codes.html", context)


@login_required
def overview_view(request):
    """The user's own two-factor settings, linked from the password page."""
    user = request.user
    device = services.totp_device_confirmed(user)
    context = {
        "device": device, "required": second_factor_required(user),
        "record": SecondFactor.objects.filter(user=user).first(),
        "left": services.recovery_codes_left(user) if device else 0,
        "enrol_url": reverse(steps.ENROL),
    }
    return render(request, "two_factor/overview.html", context)


def _signed_in_with(request, device):
    """The session is verified with ``device``, under a new session key."""
    django_otp.login(request, device)
    request.session.cycle_key()
    request.session[steps.HAS_DEVICE] = True


def _warn_if_few_codes_left(request):
    left = services.recovery_codes_left(request.user)
    if left <= FEW_RECOVERY_CODES:
        messages.warning(request, _("恢复码仅剩 %(left)s 个，请尽快在“两步验证”页面生成新的恢复码。") % {"left": left})
