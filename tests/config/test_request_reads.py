"""What every signed-in request reads, and reads once: the session in one plain statement
(config.session_store), the user with their region, station and unread reminders in one statement
(config.auth_backend), the figures' counters once per request (core.figures), and a report written
recounting only the home page's report figures (config.overview)."""

import datetime

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config import overview as overview_module
from config.auth_backend import user_with_scope
from core import figures
from stations.models import User
from tests import builders
from tests.config.test_overview import alerts
from tests.config.test_overview import today as today  # a fixture the tests use through world
from tests.config.test_overview import world as overview_world
from tests.config.test_reminders_views import BADGE, notice
from tests.stations import report_builders as rb
from tests.workforce import builders as wb

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("figures_cached")]
world = overview_world  # the fixture, under the name the tests ask for


def fields(instance) -> dict | None:
    return None if instance is None else {f.attname: f.value_from_object(instance)
                                          for f in instance._meta.concrete_fields}


def test_the_user_is_read_with_region_station_and_station_region_as_the_orm_reads_them(world):
    head = rb.head(world.county_a.children.get(code=world.a1.code).stations.get(), "head_read")
    root = builders.superuser()
    for user in (head, world.staff_a, world.staff_b, root):
        expected = User.objects.select_related("region", "station__region").get(pk=user.pk)
        read = user_with_scope(user.pk)
        with CaptureQueriesContext(connection) as queries:
            assert fields(read) == fields(expected)
            assert fields(read.region) == fields(expected.region)
            assert fields(read.station) == fields(expected.station)
            if expected.station is not None:
                assert fields(read.station.region) == fields(expected.station.region)
        assert queries.captured_queries == []  # all of it came with the one statement
    assert user_with_scope(10**9) is None
    assert world.staff_b.region.code != world.staff_a.region.code
    assert user_with_scope(world.staff_b.pk).region.code == world.staff_b.region.code


def test_the_bell_counts_the_reminders_left_unread_at_each_request(client, world):
    for title in ("甲", "乙", "丙"):
        notice(world.staff_a, title)
    notice(world.staff_b, "别的县的")
    client.force_login(world.staff_a)
    assert BADGE.search(client.get(reverse("home")).content.decode())["n"] == "3"
    read = world.staff_a.notifications.first()
    client.post(reverse("notices:read", args=[read.pk]))
    assert BADGE.search(client.get(reverse("home")).content.decode())["n"] == "2"
    client.post(reverse("notices:read-all"))
    page = client.get(reverse("home")).content.decode()
    assert 'class="badge"' not in page
    client.force_login(world.staff_b)
    assert BADGE.search(client.get(reverse("home")).content.decode())["n"] == "1"


def test_a_page_with_several_cached_parts_reads_the_counters_once(client, world):
    client.force_login(world.staff_a)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert len([q for q in queries.captured_queries if "core_generation" in q["sql"]]) == 1


def test_a_counter_moved_within_a_request_is_read_again_in_it(world):
    request_started.send(sender=None)
    try:
        before = figures.generations((figures.REPORTS,))
        with CaptureQueriesContext(connection) as queries:
            assert figures.generations((figures.REGISTRY, figures.REPORTS))[1] == before[0]
        assert queries.captured_queries == []  # kept for the request
        figures.changed(figures.REPORTS)  # outside a transaction: moved at once
        assert figures.generations((figures.REPORTS,))[0] == before[0] + 1
    finally:
        request_finished.send(sender=None)


def test_a_report_written_recounts_the_report_figures_and_not_the_people(client, world, monkeypatch):
    counted = []
    people = overview_module.people_alert_summary
    monkeypatch.setattr(overview_module, "people_alert_summary",
                        lambda **kwargs: counted.append(1) or people(**kwargs))
    client.force_login(world.staff_a)
    before = alerts(client)
    assert before["reports_missing"][0] == 1 and len(counted) == 1
    late = world.county_a.children.get(code=world.a2.code).stations.get()
    rb.report(late, rb.head(late), datetime.date(2026, 2, 1), submit_at=rb.at(2026, 3, 9))
    after = alerts(client)
    assert after["reports_missing"][0] == 0  # the report figure follows the write
    assert after["qualification_deadlines"] == before["qualification_deadlines"] and len(counted) == 1
    station = world.county_a.children.get(code=world.a1.code).stations.get()
    wb.person(station=station, actor=world.staff_a, name="新来的", start_on=datetime.date(2024, 2, 1))
    assert alerts(client)["qualification_deadlines"][0] == before["qualification_deadlines"][0] + 1
    assert len(counted) == 2
    # The parts come back in the order the page always showed them: the report alerts first.
    assert list(alerts(client))[:2] == ["reports_missing", "reports_awaiting"]


def test_a_session_is_read_until_it_expires_and_never_after(client, world):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(world.staff_a)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_filing_deadline_set_shows_on_the_next_page_and_only_in_its_county(client, world):
    from stations.reports import services as report_services
    from tests.config.reminder_builders import filing_deadline

    station = world.county_a.children.get(code=world.a2.code).stations.get()
    head = rb.head(station, "head_deadline")
    draft = report_services.report_create(actor=head, station=station, period=datetime.date(2026, 2, 1))
    edit = reverse("stations:report-edit", args=[draft.pk])
    client.force_login(head)
    assert "报送截止 2026年3月5日" in client.get(edit).content.decode()
    assert "报送截止 2026年3月5日" in client.get(edit).content.decode()  # the rules read back from the cache
    filing_deadline(world.county_b, 20)  # another county's rule changes nothing here
    assert "报送截止 2026年3月5日" in client.get(edit).content.decode()
    filing_deadline(world.county_a, 10)
    assert "报送截止 2026年3月10日" in client.get(edit).content.decode()
