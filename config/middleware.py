import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import check_for_language


class ChineseFirstLocaleMiddleware:
    """Serve Chinese whatever the browser asks for; English only when the user picks it.

    Django's LocaleMiddleware honours ``Accept-Language``, so a browser set to
    English would get English pages. Here only the language cookie written by
    the language switch (``set_language``) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        if language not in supported or not check_for_language(language):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class ResolvedUserMiddleware:
    """``request.user`` as the user itself rather than the lazy stand-in that the authentication and
    two-factor middleware put there: every page asks it dozens of things (scope, role, flags), and each
    question through the stand-in costs a raised and caught AttributeError. It is read here once, as the
    next middleware would read it anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if isinstance(user, LazyObject):
            if user._wrapped is empty:
                user._setup()
            request.user = user._wrapped
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages and exports for a signed-in user carry personal data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated  # before the view: signing out still answers a signed-in user
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


SESSION_STARTED = "_session_started_at"
SESSION_LAST_SEEN = "_session_last_seen_at"


def start_session_clock(sender, request, user, **kwargs):
    """Connected to ``user_logged_in`` (config.apps): the clocks start when the user signs in."""
    request.session[SESSION_STARTED] = request.session[SESSION_LAST_SEEN] = time.time()


class SessionTimeoutMiddleware:
    """Sign out after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and ``SESSION_ABSOLUTE_TIMEOUT``
    seconds after signing in however active the user is; the login page says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                return self.sign_out(request, _("登录已超过 %(hours)s 小时，为保障安全请重新登录。")
                                     % {"hours": f"{settings.SESSION_ABSOLUTE_TIMEOUT / 3600:g}"})
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                return self.sign_out(request, _("您已超过 %(minutes)s 分钟未操作，为保障安全请重新登录。")
                                     % {"minutes": settings.SESSION_IDLE_TIMEOUT // 60})
            if now - last_seen >= 60:  # a session write per minute at most, not per request
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def sign_out(request, message):
        logout(request)
        messages.warning(request, message)
        return redirect_to_login(request.get_full_path())


class PasswordExpiryMiddleware:
    """A password older than ``PASSWORD_MAX_AGE_DAYS`` must be changed before anything else."""

    # The two-factor steps come first (a password alone must not reach the password form), and the
    # recovery codes issued at enrolment are shown before the password is changed.
    ALLOWED = ("password_change", "password_change_done", "logout", "set_language",
               "two-factor-verify", "two-factor-enrol", "two-factor-recovery-codes")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and user.password_expired(settings.PASSWORD_MAX_AGE_DAYS)
                and request.path not in {reverse(name) for name in self.ALLOWED}):
            messages.warning(request, _("您的密码已超过 %(days)s 天未修改，请先修改密码。")
                             % {"days": settings.PASSWORD_MAX_AGE_DAYS})
            return redirect("password_change")
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Refuse a request body over ``MAX_REQUEST_BODY_BYTES`` from its Content-Length, before anything
    parses it: a burst of oversized uploads then costs the server no parsing and no temporary files,
    and other pages stay fast. A body of reasonable size is drained unread so that the browser,
    still sending, receives the Chinese explanation instead of a reset connection.
    (The upload forms check the file itself again, with their own messages.)"""

    DRAIN_UP_TO = 200 * 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            megabytes = settings.MAX_REQUEST_BODY_BYTES // 2**20
            response = HttpResponse(render_to_string("413.html", {"megabytes": megabytes}), status=413)
            if length <= self.DRAIN_UP_TO:
                while request.read(1 << 16):
                    pass
            else:
                response["Connection"] = "close"
            return response
        return self.get_response(request)
