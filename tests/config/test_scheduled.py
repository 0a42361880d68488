"""The scheduled work, run by Celery beat or by ``manage.py run_scheduled`` from a system timer:
the nightly housekeeping (placements, unconfirmed uploads, job sweeps) and the morning reminders."""

import datetime
import os
import time
from io import StringIO

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from config import tasks
from config.models import Notification
from core.importing.pending import IMPORT_DIR
from tests import builders
from tests.config import reminder_builders as rm
from tests.stations import report_builders as rb
from tests.workforce import builders as wb
from workforce.models import Placement

MOVES_ON = datetime.date(2026, 4, 1)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(name: str, age_seconds: float) -> str:
    """An unconfirmed upload waiting between preview and confirm, ``age_seconds`` old."""
    stored = default_storage.save(f"{IMPORT_DIR}/{name}", ContentFile(b"PK\x03\x04 upload"))
    moment = time.time() - age_seconds
    os.utime(default_storage.path(stored), (moment, moment))
    return stored


def _daily() -> str:
    output = StringIO()
    call_command("run_scheduled", "daily", stdout=output)
    return output.getvalue()


def test_daily_refreshes_placements_and_deletes_old_unconfirmed_uploads(hierarchy, media):
    h = hierarchy
    station_a1, station_b1 = builders.station(h.a1), builders.station(h.b1)
    with time_machine.travel(rb.at(2026, 3, 31), tick=False):
        person = wb.person(station=station_a1, start_on=datetime.date(2023, 1, 1), end_on=datetime.date(2026, 3, 31),
                           name="四月调动")
        wb.assign(person, station_b1, start_on=MOVES_ON)
    assert Placement.objects.get(person=person).station_id == station_a1.pk  # until the move
    with time_machine.travel(rb.at(2026, 4, 1, hour=1), tick=False):
        old, fresh = _upload("old.xlsx", 25 * 3600), _upload("fresh.xlsx", 60)
        output = _daily()
        assert "refresh_placements=1" in output
        placement = Placement.objects.get(person=person)
        assert (placement.station_id, placement.region_code) == (station_b1.pk, h.b1.code)
        assert not default_storage.exists(old) and default_storage.exists(fresh)
        assert "refresh_placements=0" in _daily()  # a second run the same night finds nothing to do
        assert default_storage.exists(fresh)


def test_one_failing_step_does_not_stop_the_others(hierarchy, media, monkeypatch):
    def broken():
        raise RuntimeError("placement store unavailable")

    monkeypatch.setattr(tasks, "DAILY_STEPS", (("refresh_placements", broken), *tasks.DAILY_STEPS[1:]))
    with time_machine.travel(rb.at(2026, 4, 1, hour=1), tick=False):
        old = _upload("old.xlsx", 25 * 3600)
        with pytest.raises(CommandError, match="refresh_placements"):
            _daily()
    assert not default_storage.exists(old)


def test_the_daily_work_runs_the_job_sweeps(monkeypatch, hierarchy, media):
    import core.jobs

    calls = []
    monkeypatch.setattr(core.jobs, "requeue_stale_jobs", lambda: calls.append("requeue") or 2, raising=False)
    monkeypatch.setattr(core.jobs, "delete_old_job_files", lambda: calls.append("delete") or 3, raising=False)
    output = _daily()
    assert calls == ["requeue", "delete"]
    assert "requeue_stale_jobs=2" in output and "delete_old_job_files=3" in output


def test_reminders_from_the_command_once_a_day(hierarchy):
    h = hierarchy
    head = rb.head(builders.station(h.a1), "head_a1")
    rm.filing_deadline(h.county_a, 8)
    with time_machine.travel(rb.at(2026, 4, 30, hour=8), tick=False):
        output = StringIO()
        call_command("run_scheduled", "reminders", stdout=output)
        call_command("run_scheduled", "all", stdout=output)
    assert "created=1" in output.getvalue() and "created=0" in output.getvalue()
    assert Notification.objects.filter(user=head).count() == 1


def test_beat_runs_both_tasks_each_day_in_shanghai_time():
    from config.celery import app

    app.loader.import_default_modules()
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} == {"config.daily_maintenance", "config.send_reminders"}
    assert all(entry["task"] in app.tasks for entry in schedule.values())
    assert django_settings.CELERY_TIMEZONE == "Asia/Shanghai"
    reminders = schedule["reminders"]["schedule"]
    assert reminders.hour == {8} and reminders.minute == {0}


def test_one_users_failure_leaves_the_others_reminded(hierarchy, monkeypatch):
    from config.reminders import compose

    h = hierarchy
    head_a = rb.head(builders.station(h.a1), "head_a1")
    head_b = rb.head(builders.station(h.b1), "head_b1")
    rm.filing_deadline(h.city, 8)
    real = compose.sources.report_deadline_things

    def broken_for_a(user, today, spans):
        if user.pk == head_a.pk:
            raise RuntimeError("odd record")
        return real(user, today, spans)

    monkeypatch.setattr(compose, "SOURCES", tuple(
        compose.Source(s.kind, s.roles, broken_for_a, s.digest) if s.things is real else s for s in compose.SOURCES))
    run = rm.run_on(datetime.date(2026, 4, 30))
    assert run.failed == 1
    assert rm.reminded(head_a) == [] and len(rm.reminded(head_b)) == 1
