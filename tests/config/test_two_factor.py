"""Two-factor sign-in: superusers, provincial officials and holders of the full-ID permission give a
code from an authenticator app (or a single-use recovery code) after their password, before any
page, when ``TWO_FACTOR_REQUIRED`` is on; they enrol first if they have no device."""

import json
import re
from base64 import b32encode

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.models import SecondFactor
from config.two_factor import services
from stations.models import Role
from tests import builders
from tests.config.test_settings import PRODUCTION, run
from tests.workforce.builders import grant_full_id_numbers

ENROL = "/accounts/two-factor/enrol/"
VERIFY = "/accounts/two-factor/verify/"
RECOVERY = "/accounts/two-factor/recovery-codes/"
EVERYWHERE = ("/", "/admin/", "/admin/stations/station/", "/stations/", "/projects/contracts/", "/audit/",
              "/accounts/password/")


@pytest.fixture
def enforced():
    with override_settings(TWO_FACTOR_REQUIRED=True):
        yield


@pytest.fixture
def people(hierarchy):
    root = builders.superuser()
    province = builders.user("hubei", Role.PROVINCE, hierarchy.province, is_staff=True)
    county = builders.user("jiangan", Role.COUNTY, hierarchy.county_a)
    holder = grant_full_id_numbers(builders.user("jiangan_ids", Role.COUNTY, hierarchy.county_a))
    return {"root": root, "province": province, "county": county, "holder": holder}


def signed_in(username) -> Client:
    """A browser that has given the password only."""
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": builders.PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


def code(device, ahead=0) -> str:
    """The app's code now (``ahead`` time steps later: a code not used yet once one was)."""
    return f"{totp(device.bin_key, device.step, device.t0 - ahead * device.step, device.digits, device.drift):06d}"


def enrolled(user) -> TOTPDevice:
    """A user who has bound an app (through the service, with the code of this time step)."""
    services.enrolment_confirm(user=user, code=code(services.totp_device_pending(user=user)))
    return TOTPDevice.objects.get(user=user, confirmed=True)


