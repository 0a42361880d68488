"""A superuser without a second factor is sent to enrol before anything else in production settings."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests import builders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
ENROL = re.compile(r"/accounts/two-factor/enrol/\?next=")


@pytest.fixture
def production_two_factor(settings):
    """The production default (``DEBUG`` off), on pytest-django's settings object, which the live
    server's threads read too."""
    settings.TWO_FACTOR_REQUIRED = True


def test_a_superuser_binds_an_authenticator_app_before_reaching_the_admin(page: Page, live_server,
                                                                           production_two_factor):
    base = live_server.url
    builders.superuser()
    page.add_init_script(RECORD_VIOLATIONS)
    violations = []

    page.goto(f"{base}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.get_by_label("用户名").fill("root")
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/enrol/\?next=%2Fadmin%2F$"))

    for path in ("/", "/stations/", "/admin/stations/station/", "/accounts/password/", "/admin/"):
        page.goto(f"{base}{path}")
        expect(page).to_have_url(ENROL)
        expect(page.get_by_role("heading", name="启用两步验证")).to_be_visible()
    expect(page.locator(".mainnav a", has_text="首页")).to_have_count(0)  # no page to go to yet

    qr = page.locator("figure.qr svg.segno")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 150 and qr.locator("path").count() >= 1
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert page.locator("#totp-secret").inner_text().replace(" ", "") == secret  # readable for typing in

    page.get_by_label("验证码").fill(f"{totp(b32decode(secret)):06d}")
    page.get_by_role("button", name="确认绑定").click()

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/recovery-codes/"))
    expect(page.get_by_text("两步验证已启用。")).to_be_visible()
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", text) for text in page.locator("ol.recovery-codes code").all_inner_texts())
    violations += page.evaluate("window.__cspViolations")
    page.get_by_role("link", name="我已保存，继续").click()

    expect(page).to_have_url(f"{base}/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{base}/stations/")
    expect(page).to_have_url(f"{base}/stations/")
    assert violations == []
