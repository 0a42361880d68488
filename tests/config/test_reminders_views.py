"""The bell and the reminder list: the unread count in the header, the user's own reminders newest
first, marking one or all read. Another user's reminder is 404 and stays as it was."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.models import Notification
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

BADGE = re.compile(r'class="bell has-unread">[^<]*<span class="badge">(?P<n>[^<]+)</span>')


@pytest.fixture
def h(hierarchy):
    h = hierarchy
    h.head_a = rb.head(builders.station(h.a1), "head_a1")
    h.county_b = builders.county_user(h, name="county_b", county=h.county_b)
    return h


def notice(user, title, day=datetime.date(2026, 4, 30), *, read=False, url=""):
    """A stored reminder as the reminder job writes them."""
    return Notification.objects.create(
        user=user, kind=Notification.Kind.REPORT_DEADLINE, key=f"report:test:{title}", day=day, title=title,
        body=f"{title}的内容", url=url or reverse("stations:report-list"), read_at=timezone.now() if read else None)


def _page(client, url=None):
    return client.get(url or reverse("notices:list")).content.decode()


def test_the_bell_counts_the_users_own_unread_reminders(client, h):
    notice(h.head_a, "甲")
    notice(h.head_a, "乙")
    notice(h.head_a, "已读的", read=True)
    for n in range(5):
        notice(h.county_b, f"别人的{n}")
    client.force_login(h.head_a)
    assert BADGE.search(_page(client, reverse("home")))["n"] == "2"
    client.force_login(h.county_b)
    assert BADGE.search(_page(client, reverse("home")))["n"] == "5"


def test_no_badge_without_unread_reminders_and_one_count_query(client, h):
    notice(h.head_a, "已读的", read=True)
    client.force_login(h.head_a)
    with CaptureQueriesContext(connection) as queries:
        page = _page(client, reverse("home"))
    assert 'class="badge"' not in page and 'class="bell"' in page
    assert len([q for q in queries.captured_queries if "config_notification" in q["sql"]]) == 1


def test_signed_out_pages_ask_nothing_about_reminders(client, h):
    with CaptureQueriesContext(connection) as queries:
        page = _page(client, reverse("login"))
    assert "config_notification" not in " ".join(q["sql"] for q in queries.captured_queries)
    assert 'class="bell' not in page
    assert client.get(reverse("notices:list"))["Location"].startswith(reverse("login"))


def test_the_list_shows_own_reminders_newest_first_unread_highlighted(client, h):
    older = notice(h.head_a, "三月的提醒", datetime.date(2026, 4, 2), read=True)
    newer = notice(h.head_a, "四月的提醒", datetime.date(2026, 4, 30))
    notice(h.county_b, "江汉区的提醒")
    client.force_login(h.head_a)
    page = _page(client)
    assert page.index("四月的提醒") < page.index("三月的提醒")
    assert f'class="notice unread" id="notice-{newer.pk}"' in page
    assert f'class="notice" id="notice-{older.pk}"' in page
    assert "江汉区的提醒" not in page
    assert reverse("notices:open", args=[newer.pk]) in page
    assert "全部标为已读" in page


def test_the_list_is_paginated(client, h):
    for n in range(35):
        notice(h.head_a, f"提醒{n:02d}", datetime.date(2026, 3, 1) + datetime.timedelta(days=n))
    client.force_login(h.head_a)
    first, second = _page(client), _page(client, reverse("notices:list") + "?page=2")
    assert "提醒34" in first and "提醒05" in first and "提醒04" not in first
    assert "提醒04" in second and "提醒00" in second and "提醒34" not in second


def test_an_empty_list_says_so(client, h):
    client.force_login(h.head_a)
    page = _page(client)
    assert "暂无提醒" in page and "全部标为已读" not in page


def test_marking_one_read_is_for_own_reminders_only(client, h):
    mine = notice(h.head_a, "我的")
    theirs = notice(h.county_b, "别人的")
    client.force_login(h.head_a)
    assert client.get(reverse("notices:read", args=[mine.pk])).status_code == 405
    response = client.post(reverse("notices:read", args=[mine.pk]), {"page": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("notices:list") + "?page=1"
    assert client.post(reverse("notices:read", args=[theirs.pk])).status_code == 404
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert BADGE.search(_page(client)) is None


def test_marking_all_read_leaves_other_users_unread(client, h):
    notice(h.head_a, "一")
    notice(h.head_a, "二")
    notice(h.county_b, "别人的")
    client.force_login(h.head_a)
    assert client.post(reverse("notices:read-all")).status_code == 302
    assert not Notification.objects.filter(user=h.head_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=h.county_b, read_at__isnull=True).count() == 1


def test_following_a_reminder_marks_it_read_and_opens_the_page_to_act_on(client, h):
    mine = notice(h.head_a, "我的")
    theirs = notice(h.county_b, "别人的")
    client.force_login(h.head_a)
    response = client.get(reverse("notices:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("stations:report-list")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("notices:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_link_elsewhere_is_never_followed(client, h):
    odd = notice(h.head_a, "外部", url="https://elsewhere.example/")
    client.force_login(h.head_a)
    assert client.get(reverse("notices:open", args=[odd.pk]))["Location"] == reverse("notices:list")
