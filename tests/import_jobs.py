"""Import pages with a broker configured: the preview and the confirmation run as jobs.

``queued_imports`` configures a broker that is never contacted (``core.jobs.send`` runs the job in
the test, as a worker would once the request's transaction commits), keeps every file in an
in-memory default storage (so nothing can work by the local disk), and writes every progress step
to the cache. ``send(call)`` answers a request and then runs the jobs it started."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from core import jobs
from core.models import Job


@pytest.fixture(name="queued_imports")
def queued_imports_fixture(settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "local-disk"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # never contacted: see jobs.send below
    monkeypatch.setattr(jobs, "send", lambda job: jobs.execute(job.pk))
    monkeypatch.setattr(jobs, "PROGRESS_EVERY_SECONDS", 0)
    steps = []
    write = jobs.Progress._write

    def recorded(progress, force=False):
        steps.append((progress.job_id, progress.done, progress.total))
        write(progress, force)

    monkeypatch.setattr(jobs.Progress, "_write", recorded)

    def send(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return SimpleNamespace(send=send, steps=steps)


def pending_uploads() -> list[str]:
    try:
        return default_storage.listdir("imports")[1]
    except FileNotFoundError:
        return []


def result_file(client, job: Job, page: str) -> bytes:
    """The file a job left, downloaded through the link its page shows (jobs:download)."""
    url = reverse("jobs:download", args=[job.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content
