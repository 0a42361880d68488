"""A job's page in Chromium: the bar moves as rows are done without reloading the page, a server
that does not answer for a while is waited for with a note, and the result shows when the job ends."""

import pytest
from playwright.sync_api import Page, expect

from core import jobs
from core.models import Job
from tests import builders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STEP = {}


class WorkerLost(BaseException):
    """The worker that claimed the job is gone; the job stays running until it is run again."""


@jobs.runner("tests.browser-import")
def run_browser_import(job, progress):
    if STEP.get("lose"):
        raise WorkerLost
    return jobs.Outcome(result={"summary": "导入完成：新增 400 个社工站。"})


@pytest.fixture
def running_job(settings, tmp_path, hierarchy, monkeypatch):
    """County A's staff member's import, claimed by a worker and under way."""
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # queued: nothing runs it in the request
    monkeypatch.setattr(jobs, "send", lambda job: (lambda job_id: None)(str(job.pk)))
    monkeypatch.setattr(jobs, "PROGRESS_EVERY_SECONDS", 0)  # every advance is written at once
    user = builders.county_user(hierarchy)
    job = jobs.start(user=user, kind="tests.browser-import", title="导入社工站", params={"page": "/stations/import/"})
    STEP["lose"] = True
    with pytest.raises(WorkerLost):
        jobs.execute(job.pk)
    STEP.clear()
    progress = jobs.Progress(Job.objects.get(pk=job.pk))
    progress.set_total(400)
    return user, job, progress


def log_in(page: Page, base: str, username: str):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def test_the_bar_moves_and_the_result_shows_when_the_job_ends(page: Page, live_server, running_job):
    user, job, progress = running_job
    progress.advance(100)
    problems = []
    page.add_init_script('document.addEventListener("securitypolicyviolation", e => console.error("CSP " + '
                         'e.violatedDirective));')
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    box = page.locator(".job-progress")
    expect(box).to_contain_text("已处理 100 / 共 400 行")
    page.evaluate("window.__samePage = true")

    progress.advance(300)
    expect(box).to_contain_text("已处理 300 / 共 400 行")
    assert page.locator("progress").evaluate("bar => [bar.value, bar.max]") == [300, 400]
    assert page.evaluate("window.__samePage") is True  # no reload while it runs

    jobs.execute(job.pk)  # run again after the lost worker: it finishes
    expect(page.get_by_text("导入完成：新增 400 个社工站。")).to_be_visible()
    assert page.evaluate("window.__samePage") is None  # reloaded once, to show the result
    expect(page.locator(".job-progress")).to_have_count(0)
    expect(page.get_by_role("link", name="返回原页面")).to_have_attribute("href", "/stations/import/")
    assert not [p for p in problems if "favicon" not in p]


def test_a_server_that_stops_answering_is_waited_for_then_polling_resumes(page: Page, live_server, running_job):
    user, job, progress = running_job
    log_in(page, live_server.url, user.username)
    refused = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort("connectionrefused")

    page.route("**/status/", refuse)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    note = page.locator("[data-job-note]")
    expect(note).to_have_text("连接中断，正在重试…")
    page.wait_for_timeout(3500)
    assert len(refused) == 2  # waits longer after each failure (2 s, then 4 s): not every second

    page.unroute("**/status/")
    progress.advance(200)
    expect(page.locator(".job-progress")).to_contain_text("已处理 200 / 共 400 行", timeout=10_000)
    expect(note).to_have_text("")
