from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from config.two_factor import steps


class SecondFactorMiddleware:
    """A signed-in user who owes a second factor this session (see :func:`steps.pending_step`)
    is sent to verify or to enrol before any other page, the admin's included. Open meanwhile:
    those two pages, signing in and out, the language switch and static files.

    Installed after django-otp's ``OTPMiddleware`` (which marks the session's verified device)
    and before the password-expiry check, so a password alone never reaches the password form.
    """

    OPEN = ("login", "logout", "admin:login", "admin:logout", "set_language", steps.VERIFY, steps.ENROL)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            step = steps.pending_step(request)
            if step:
                request.second_factor_pending = True
                if not self.is_open(request.path):
                    return redirect(steps.step_url(step, request.get_full_path()))
        return self.get_response(request)

    def is_open(self, path: str) -> bool:
        return path.startswith(settings.STATIC_URL) or path in {reverse(name) for name in self.OPEN}
