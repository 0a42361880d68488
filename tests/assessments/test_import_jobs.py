"""Offline scoring through the import page when imports run as jobs: the page's evaluation comes from
its URL, and the job imports into that evaluation for its user, as the page would."""

import datetime

import pytest
from django.test import Client

from assessments import services
from core.models import Job
from tests.assessments.test_import import FULL, import_url, sheet_from
from tests.import_jobs import queued_imports_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(world):
    h = world
    return services.evaluation_create(actor=h.staff_a, template=h.midterm, contract=h.contract, evaluator=h.org,
                                      period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 6, 30))


def test_scores_are_previewed_and_imported_by_jobs_for_the_evaluation_of_the_page(
        queued_imports, world, evaluation, client):
    h = world
    client.force_login(h.evaluator)
    url = import_url(evaluation)
    upload = queued_imports.send(lambda: client.post(url, {"file": sheet_from(client, evaluation, FULL)}))
    preview = Job.objects.get(kind="import.preview")
    assert upload["Location"] == f"{url}?job={preview.pk}" and preview.params["kwargs"] == {"pk": evaluation.pk}
    assert "新增 <strong>7</strong>" in client.get(upload["Location"]).content.decode()

    # Another evaluation organisation's member sees neither the job nor the evaluation.
    other = Client()
    other.force_login(h.other_evaluator)
    assert other.get(upload["Location"]).status_code == 404
    assert evaluation.scores.count() == 0

    done = queued_imports.send(lambda: client.post(url, {"job": str(preview.pk)}))
    assert "导入完成：新增 7 行。" in client.get(done["Location"]).content.decode()
    assert evaluation.scores.count() == 7
