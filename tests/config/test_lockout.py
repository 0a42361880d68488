"""Sign-in lock-out counts failures per user name (from one address, and from anywhere), so that
failures on made-up names lock nobody else, and behind the reverse proxy the client's own
address is read from X-Forwarded-For only when the request comes from a trusted proxy."""

import datetime

import pytest
import time_machine
from django.test import Client, RequestFactory

from config.client_ip import client_ip
from stations.models import Role
from tests import builders

PROXY = "10.0.0.1"


@pytest.fixture
def people(hierarchy, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXIES = [PROXY]
    builders.user("jiangan", Role.COUNTY, hierarchy.county_a)
    builders.user("jianghan", Role.COUNTY, hierarchy.county_b)


def post(client, username, password="wrong", **meta):
    return client.post("/accounts/login/", {"username": username, "password": password}, **meta)


def test_failures_on_made_up_names_from_one_address_lock_no_real_user(people):
    client = Client()
    for n in range(10):
        post(client, f"nobody{n}")
    assert post(client, "jiangan", builders.PASSWORD).status_code == 302


def test_a_burst_against_one_account_locks_that_account_only(people):
    attacker, colleague = Client(), Client()
    behind_proxy = {"REMOTE_ADDR": PROXY}
    for _ in range(3):
        post(attacker, "jiangan", HTTP_X_FORWARDED_FOR="203.0.113.5", **behind_proxy)
    locked = post(attacker, "jiangan", builders.PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **behind_proxy)
    assert locked.status_code == 429 and "登录已暂时锁定" in locked.content.decode()
    # another user, through the same proxy (so from the same address as far as the server sees)
    assert post(colleague, "jianghan", builders.PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7",
                **behind_proxy).status_code == 302


def test_the_forwarded_address_is_believed_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    factory = RequestFactory()
    through_proxy = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5")
    assert client_ip(through_proxy) == "203.0.113.5"  # the hop our proxy saw, not what the client wrote
    direct = factory.get("/", REMOTE_ADDR="192.0.2.44", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(direct) == "192.0.2.44"


def test_the_lock_out_page_names_the_account_and_when_its_lock_ends(people):
    attacker = Client()
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    with time_machine.travel(datetime.datetime(2026, 12, 1, 23, 40, tzinfo=shanghai), tick=False):
        for _ in range(3):
            page = post(attacker, "jiangan").content.decode()
    assert "锁定至 2026年12月2日 00:40" in page  # an hour after the last failure
    with time_machine.travel(datetime.datetime(2026, 12, 2, 0, 5, tzinfo=shanghai), tick=False):
        page = post(attacker, "jiangan", builders.PASSWORD).content.decode()
    assert "账号“jiangan”" in page and "其他账号不受影响" in page
    assert "锁定至 2026年12月2日 01:05" in page  # an hour after this try: trying while locked starts the hour again
    assert "重新计时" in page
