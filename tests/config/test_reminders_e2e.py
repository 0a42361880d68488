"""The bell in a browser: the unread count in the header, the list, marking read; no serious or
critical accessibility violation on the list."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from config.models import Notification
from tests import builders
from tests.e2e.test_accessibility import audit, describe, log_in
from tests.stations import report_builders as rb

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_station_head_reads_reminders_from_the_bell(page: Page, live_server):
    h = builders.build_hierarchy()
    head = rb.head(builders.station(h.a1), "zhanzhang")
    for day, title in ((2, "2026年3月月报2026年4月8日截止报送"), (30, "2026年4月月报2026年5月8日截止报送")):
        Notification.objects.create(user=head, kind=Notification.Kind.REPORT_DEADLINE, key=f"report:x:{day}",
                                    day=datetime.date(2026, 4, day), due_date=datetime.date(2026, 5, 8), title=title,
                                    body="请按时报送。", url="/stations/reports/")
    base = live_server.url
    log_in(page, base, "zhanzhang")
    bell = page.locator("a.bell")
    expect(bell.locator(".badge")).to_have_text("2")
    bell.click()
    expect(page.get_by_role("heading", name="提醒")).to_be_visible()
    found: list = []
    audit(page, "/notifications/", found)
    assert found == [], describe(found)
    expect(page.locator("li.notice.unread")).to_have_count(2)
    page.locator("li.notice").first.get_by_role("button", name="标为已读").click()
    expect(page.locator("a.bell .badge")).to_have_text("1")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator("a.bell .badge")).to_have_count(0)
    expect(page.locator("li.notice.unread")).to_have_count(0)
    page.get_by_role("link", name="2026年4月月报2026年5月8日截止报送").click()
    expect(page).to_have_url(f"{base}/stations/reports/")