def sent_to(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


def error_of(response) -> str:
    return " ".join(re.findall(r'<p class="error" role="alert">([^<]*)</p>', response.content.decode()))


# ------------------------------------------------------------------ who is asked

@pytest.mark.parametrize("who", ["root", "province", "holder"])
def test_a_password_alone_leads_only_to_enrolment_for_those_who_need_a_second_factor(enforced, people, who):
    client = signed_in(people[who].username)
    for path in EVERYWHERE:
        assert sent_to(client.get(path)) == f"{ENROL}?next={path.replace('/', '%2F')}", path
    assert sent_to(client.post("/stations/", {})).startswith(ENROL)
    page = client.get(ENROL)
    assert page.status_code == 200 and "启用两步验证" in page.content.decode()
    assert client.get(reverse("two-factor")).status_code == 302


def test_a_county_user_without_the_full_id_permission_is_not_asked(enforced, people):
    client = signed_in("jiangan")
    for path in ("/", "/stations/", "/accounts/password/"):
        assert client.get(path).status_code == 200, path
    assert sent_to(client.get(VERIFY)) == "/"


def test_the_pages_needed_to_get_through_stay_open(enforced, people):
    client = signed_in("root")
    assert client.get(ENROL).status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert sent_to(client.get("/accounts/login/")) == "/"  # already signed in: on to the home page, then enrolment
    assert sent_to(client.post("/accounts/logout/")) == "/accounts/login/"
    assert sent_to(Client().get(ENROL)).startswith("/accounts/login/")


def test_the_second_factor_comes_before_an_expired_password(enforced, people, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    type(people["root"]).objects.filter(pk=people["root"].pk).update(password_changed_at=None)  # age unknown: expired
    client = signed_in("root")
    assert sent_to(client.get("/")).startswith(ENROL)
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=people["root"])
    assert sent_to(client.post(ENROL, {"code": code(device)})).startswith(RECOVERY)
    assert client.get(RECOVERY).status_code == 200  # the codes are shown before the password form
    assert sent_to(client.get("/")) == reverse("password_change")


def test_with_the_demo_default_nobody_is_asked(people):
    from django.conf import settings

    assert settings.TWO_FACTOR_REQUIRED is False  # DEBUG on when the settings were read: the demo
    for who in ("root", "province", "holder"):
        client = signed_in(people[who].username)
        assert client.get("/").status_code == 200
        assert client.get("/admin/").status_code == (302 if who == "holder" else 200)  # not staff: admin login


def test_required_in_production_and_off_in_the_demo_unless_set():
    probe = ("import django, json; from django.conf import settings; django.setup(); "
             "print(json.dumps(settings.TWO_FACTOR_REQUIRED))")

    def required(**env):
        result = run(probe, **env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert required() is False
    assert required(**PRODUCTION) is True
    assert required(**PRODUCTION, TWO_FACTOR_REQUIRED="off") is False
    assert required(TWO_FACTOR_REQUIRED="on") is True


# ------------------------------------------------------------------ enrolment

def test_enrolment_shows_a_qr_code_and_the_secret_then_the_recovery_codes_once(enforced, people):
    client = signed_in("root")
    page = client.get(f"{ENROL}?next=/admin/").content.decode()
    device = TOTPDevice.objects.get(user=people["root"], confirmed=False)
    assert re.search(r"<svg [^>]*class=\"segno\"", page) and "<script" not in page.split("<main")[1].split("</main>")[0]
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
    assert b32encode(device.bin_key).decode() == secret
    assert secret in client.get(ENROL).content.decode()  # the same secret until confirmed

    wrong = client.post(ENROL, {"code": "000000" if code(device) != "000000" else "111111", "next": "/admin/"})
    assert error_of(wrong) == "验证码不正确，请核对后重新输入。"
    assert not TOTPDevice.objects.filter(user=people["root"], confirmed=True).exists()
    assert sent_to(client.get("/")).startswith(ENROL)

    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above makes the next try wait a second
    done = client.post(ENROL, {"code": code(device), "next": "/admin/"})
    assert sent_to(done) == f"{RECOVERY}?next=%2Fadmin%2F"
    shown = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", shown)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/admin/"' in shown
    again = client.get(RECOVERY).content.decode()
    assert not re.findall(r"<li><code>", again) and "尚有 10 个未使用的恢复码" in again  # shown once only
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 200

    record = SecondFactor.objects.get(user=people["root"])
    entry = record.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == ("+", people["root"], "启用两步验证")


def test_anyone_may_enrol_and_is_then_asked_for_a_code_even_in_the_demo(people):
    county = people["county"]
    client = signed_in("jiangan")
    assert "修改密码" in client.get("/accounts/password/").content.decode()
    assert 'href="/accounts/two-factor/"' in client.get("/accounts/password/").content.decode()
    assert "未启用" in client.get("/accounts/two-factor/").content.decode()
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=county)
    assert sent_to(client.post(ENROL, {"code": code(device)})).startswith(RECOVERY)
    assert client.get("/").status_code == 200

    later = signed_in("jiangan")
    assert sent_to(later.get("/stations/")) == f"{VERIFY}?next=%2Fstations%2F"
    assert sent_to(later.post(VERIFY, {"code": code(device, ahead=1), "next": "/stations/"})) == "/stations/"


# ------------------------------------------------------------------ verification

def test_a_correct_code_from_the_app_lets_the_user_through(enforced, people):
    device = enrolled(people["root"])
    client = signed_in("root")
    for path in ("/", "/admin/", "/stations/"):
        assert sent_to(client.get(path)) == f"{VERIFY}?next={path.replace('/', '%2F')}"
    page = client.get(f"{VERIFY}?next=/admin/")
    assert "验证码或恢复码" in page.content.decode()
    key_before = client.session.session_key
    assert sent_to(client.post(VERIFY, {"code": code(device, ahead=1), "next": "/admin/"})) == "/admin/"
    assert client.session.session_key != key_before
    assert client.get("/admin/").status_code == 200
    assert client.get("/stations/").status_code == 200


def test_a_wrong_code_is_refused_with_a_chinese_error(enforced, people):
    device = enrolled(people["province"])
    client = signed_in("hubei")
    right = code(device, ahead=1)
    wrong = next(c for c in ("123456", "654321") if c not in {right, code(device), code(device, ahead=2)})
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert error_of(response) == "验证码不正确，请核对后重新输入。"
    assert sent_to(client.get("/")).startswith(VERIFY)
    assert error_of(client.post(VERIFY, {"code": "abc"})) == "验证码不正确，请核对后重新输入。"
    assert error_of(client.post(VERIFY, {"code": ""})) == "请输入验证码。"


def test_repeated_wrong_codes_make_the_user_wait_even_for_the_right_one(enforced, people):
    device = enrolled(people["root"])
    client = signed_in("root")
    right = code(device, ahead=1)
    wrong = next(c for c in ("123456", "654321", "111111") if c not in {right, code(device), code(device, ahead=2)})
    for _ in range(3):
        client.post(VERIFY, {"code": wrong})
    refused = client.post(VERIFY, {"code": right})
    assert re.fullmatch(r"验证码连续输错次数过多，请等待 \d+ 秒后再试。", error_of(refused))
    assert sent_to(client.get("/")).startswith(VERIFY)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # tries while waiting are refused unchecked, the right one too


def test_a_recovery_code_works_once_and_only_once(enforced, people):
    enrolled(people["root"])
    first, second = StaticToken.objects.filter(device__user=people["root"]).values_list("token", flat=True)[:2]
    client = signed_in("root")
    typed = f"{first[:4]}-{first[4:]}".upper()  # as shown on the page, typed in capitals
    assert sent_to(client.post(VERIFY, {"code": typed, "next": "/admin/"})) == "/admin/"
    assert client.get("/admin/").status_code == 200

    again = signed_in("root")
    assert error_of(again.post(VERIFY, {"code": first})) == "验证码不正确，请核对后重新输入。"
    StaticToken.objects.filter(device__user=people["root"]).first().device.throttle_reset()
    assert sent_to(again.post(VERIFY, {"code": second})) == "/"
    assert services.recovery_codes_left(people["root"]) == 8
    reasons = list(SecondFactor.objects.get(user=people["root"]).history.values_list("history_change_reason", flat=True))
    assert reasons.count("使用恢复码登录") == 2


def test_new_recovery_codes_replace_the_old_ones(enforced, people):
    device = enrolled(people["root"])
    old = set(StaticToken.objects.filter(device__user=people["root"]).values_list("token", flat=True))
    client = signed_in("root")
    client.post(VERIFY, {"code": code(device, ahead=1)})
    shown = client.get(client.post(RECOVERY)["Location"]).content.decode()
    new = {c.replace("-", "") for c in re.findall(r"<li><code>([a-z2-7-]{9})</code></li>", shown)}
    assert len(new) == 10 and not new & old
    assert set(StaticToken.objects.filter(device__user=people["root"]).values_list("token", flat=True)) == new
    assert client.get("/").status_code == 200  # still verified: the session's device was kept
    entry = SecondFactor.objects.get(user=people["root"]).history.latest("history_id")
    assert (entry.history_user, entry.history_change_reason) == (people["root"], "重新生成恢复码")


def test_regenerating_recovery_codes_needs_the_second_factor_first(people):
    enrolled(people["county"])
    client = Client()
    client.force_login(people["county"])
    assert sent_to(client.post(RECOVERY)).startswith(VERIFY)
    assert services.recovery_codes_left(people["county"]) == 10


def test_next_must_stay_on_this_site(enforced, people):
    device = enrolled(people["root"])
    client = signed_in("root")
    assert sent_to(client.post(VERIFY, {"code": code(device, ahead=1), "next": "https://evil.example/"})) == "/"


# ------------------------------------------------------------------ administration

def test_a_superuser_resets_a_lost_phone_and_the_reset_is_audited(enforced, people):
    province = people["province"]
    device = enrolled(province)
    official = signed_in("hubei")
    official.post(VERIFY, {"code": code(device, ahead=1)})
    assert official.get("/").status_code == 200

    admin = Client()
    admin.force_login(people["root"])
    enrolled_root = enrolled(people["root"])
    admin.post(VERIFY, {"code": code(enrolled_root, ahead=1)})
    response = admin.post("/admin/stations/user/", {"action": "reset_second_factor",
                                                    "_selected_action": [province.pk]}, follow=True)
    assert "已重置 1 个用户的两步验证" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=province).exists()
    assert not StaticToken.objects.filter(device__user=province).exists()
    entry = SecondFactor.objects.get(user=province).history.latest("history_id")
    assert (entry.history_user, entry.history_change_reason) == (people["root"], "管理员重置两步验证")
    assert SecondFactor.objects.get(user=province).status == SecondFactor.Status.RESET

    followed = official.get("/", follow=True)  # signed in already: must bind a new phone now
    assert followed.redirect_chain[-1][0].startswith(ENROL) and followed.status_code == 200
    assert sent_to(signed_in("hubei").get("/")).startswith(ENROL)


def test_only_superusers_see_the_devices_and_the_reset_action(people):
    enrolled(people["province"])
    official = Client()
    official.force_login(people["province"])
    official.post(VERIFY, {"code": code(TOTPDevice.objects.get(user=people["province"]), ahead=1)})
    for path in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/", "/admin/config/secondfactor/"):
        assert official.get(path).status_code == 403, path
    users_page = official.get("/admin/stations/user/").content.decode()
    assert "reset_second_factor" not in users_page

    root = Client()
    root.force_login(people["root"])
    device = TOTPDevice.objects.get(user=people["province"])
    for path in ("/admin/otp_totp/totpdevice/", f"/admin/otp_totp/totpdevice/{device.pk}/change/",
                 "/admin/config/secondfactor/"):
        page = root.get(path)
        assert page.status_code == 200, path
        assert device.key not in page.content.decode()
    assert root.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert root.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    assert "reset_second_factor" in root.get("/admin/stations/user/").content.decode()
