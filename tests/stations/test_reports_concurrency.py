"""Two saves of the same draft at the same moment on PostgreSQL: the row lock makes the
second one see the first one's version and be refused, instead of overwriting it."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from stations import services
from stations.models import MonthlyReport
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite has none)"),
]


def test_simultaneous_saves_of_one_version_let_exactly_one_through():
    h = builders.build_hierarchy()
    station = builders.station(h.a1)
    head = rb.head(station, "head_race")
    report = rb.report(station, head, datetime.date(2026, 10, 1))
    version = report.version
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                services.report_save(actor=head, report=report, expected_version=version,
                                     data={"highlights": "第一人"})
                first_holds_lock.set()
                release_first.wait(10)
            outcome["first"] = "saved"
        finally:
            connections.close_all()

    def second():
        first_holds_lock.wait(10)
        try:
            services.report_save(actor=head, report=report, expected_version=version, data={"highlights": "第二人"})
            outcome["second"] = "saved"
        except services.ReportConflict:
            outcome["second"] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_holds_lock.wait(10)
    threading.Timer(1.0, release_first.set).start()  # the second save is now waiting on the row lock
    for thread in threads:
        thread.join(20)
    assert outcome == {"first": "saved", "second": "refused"}
    assert MonthlyReport.objects.get(pk=report.pk).highlights == "第一人"


def test_two_simultaneous_creates_of_one_month_make_one_draft_and_a_clear_refusal():
    """A double click on "填报" opens two requests: one draft, the other told it exists (no 500)."""
    from django.core.exceptions import ValidationError

    h = builders.build_hierarchy()
    station = builders.station(h.a1)
    head = rb.head(station, "head_double")
    start = threading.Barrier(2)
    outcome = []

    def create():
        start.wait(10)
        try:
            services.report_create(actor=head, station=station, period=datetime.date(2026, 10, 1))
            outcome.append("created")
        except ValidationError as exc:
            outcome.append("".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcome) == ["created", "本站2026年10月的报告已存在。"]
    assert MonthlyReport.objects.filter(station=station).count() == 1
