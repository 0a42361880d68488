"""Background jobs: start one, run it (on a Celery worker, or inside the request when no broker is
configured), report its progress, finish it exactly once.

A runner is a function registered under a kind::

    @runner("stations.import")
    def run_station_import(job, progress):
        progress.set_total(n)
        ...                       # writes; progress.advance(k) now and then
        return Outcome(result={...}, file=("名称.xlsx", data))   # or Outcome(error="…")

It runs inside one transaction, and that same transaction marks the job done: a worker lost
mid-job leaves nothing behind, the job is run again from the start, and a run of a job that another
run already finished is rolled back whole. Files a runner returns are saved to the default
storage (shared by every machine) before the commit.

The scheduled work calls :func:`requeue_stale_jobs` (jobs whose worker or message was lost) and
:func:`delete_old_job_files` (uploads and workbooks kept past their week).
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.models import Job

logger = logging.getLogger(__name__)

RESULT_DIR = "jobs"
PROGRESS_EVERY_SECONDS = 0.5


class JobError(Exception):
    """A failure to show the user as it is (their language, nothing internal)."""


@dataclass
class Outcome:
    result: dict = field(default_factory=dict)
    file: tuple[str, bytes] | None = None  # (download name, content)
    error: str = ""  # the job failed with this message; its writes are rolled back


RUNNERS: dict[str, Callable[[Job, Progress], Outcome]] = {}
# The name of the Celery task that runs a job (config.tasks), sent by name: core knows no app.
RUN_JOB_TASK = "config.run_job"


def _load_runners() -> None:
    """Import the modules whose runners register themselves (settings.JOB_RUNNER_MODULES)."""
    for module in settings.JOB_RUNNER_MODULES:
        import_module(module)


def runner(kind: str):
    def register(function):
        RUNNERS[kind] = function
        return function
    return register


def queued() -> bool:
    """Whether jobs go to workers (a broker is configured) rather than run inside the request."""
    return bool(settings.CELERY_BROKER_URL)


def start(*, user, kind: str, title: str, params: dict | None = None, input_file: str = "", total: int = 0) -> Job:
    """Create a job and run it: queued for a worker when a broker is configured, at once otherwise.
    Returns the job as it stands (finished, when it ran here)."""
    _load_runners()
    if kind not in RUNNERS:
        raise KeyError(kind)
    job = Job.objects.create(user=user, kind=kind, title=title[:200], params=params or {}, input_file=input_file,
                             total=total, language=translation.get_language() or settings.LANGUAGE_CODE)
    if queued():
        transaction.on_commit(lambda: send(job))
    else:
        execute(job.pk)
        job.refresh_from_db()
    return job


def send(job: Job) -> None:
    """Hand the job to the workers, by the task's name. A broker that does not answer (restarting)
    leaves the job queued rather than failing the user's request: :func:`requeue_stale_jobs` sends
    it again."""
    from celery import current_app

    try:
        current_app.send_task(RUN_JOB_TASK, args=[str(job.pk)])
    except Exception:
        logger.exception("job %s could not be sent to the workers; it waits for requeue_stale_jobs", job.pk)


def _progress_key(job_id) -> str:
    return f"job-progress:{job_id}"


class Progress:
    """Rows done of total, kept in the shared cache while the job's transaction is open (its own
    row is written only when the job finishes)."""

    def __init__(self, job: Job):
        self.job_id, self.total, self.done = job.pk, job.total, 0
        self._written = 0.0

    def set_total(self, total: int) -> None:
        self.total = total
        self._write(force=True)

    def advance(self, done: int | None = None, *, step: int = 1) -> None:
        self.done = done if done is not None else self.done + step
        self._write()

    def _write(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._written >= PROGRESS_EVERY_SECONDS:
            self._written = now
            cache.set(_progress_key(self.job_id), {"done": self.done, "total": self.total, "at": time.time()},
                      timeout=24 * 3600)


def progress_of(job: Job) -> dict:
    """What the job's page shows: status, rows done of total, percentage."""
    done, total = job.done, job.total
    if job.status == Job.Status.RUNNING:
        live = cache.get(_progress_key(job.pk)) or {}
        done, total = live.get("done", done), live.get("total", total)
    percent = 100 if job.status == Job.Status.DONE else (min(99, int(done * 100 / total)) if total else 0)
    return {"status": job.status, "status_label": str(job.get_status_display()), "done": done, "total": total,
            "percent": percent, "error": job.error, "finished": job.finished}


def execute(job_id: uuid.UUID | str) -> None:
    """Run a job once more from the start, unless it has finished already."""
    _load_runners()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return
        job.status, job.started_at, job.attempts = Job.Status.RUNNING, timezone.now(), job.attempts + 1
        job.save(update_fields=["status", "started_at", "attempts"])
    attempt = job.attempts
    try:
        with translation.override(job.language):
            outcome = _run(job, attempt)
            if outcome.error:
                _finish(job, attempt, status=Job.Status.FAILED, error=outcome.error, result=outcome.result)
    except JobError as exc:
        _finish(job, attempt, status=Job.Status.FAILED, error=str(exc))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.language):
            _finish(job, attempt, status=Job.Status.FAILED,
                    error=_("任务未能完成，没有写入任何数据。请重试；如仍失败，请联系管理员。"))


