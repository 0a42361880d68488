"""Reminders by e-mail, through a real SMTP server on 127.0.0.1 that the test starts: each new
reminder once, to users who have an address, only where EMAIL_URL is set."""

import datetime
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from config.models import Notification
from tests import builders
from tests.config import reminder_builders as rm
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

REMIND_ON = datetime.date(2026, 4, 30)  # three working days before 8 May


class Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content,
                                                                          policy=email.policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_URL = f"smtp://127.0.0.1:{controller.port}"
    settings.SITE_URL = "https://sgz.example.cn"
    yield handler
    controller.stop()


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.station_a1 = builders.station(h.a1)
    h.head_a = rb.head(h.station_a1, "head_a1")
    h.head_a.email = "zhanzhang@example.cn"
    h.head_a.save(update_fields=["email"])
    h.county_a_user = builders.county_user(h)  # no address
    rm.filing_deadline(h.county_a, 8)
    return h


def test_each_new_reminder_is_emailed_once(h, smtp):
    first = rm.run_on(REMIND_ON)
    assert first.emailed == 1 and len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["zhanzhang@example.cn"]
    assert message["Subject"].strip() == "【社工站管理系统】2026年4月月报2026年5月8日截止报送"
    text = message.get_content()
    assert "2026年4月的月度报告须在2026年5月8日（含）前报送" in text
    assert "https://sgz.example.cn" + reverse("stations:report-list") in text
    assert Notification.objects.get(user=h.head_a).emailed_at is not None

    again = rm.run_on(REMIND_ON, hour=9)  # a second run, or another machine's
    assert again.emailed == 0 and len(smtp.messages) == 1
    # The county user has no address: shown in the product, never e-mailed.
    assert Notification.objects.get(user=h.county_a_user).emailed_at is None


def test_nothing_is_emailed_without_email_url(h, smtp, settings):
    settings.EMAIL_URL = ""
    rm.run_on(REMIND_ON)
    assert smtp.messages == []
    assert Notification.objects.get(user=h.head_a).emailed_at is None


def test_a_refused_message_is_sent_on_the_next_run(h, smtp, settings):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nobody listens there
    assert rm.run_on(REMIND_ON).emailed == 0
    assert Notification.objects.get(user=h.head_a).emailed_at is None
    settings.EMAIL_PORT = port
    assert rm.run_on(REMIND_ON, hour=10).emailed == 1
    assert len(smtp.messages) == 1
