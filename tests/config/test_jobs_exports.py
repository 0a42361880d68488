"""Province and national exports run as jobs when a broker is configured; the file the job leaves
is the one the page would have given, with the same scope. Narrower scopes get the file at once."""

from io import BytesIO
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import jobs
from core.models import Job
from stations.models import Role
from tests import builders


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def queued(settings, monkeypatch, django_capture_on_commit_callbacks):
    """A broker is configured; the "worker" runs the job when the request's transaction commits."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(jobs, "send", lambda job: (lambda job_id: jobs.execute(job_id))(str(job.pk)))

    def request(client, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(*args, **kwargs)

    return request


@pytest.fixture
def province_user(hierarchy):
    builders.station(hierarchy.a1, name="大智街道社工站")
    builders.station(hierarchy.c1, name="鸣凤镇社工站", status="pilot")
    builders.station(hierarchy.g1, name="酒泉路街道社工站")  # another province: never in the file
    return builders.user("province", Role.PROVINCE, hierarchy.province)


def rows(content: bytes) -> dict:
    book = load_workbook(BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def direct_export(client, settings, url, data=None):
    broker = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = None
    try:
        response = client.get(url, data)
    finally:
        settings.CELERY_BROKER_URL = broker
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response


def test_a_province_export_becomes_a_job_whose_file_is_the_direct_export(client, settings, province_user, queued):
    client.force_login(province_user)
    url, data = reverse("stations:station-export"), {"status": "operating"}
    response = queued(client, url, data)

    job = Job.objects.get(user=province_user)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.title, job.status) == ("export", "导出：社工站名单", Job.Status.DONE)
    assert job.params["page"] == reverse("stations:station-list") + "?status=operating"
    page = client.get(response["Location"]).content.decode()
    assert "文件已生成：社工站名单-" in page and 'href="/stations/?status=operating"' in page

    download = client.get(reverse("jobs:download", args=[job.pk]))
    queued_rows = rows(b"".join(download.streaming_content))
    assert queued_rows == rows(direct_export(client, settings, url, data).content)
    names = [row[1] for row in queued_rows["社工站名单"]]
    assert "大智街道社工站" in names and "鸣凤镇社工站" not in names and "酒泉路街道社工站" not in names
    assert unquote(download["Content-Disposition"]).endswith(f"{job.result_name}")
    assert job.result_name.startswith("社工站名单-") and job.result_name.endswith(".xlsx")


def test_a_page_export_by_format_becomes_a_job_and_leads_back_to_the_page(client, settings, province_user, queued):
    client.force_login(province_user)
    url, data = reverse("workforce:deadline-list"), {"on": "2025-03-01", "format": "xlsx"}
    response = queued(client, url, data)
    job = Job.objects.get(user=province_user)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.title == "导出：资质期限预警" and job.params["page"] == f"{url}?on=2025-03-01"
    download = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    assert rows(download) == rows(direct_export(client, settings, url, data).content)
    # The page itself is no export: it is served as before.
    assert queued(client, url, {"on": "2025-03-01"}).status_code == 200
    assert Job.objects.filter(user=province_user).count() == 1


def test_a_county_users_export_stays_direct(client, hierarchy, province_user, queued):
    client.force_login(builders.county_user(hierarchy))
    response = queued(client, reverse("stations:station-export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [row[1] for row in rows(response.content)["社工站名单"]].count("大智街道社工站") == 1
    assert not Job.objects.exists()


def test_a_national_export_runs_as_a_job_for_every_province(client, hierarchy, province_user, queued):
    root = builders.superuser()
    client.force_login(root)
    queued(client, reverse("stations:station-export"))
    job = Job.objects.get(user=root)
    names = [row[1] for row in rows(b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content))
             ["社工站名单"]]
    assert {"大智街道社工站", "鸣凤镇社工站", "酒泉路街道社工站"} <= set(names)


def test_without_a_broker_a_province_export_is_served_at_once(client, settings, province_user):
    settings.CELERY_BROKER_URL = None
    client.force_login(province_user)
    response = client.get(reverse("stations:station-export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Job.objects.exists()


def test_an_export_the_user_may_not_have_fails_with_a_chinese_message(client, province_user, queued):
    client.force_login(province_user)
    queued(client, reverse("workforce:registry-export", args=["people"]))
    job = Job.objects.get(user=province_user)
    assert job.status == Job.Status.DONE  # a province official may export the registry
    queued(client, reverse("stations:coverage-export", args=["620000000000"]))  # Gansu: not theirs
    refused = Job.objects.filter(user=province_user).exclude(pk=job.pk).get()
    assert refused.status == Job.Status.FAILED and not refused.result_file
    assert refused.error == "导出未能完成：要导出的内容不存在，或不在您的管辖范围内。"


def test_the_export_job_is_not_queued_again_by_the_worker(client, province_user, queued, monkeypatch):
    started = []
    real_start = jobs.start
    monkeypatch.setattr(jobs, "start", lambda **kwargs: started.append(kwargs) or real_start(**kwargs))
    client.force_login(province_user)
    queued(client, reverse("stations:report-export"))
    assert len(started) == 1 and Job.objects.get().status == Job.Status.DONE


def test_a_broker_that_does_not_answer_leaves_the_export_queued(client, settings, province_user,
                                                                  django_capture_on_commit_callbacks, monkeypatch):
    from celery import current_app
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(current_app, "send_task", refuse)
    client.force_login(province_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("stations:station-export"))
    job = Job.objects.get(user=province_user)
    assert response.status_code == 302 and job.status == Job.Status.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and "data-job-status-url" in page


def test_an_export_job_runs_only_export_views(settings, province_user):
    settings.CELERY_BROKER_URL = None
    job = jobs.start(user=province_user, kind="export", title="导出：社工站", params={"path": "/stations/new/"})
    assert job.status == Job.Status.FAILED and not job.result_file
    assert job.error == "导出未能完成：要导出的内容不存在，或不在您的管辖范围内。"
