"""A job is applied at most once, even when run again; jobs whose worker was lost are sent again
(or, with no workers, marked failed); files of old jobs leave the shared storage."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core import jobs
from core.models import Job
from stations.models import Region, Station
from tests import builders

BEHAVIOUR = {}


class WorkerLost(BaseException):
    """The worker process dies mid-job: nothing in the product catches it."""


@jobs.runner("tests.register-station")
def run_register_station(job, progress):
    """Registers one station (a write a user would see), then does what the test asks."""
    station = builders.station(Region.objects.get(code=job.params["township"]), name=job.params["name"])
    progress.set_total(1)
    progress.advance(1)
    then = BEHAVIOUR.get("then")
    if then == "lose the worker":
        raise WorkerLost
    if then == "be superseded":  # another worker took the job over meanwhile
        Job.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
    return jobs.Outcome(result={"summary": f"已登记：{station.name}"}, file=("登记结果.txt", b"ok"))


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_BROKER_URL = None
    BEHAVIOUR.clear()
    return tmp_path


@pytest.fixture
def county_user(hierarchy):
    return builders.county_user(hierarchy)


@pytest.fixture
def sent(monkeypatch):
    """The job ids sent to the workers."""
    ids = []
    monkeypatch.setattr(jobs, "send", lambda job: (ids.append)(str(job.pk)))
    return ids


def start(user, name="大智街道社工站", township="420102002000"):
    return jobs.start(user=user, kind="tests.register-station", title="登记社工站",
                      params={"township": township, "name": name})


def lost_job(user, settings, sent):
    """A job whose worker died after claiming it: running, its writes gone."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    job = start(user)
    BEHAVIOUR["then"] = "lose the worker"
    with pytest.raises(WorkerLost):
        jobs.execute(job.pk)
    BEHAVIOUR.clear()
    job.refresh_from_db()
    assert (job.status, job.attempts, Station.objects.count()) == (Job.Status.RUNNING, 1, 0)
    return job


def test_running_a_finished_job_again_changes_nothing(county_user):
    job = start(county_user)
    assert job.status == Job.Status.DONE and Station.objects.filter(name="大智街道社工站").count() == 1
    finished_at, result_file = job.finished_at, job.result_file
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert Station.objects.filter(name="大智街道社工站").count() == 1
    assert (job.attempts, job.finished_at, job.result_file) == (1, finished_at, result_file)


def test_a_run_superseded_by_a_later_attempt_is_rolled_back(county_user, storage):
    BEHAVIOUR["then"] = "be superseded"
    job = start(county_user)
    assert Station.objects.count() == 0
    assert job.status == Job.Status.RUNNING and not job.finished_at and not job.result_file
    assert not list(storage.rglob("*.bin"))  # the file it wrote is not left behind either


def test_a_lost_job_is_sent_to_the_workers_again_and_then_applied_once(county_user, settings, sent, monkeypatch):
    job = lost_job(county_user, settings, sent)
    assert jobs.requeue_stale_jobs() == 0  # it ran a moment ago: not stale yet
    later = timezone.now() + datetime.timedelta(seconds=901)
    assert jobs.requeue_stale_jobs(now=later) == 1 and sent == [str(job.pk)]

    monkeypatch.setattr(jobs, "send", lambda job: (lambda job_id: jobs.execute(job_id))(str(job.pk)))
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, Station.objects.count()) == (Job.Status.DONE, 2, 1)
    assert jobs.requeue_stale_jobs(now=later + datetime.timedelta(hours=1)) == 0


def test_stale_means_no_progress_for_the_configured_time(county_user, settings, sent):
    settings.JOB_STALE_SECONDS = 60
    job = lost_job(county_user, settings, sent)
    assert jobs.requeue_stale_jobs(now=timezone.now() + datetime.timedelta(seconds=30)) == 0
    assert jobs.requeue_stale_jobs(now=timezone.now() + datetime.timedelta(seconds=90)) == 1
    assert sent == [str(job.pk)]


def test_without_workers_a_lost_job_is_marked_failed_with_a_chinese_message(client, county_user, settings, sent):
    job = lost_job(county_user, settings, sent)
    settings.CELERY_BROKER_URL = None
    assert jobs.requeue_stale_jobs(now=timezone.now() + datetime.timedelta(hours=1)) == 1
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, "任务中断，请重新发起。") and not sent
    client.force_login(county_user)
    assert "任务中断，请重新发起。" in client.get(reverse("jobs:list")).content.decode()


def test_a_job_lost_again_and_again_is_given_up(county_user, settings, sent):
    job = lost_job(county_user, settings, sent)
    Job.objects.filter(pk=job.pk).update(attempts=3)
    assert jobs.requeue_stale_jobs(now=timezone.now() + datetime.timedelta(hours=1)) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error.startswith("任务多次中断") and not sent


def test_a_job_whose_message_was_lost_is_sent_again(county_user, settings, sent):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    job = start(county_user)
    assert job.status == Job.Status.QUEUED
    assert jobs.requeue_stale_jobs() == 0
    assert jobs.requeue_stale_jobs(now=timezone.now() + datetime.timedelta(hours=1)) == 1
    assert sent == [str(job.pk)]


def test_files_of_jobs_finished_over_a_week_ago_are_deleted(client, county_user, settings, sent):
    old, recent = start(county_user), start(county_user, name="一元街道社工站", township="420102003000")
    upload = default_storage.save("imports/stations.xlsx", ContentFile(b"upload"))
    Job.objects.filter(pk=old.pk).update(input_file=upload)
    Job.objects.filter(pk=recent.pk).update(finished_at=timezone.now() + datetime.timedelta(days=2))
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    waiting = jobs.start(user=county_user, kind="tests.register-station", title="确认导入", input_file=upload)
    settings.CELERY_BROKER_URL = None

    assert jobs.delete_old_job_files(days=7, now=timezone.now() + datetime.timedelta(days=8)) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.result_file, old.input_file) == ("", "") and old.result_name == "登记结果.txt"
    assert default_storage.exists(upload), "still read by a job that has not finished"
    assert recent.result_file and default_storage.exists(recent.result_file)
    client.force_login(county_user)
    assert client.get(reverse("jobs:download", args=[old.pk])).status_code == 404
    assert "生成的文件已过保留期限并已删除" in client.get(reverse("jobs:detail", args=[old.pk])).content.decode()
    assert client.get(reverse("jobs:download", args=[recent.pk])).status_code == 200
    assert Job.objects.get(pk=waiting.pk).input_file == upload
