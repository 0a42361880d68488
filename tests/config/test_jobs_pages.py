"""我的任务: the list, a job's page, its status for the progress bar and its file, each only for the
user who started the job."""

import re

import pytest
from django.urls import reverse

from core import jobs
from core.models import Job
from tests import builders

PROBES = []


@jobs.runner("tests.probe")
def run_probe(job, progress):
    """A job that runs whatever the test asks, while it is running (see :func:`start_probe`)."""
    return PROBES.pop()(job, progress)


def start_probe(user, probe, title="导入社工站"):
    PROBES.append(probe)
    return jobs.start(user=user, kind="tests.probe", title=title)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_BROKER_URL = None  # in-process: the job has run when start() returns
    return tmp_path


@pytest.fixture
def people(hierarchy):
    return {"a": builders.county_user(hierarchy), "b": builders.county_user(hierarchy, "county_b", hierarchy.county_b)}


def workbook_job(user):
    return start_probe(user, lambda job, progress: jobs.Outcome(
        result={"summary": "文件已生成：社工站名单.xlsx"}, file=("社工站名单.xlsx", b"PK-workbook")), title="导出：社工站名单")


def test_a_job_and_its_file_are_its_users_alone(client, people):
    job = workbook_job(people["a"])
    client.force_login(people["b"])
    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert "导出：社工站名单" not in client.get(reverse("jobs:list")).content.decode()

    client.force_login(people["a"])
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"PK-workbook"
    assert "attachment" in download["Content-Disposition"] and "%E7%A4%BE" in download["Content-Disposition"]
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "文件已生成：社工站名单.xlsx" in page and reverse("jobs:download", args=[job.pk]) in page


def test_an_administrator_does_not_see_other_peoples_jobs_on_the_job_pages(client, people):
    job = workbook_job(people["a"])
    client.force_login(builders.superuser())
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_the_status_while_running_gives_rows_done_of_total_and_the_share(client, people, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_EVERY_SECONDS", 0)
    client.force_login(people["a"])
    seen = {}

    def probe(job, progress):
        progress.set_total(200)
        progress.advance(50)
        seen["status"] = client.get(reverse("jobs:status", args=[job.pk])).json()
        seen["list"] = client.get(reverse("jobs:list")).content.decode()
        seen["detail"] = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
        return jobs.Outcome(result={"summary": "导入完成：新增 200 个社工站。"})

    job = start_probe(people["a"], probe)
    assert seen["status"] == {"status": "running", "status_label": "进行中", "done": 50, "total": 200, "percent": 25,
                              "error": "", "finished": False, "url": reverse("jobs:detail", args=[job.pk])}
    bar = re.search(r'<div class="job-progress" data-job-status-url="([^"]+)" data-job-reload[^>]*>\s*'
                    r'<progress max="200" value="50">', seen["list"])
    assert bar and bar.group(1) == reverse("jobs:status", args=[job.pk])
    assert "已处理 <span data-job-done>50</span> / 共 <span data-job-total>200</span> 行" in seen["detail"]
    assert 'src="/static/js/jobs.js"' in seen["detail"]

    finished = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (finished["status"], finished["done"], finished["percent"], finished["finished"]) == ("done", 200, 100, True)
    listing = client.get(reverse("jobs:list")).content.decode()
    assert "导入完成：新增 200 个社工站。" in listing and "200 / 200" in listing and "<progress" not in listing


def test_a_failed_job_shows_its_chinese_error_and_offers_no_file(client, people):
    job = start_probe(people["a"], lambda job, progress: jobs.Outcome(error="第 3 行：身份证号码格式不正确。"))
    client.force_login(people["a"])
    listing = client.get(reverse("jobs:list")).content.decode()
    row = re.search(rf'<tr data-job="{job.pk}">.*?</tr>', listing, re.S).group(0)
    assert "失败" in row and '<span class="error">第 3 行：身份证号码格式不正确。</span>' in row
    assert "下载" not in row
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "第 3 行：身份证号码格式不正确。" in detail and "data-job-status-url" not in detail


def test_a_runner_that_breaks_leaves_a_chinese_message_not_an_internal_one(client, people):
    def probe(job, progress):
        raise RuntimeError("KeyError: 'region_id'")

    job = start_probe(people["a"], probe)
    client.force_login(people["a"])
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["status"] == "failed" and status["error"].startswith("任务未能完成")
    assert "KeyError" not in client.get(reverse("jobs:list")).content.decode()


def test_the_list_is_newest_first_twenty_a_page_with_dates_as_the_product_writes_them(client, people):
    for number in range(23):
        start_probe(people["a"], lambda job, progress: jobs.Outcome(), title=f"任务{number:02d}")
    client.force_login(people["a"])
    first = client.get(reverse("jobs:list")).content.decode()
    titles = re.findall(r">(任务\d\d)</a>", first)
    assert titles == [f"任务{n:02d}" for n in range(22, 2, -1)]
    assert "第 1 / 2 页" in first and re.search(r"<td>\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d</td>", first)
    second = client.get(reverse("jobs:list"), {"page": 2}).content.decode()
    assert re.findall(r">(任务\d\d)</a>", second) == ["任务02", "任务01", "任务00"]


def test_empty_list_says_what_will_appear_there(client, people):
    client.force_login(people["a"])
    page = client.get(reverse("jobs:list")).content.decode()
    assert "还没有任务。" in page and "<table" not in page


def test_the_job_page_leads_back_only_to_a_page_of_the_product(client, people):
    client.force_login(people["a"])
    job = workbook_job(people["a"])
    for page, shown in (("/stations/?status=operating", True), ("https://evil.example/", False),
                        ("//evil.example/", False)):
        Job.objects.filter(pk=job.pk).update(params={"page": page})
        content = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
        assert (f'href="{page.replace("&", "&amp;")}"' in content) is shown, page


def test_a_job_page_asks_for_sign_in(client, people):
    job = workbook_job(people["a"])
    response = client.get(reverse("jobs:status", args=[job.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_admin_lists_jobs_read_only_for_superusers(client, people):
    job = workbook_job(people["a"])
    client.force_login(builders.superuser())
    listing = client.get(reverse("admin:core_job_changelist"))
    assert listing.status_code == 200 and "导出：社工站名单" in listing.content.decode()
    change = client.get(reverse("admin:core_job_change", args=[job.pk])).content.decode()
    assert 'name="_save"' not in change
    assert client.post(reverse("admin:core_job_delete", args=[job.pk]), {"post": "yes"}).status_code == 403
    assert Job.objects.filter(pk=job.pk).exists()
    staff = builders.user("staff_province", "province", people["a"].region.parent.parent, is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:core_job_changelist")).status_code in (302, 403)
