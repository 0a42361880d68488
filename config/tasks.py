"""Celery tasks: the one that runs a job, and the scheduled ones.

The scheduled tasks are plain functions too: ``manage.py run_scheduled`` calls them in-process for
deployments that start them from a system timer instead of Celery beat. Each is safe to run twice
the same day, and on two machines at once."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="config.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: str) -> None:
    from core.jobs import execute

    execute(job_id)


def _refresh_placements():
    from workforce.placement import refresh_placements

    return refresh_placements(stale_only=True)


def _discard_pending_imports():
    from core.importing.views import discard_pending_imports

    return discard_pending_imports()


def _requeue_stale_jobs():
    from core.jobs import requeue_stale_jobs

    return requeue_stale_jobs()


def _delete_old_job_files():
    from core.jobs import delete_old_job_files

    return delete_old_job_files()


# (name, step) in the order they run: each step's failure is logged and the others still run.
DAILY_STEPS = (
    ("refresh_placements", _refresh_placements),
    ("discard_pending_imports", _discard_pending_imports),
    ("requeue_stale_jobs", _requeue_stale_jobs),
    ("delete_old_job_files", _delete_old_job_files),
)


class ScheduledWorkFailed(Exception):
    pass


@shared_task(name="config.daily_maintenance")
def daily_maintenance() -> dict:
    """The nightly housekeeping: stored placements brought up to date, unconfirmed uploads past
    their age deleted, jobs whose worker was lost queued again, old job files deleted. Returns
    what each step did; raises after running every step
    when one failed."""
    done, failed = {}, []
    for name, step in DAILY_STEPS:
        try:
            done[name] = step()
        except Exception:  # one broken step must not keep the others from running
            logger.exception("Scheduled step %s failed.", name)
            failed.append(name)
    if failed:
        raise ScheduledWorkFailed(", ".join(failed))
    return done


@shared_task(name="config.send_reminders")
def send_reminders() -> dict:
    """Today's reminders (nothing on a day off), e-mailed where configured."""
    from config.reminders import send_reminders as run

    result = run()
    return {"day": result.day.isoformat(), "working_day": result.working_day, "created": result.created,
            "emailed": result.emailed, "failed": result.failed}
