"""Celery tasks: the one that runs a job, and the scheduled ones."""

from celery import shared_task


@shared_task(name="config.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: str) -> None:
    from core.jobs import execute

    execute(job_id)
