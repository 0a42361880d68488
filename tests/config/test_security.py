"""Sign-in throttling, session timeouts, password rules, CSRF, caching and error pages."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path
from django.utils import timezone

from config import urls as project_urls
from stations.models import Role
from tests import builders

ROOT = Path(__file__).resolve().parents[2]
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
STRONG_RULES = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "config.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]


def boom(request):
    raise RuntimeError("secret internals: DATABASE password=hunter2")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), *project_urls.urlpatterns]


@pytest.fixture
def staff(hierarchy):
    return builders.user("jiangan", Role.COUNTY, hierarchy.county_a)


def sign_in(client, username="jiangan"):
    return client.post("/accounts/login/", {"username": username, "password": builders.PASSWORD})


# Sign-in throttling (django-axes)

def test_repeated_failures_lock_the_account_with_a_chinese_page(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 15, tzinfo=SHANGHAI), tick=False):
        for _ in range(2):
            assert client.post("/accounts/login/", {"username": "jiangan", "password": "wrong"}).status_code == 200
        locked = client.post("/accounts/login/", {"username": "jiangan", "password": "wrong"})
        # Even the right password is refused while locked.
        assert sign_in(client).status_code == 429
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂时锁定" in page and "账号“jiangan”已连续 3 次登录失败" in page
    assert "锁定至 2026年11月30日 10:15" in page  # the clock time the lock ends, an hour after the last failure


# Sessions

def test_session_key_changes_when_signing_in(client, staff):
    session = client.session
    session["seen_login_page"] = True
    session.save()
    before = client.cookies["sessionid"].value
    assert sign_in(client).status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_idle_session_ends_after_thirty_minutes_with_a_chinese_message(client, staff):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        clock.shift(datetime.timedelta(minutes=25))
        assert client.get("/").status_code == 200  # activity keeps the session alive
        clock.shift(datetime.timedelta(minutes=25))
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/stations/")
        assert response.status_code == 302
        assert response.url == "/accounts/login/?next=/stations/"
        login_page = client.get(response.url).content.decode()
        assert "您已超过 30 分钟未操作，为保障安全请重新登录。" in login_page
        assert client.get("/").status_code == 302


def test_session_ends_twelve_hours_after_signing_in_however_active(client, staff):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client)
        for _ in range(11 * 3 + 2):  # a request every 20 minutes up to 11h40
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(minutes=21))
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/login/")
        assert "登录已超过 12 小时，为保障安全请重新登录。" in response.content.decode()


# Passwords

def test_password_change_page_enforces_character_classes_in_chinese(client, staff, settings):
    settings.AUTH_PASSWORD_VALIDATORS = STRONG_RULES
    client.force_login(staff)
    assert "修改密码" in client.get("/").content.decode()  # the link in the user menu
    weak = client.post("/accounts/password/", {"old_password": builders.PASSWORD,
                                               "new_password1": "onlylower42", "new_password2": "onlylower42"})
    assert weak.status_code == 200
    assert "密码须至少包含小写字母、大写字母、数字、符号中的 3 类。" in weak.content.decode()
    done = client.post("/accounts/password/", {"old_password": builders.PASSWORD,
                                               "new_password1": "Zhang-Wuhan-2026", "new_password2": "Zhang-Wuhan-2026"},
                       follow=True)
    assert "密码已修改" in done.content.decode()
    staff.refresh_from_db()
    assert staff.check_password("Zhang-Wuhan-2026")


def test_expired_password_must_be_changed_before_anything_else(client, staff, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(timezone.now() + datetime.timedelta(days=89)):
        client.force_login(staff)
        assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=91)):
        client.force_login(staff)
        response = client.get("/stations/")
        assert response.status_code == 302 and response.url == "/accounts/password/"
        page = client.get(response.url).content.decode()
        assert "您的密码已超过 90 天未修改，请先修改密码。" in page
        client.post("/accounts/password/", {"old_password": builders.PASSWORD,
                                            "new_password1": "Zhang-Wuhan-2026", "new_password2": "Zhang-Wuhan-2026"})
        assert client.get("/stations/").status_code == 200


def test_password_rotation_is_off_when_not_configured(client, staff, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3650)):
        client.force_login(staff)
        assert client.get("/").status_code == 200


# CSRF

def test_login_without_csrf_token_is_refused(staff):
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/accounts/login/", {"username": "jiangan", "password": builders.PASSWORD})
    assert refused.status_code == 403
    assert "表单的安全校验未通过" in refused.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ["/accounts/password/", "/stations/new/"])
def test_form_post_without_csrf_token_is_refused(staff, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"old_password": builders.PASSWORD, "new_password1": "Zhang-Wuhan-2026",
                                "new_password2": "Zhang-Wuhan-2026", "name": "x"})
    assert refused.status_code == 403
    assert "表单的安全校验未通过" in refused.content.decode()


# Caching

def test_signed_in_pages_and_exports_are_never_stored(client, staff, hierarchy):
    builders.station(hierarchy.a1)
    client.force_login(staff)
    for url in ["/", "/stations/", "/stations/export/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    assert client.get("/stations/export/")["Content-Type"].startswith("application/vnd.openxmlformats")


# Content-security policy

def test_every_response_carries_a_strict_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"].startswith("'self' 'unsafe-hashes' 'sha256-")  # no 'unsafe-inline'
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"


def test_no_template_has_inline_script_event_handler_or_style():
    """The policy would block them in the browser; catch them before they ship."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|\son[a-z]+=|\sstyle=|<style")
    templates = [p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    assert len(templates) > 50
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in templates for m in inline.finditer(p.read_text())]
    assert offenders == []


# Error pages

@pytest.mark.urls("tests.config.test_security")
def test_server_error_shows_a_chinese_page_without_traceback(staff, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错" in page and 'lang="zh-hans"' in page
    assert "Traceback" not in page and "hunter2" not in page and "RuntimeError" not in page


@pytest.mark.urls("tests.config.test_security")
def test_not_found_and_forbidden_pages_are_chinese(client, staff, settings):
    settings.DEBUG = False
    client.force_login(staff)
    missing = client.get("/stations/999999/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    denied = client.get("/forbidden/")
    assert denied.status_code == 403 and "无权访问" in denied.content.decode()