def _run(job: Job, attempt: int) -> Outcome:
    """The runner and the job's completion, in one transaction (rolled back on a failure)."""
    with transaction.atomic():
        outcome = RUNNERS[job.kind](job, Progress(job))
        if outcome.error:
            transaction.set_rollback(True)
            return outcome
        fields = {}
        if outcome.file:
            name, content = outcome.file
            fields["result_file"] = default_storage.save(f"{RESULT_DIR}/{job.pk}/{uuid.uuid4().hex}.bin",
                                                         ContentFile(content))
            fields["result_name"] = name
        if not _finish(job, attempt, status=Job.Status.DONE, result=outcome.result, **fields):
            transaction.set_rollback(True)  # another run of this job finished first, or took it over
            if fields.get("result_file"):
                default_storage.delete(fields["result_file"])  # the storage is no part of the transaction
    return outcome


def _finish(job: Job, attempt: int, *, status: str, **fields) -> bool:
    """Mark the job finished, if this run is still its latest and nothing finished it meanwhile."""
    live = cache.get(_progress_key(job.pk)) or {}
    fields.setdefault("total", live.get("total", job.total))
    fields.setdefault("done", fields["total"] if status == Job.Status.DONE else live.get("done", 0))
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=attempt).update(
        status=status, finished_at=timezone.now(), **fields)
    return bool(updated)


# Upkeep, called by the scheduled work: jobs whose worker was lost, and files kept too long.

INTERRUPTED = gettext_noop("任务中断，请重新发起。")
GAVE_UP = gettext_noop("任务多次中断，已停止重试，没有写入任何数据。请重新发起；如仍失败，请联系管理员。")


def _last_sign_of_life(job: Job) -> datetime.datetime | None:
    """When a running job last reported progress (the shared cache) or, if later, when its latest
    run started (the cache may still hold an earlier run's progress)."""
    at = (cache.get(_progress_key(job.pk)) or {}).get("at")
    signs = [job.started_at, at and datetime.datetime.fromtimestamp(at, tz=datetime.UTC)]
    return max((sign for sign in signs if sign), default=None)


def _fail_interrupted(job: Job, message: str, now: datetime.datetime) -> int:
    """Mark a job that will not be run again failed, unless it moved on meanwhile."""
    with translation.override(job.language):
        error = _(message)
    return Job.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
        status=Job.Status.FAILED, finished_at=now, error=error)


def requeue_stale_jobs(now: datetime.datetime | None = None) -> int:
    """Jobs that show no sign of life for ``JOB_STALE_SECONDS`` (a lost worker, a lost message):
    sent to the workers again when a broker is configured (the run starts from the beginning and
    a stray earlier run can no longer finish it), marked failed otherwise, and also when they have
    been tried ``JOB_MAX_ATTEMPTS`` times. Returns how many jobs were re-sent or marked failed."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=getattr(settings, "JOB_STALE_SECONDS", 900))
    max_attempts = getattr(settings, "JOB_MAX_ATTEMPTS", 3)
    stale = [job for job in Job.objects.filter(status=Job.Status.RUNNING)
             if (_last_sign_of_life(job) or now) < cutoff]
    stale += list(Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=cutoff))
    count = 0
    for job in stale:
        if not queued():
            count += _fail_interrupted(job, INTERRUPTED, now)
        elif job.attempts >= max_attempts:
            count += _fail_interrupted(job, GAVE_UP, now)
        else:
            send(job)
            count += 1
    return count


def delete_old_job_files(days: int = 7, now: datetime.datetime | None = None) -> int:
    """Delete the uploaded and generated files of jobs that finished more than ``days`` days ago
    from the shared storage and forget them (the job stays, its download is gone). A file still
    named by a newer job (an import's confirmation reads its preview's upload) is kept.
    Returns the number of files deleted."""
    now = now or timezone.now()
    old = Job.objects.filter(status__in=(Job.Status.DONE, Job.Status.FAILED),
                             finished_at__lt=now - datetime.timedelta(days=days))
    old = old.exclude(input_file="", result_file="")
    in_use = set()
    others = Job.objects.exclude(pk__in=old.values("pk")).exclude(input_file="", result_file="")
    for names in others.values_list("input_file", "result_file"):
        in_use.update(name for name in names if name)
    deleted = 0
    for job in old:
        for name in {job.input_file, job.result_file} - {""} - in_use:
            if default_storage.exists(name):
                default_storage.delete(name)
                deleted += 1
        Job.objects.filter(pk=job.pk).update(input_file="", result_file="")
    return deleted
