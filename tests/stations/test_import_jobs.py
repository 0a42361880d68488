"""Imports through the page when a broker is configured: the upload answers at once, a job reads and
checks the file (the page shows its progress, then the preview), the confirmation is another job
that writes all rows or none; files wait in the shared storage, and a job is its user's alone."""

import datetime
import time
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core import jobs
from core.importing import discard_pending_imports
from core.importing.pending import pending_token
from core.importing.progress import ImportProgress
from core.importing.workbook import ERROR_RGB
from core.models import Job
from stations.models import Region, Role, Station
from stations.views.stations import RegionPopulationImportView
from tests import builders
from tests.import_jobs import pending_uploads, queued_imports_fixture, result_file  # noqa: F401

STATIONS = reverse("stations:station-import")
POPULATION = reverse("stations:region-population-import")
STATION_HEADER = ["区划代码", "类型", "站点名称", "地址", "场地面积（平方米）", "合署场所", "挂牌日期", "联系人", "联系电话",
                  "状态", "状态日期"]
POPULATION_HEADER = ["区划代码", "名称", "常住人口"]
EXPIRED = "导入已过期，请重新上传文件。"


def xlsx(rows, name="导入.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def stations_file():
    return xlsx([STATION_HEADER,
                 ["420102002", "乡镇（街道）社工站", "大智街道社工站", "大智路1号", 60, "", "2022-03-01", "王", "", "运营",
                  "2022-03-01"],
                 ["420102003000", "", "一元街道社工站", "", "45.5", "", datetime.date(2023, 5, 1), "", "", "试点", ""]])


def population_file(*rows):
    return xlsx([POPULATION_HEADER, *(rows or (["420102002000", "大智街道", 52000], ["420102003000", "一元街道", 31000],
                                               ["420102101000", "谌家矶镇", 18000]))])


@pytest.fixture
def county(client, hierarchy):
    client.force_login(builders.county_user(hierarchy))
    return client


def upload(queued, client, url, file):
    """Upload a file; returns the redirect and the preview job it started (and ran)."""
    response = queued.send(lambda: client.post(url, {"file": file}))
    job = Job.objects.filter(kind="import.preview").latest("created_at")
    assert response.status_code == 302 and response["Location"] == f"{url}?job={job.pk}"
    return response, job


def confirm(queued, client, url, preview):
    response = queued.send(lambda: client.post(f"{url}?job={preview.pk}", {"job": str(preview.pk)}))
    assert response.status_code == 302
    return response


def test_a_station_file_is_previewed_then_imported_by_jobs_through_the_shared_storage(
        queued_imports, county, hierarchy, tmp_path):
    response, preview = upload(queued_imports, county, STATIONS, stations_file())
    assert preview.status == Job.Status.DONE and preview.title == "导入社工站：检查“导入.xlsx”"
    page = county.get(response["Location"]).content.decode()
    assert "新增 <strong>2</strong>" in page and "确认导入</button>" in page
    assert "2023年5月1日" in page  # a date cell as the page writes dates
    assert f'name="job" value="{preview.pk}"' in page
    assert not Station.objects.exists()  # the preview wrote nothing
    token = pending_token(preview.input_file)  # the upload, and the rows its preview read, for the confirmation
    assert sorted(pending_uploads()) == [f"{token}.json", preview.input_file.removeprefix("imports/")]
    assert not (tmp_path / "local-disk").exists()  # nothing on this machine's disk

    response = confirm(queued_imports, county, STATIONS, preview)
    job = Job.objects.get(kind="import.confirm")
    assert response["Location"] == f"{STATIONS}?job={job.pk}"
    page = county.get(response["Location"]).content.decode()
    assert "导入完成：新增 2 行。" in page and f'href="{reverse("stations:station-list")}"' in page
    assert set(Station.objects.values_list("region", "name")) == {(hierarchy.a1.pk, "大智街道社工站"),
                                                                 (hierarchy.a2.pk, "一元街道社工站")}
    assert pending_uploads() == []  # the confirmed file is deleted
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 2, 2)


def test_the_upload_answers_without_reading_the_file_and_the_page_shows_the_job_running(
        queued_imports, county, monkeypatch):
    def unread(*args, **kwargs):
        raise AssertionError("the upload request read the workbook")

    monkeypatch.setattr("core.importing.views.read_workbook", unread)
    response = county.post(POPULATION, {"file": population_file()})  # its job is not run: no commit here
    job = Job.objects.get()
    assert response["Location"] == f"{POPULATION}?job={job.pk}" and job.status == Job.Status.QUEUED
    page = county.get(response["Location"]).content.decode()
    assert 'class="job-progress' in page and "正在读取并检查文件" in page and "确认导入</button>" not in page


def test_progress_moves_through_reading_checking_and_importing_and_ends_at_the_row_count(
        queued_imports, county, hierarchy):
    _response, preview = upload(queued_imports, county, POPULATION, population_file())
    confirm(queued_imports, county, POPULATION, preview)
    job = Job.objects.get(kind="import.confirm")
    steps = [(done, total) for job_id, done, total in queued_imports.steps if job_id == job.pk]
    dones = [done for done, _total in steps]
    assert {total for _done, total in steps} == {3}
    assert dones == sorted(dones) and 0 < dones[len(dones) // 2] < 3  # forward, through the middle
    assert dones.index(3) == len(dones) - 1  # the whole bar only once the last row is written
    assert cache.get(f"job-progress:{job.pk}")["done"] == 3
    assert (job.done, job.total) == (3, 3)
    assert Region.objects.get(code="420102101000").population == 18000


def test_a_file_with_bad_rows_lists_them_and_offers_the_marked_workbook(queued_imports, county):
    file = population_file(["420102002000", "大智街道", 52000], ["420102003000", "一元街道", "很多"])
    response, preview = upload(queued_imports, county, POPULATION, file)
    page = county.get(response["Location"]).content.decode()
    assert "第 3 行" in page and "常住人口：" in page and "确认导入</button>" not in page
    marked = load_workbook(BytesIO(result_file(county, preview, page))).active
    assert marked["C3"].fill.fgColor.rgb == ERROR_RGB and marked["C2"].fill.fgColor.rgb != ERROR_RGB
    assert pending_uploads() == []  # nothing to confirm: the upload is not kept
    refused = county.post(POPULATION, {"job": str(preview.pk)}, follow=True)
    assert EXPIRED in refused.content.decode() and not Job.objects.filter(kind="import.confirm").exists()
    assert Region.objects.get(code="420102002000").population is None


def test_file_and_header_problems_are_found_by_the_job_and_shown_on_the_page(queued_imports, county, monkeypatch):
    monkeypatch.setattr(RegionPopulationImportView, "max_rows", 2)
    response, preview = upload(queued_imports, county, POPULATION, population_file())
    assert preview.status == Job.Status.FAILED
    page = county.get(response["Location"]).content.decode()
    assert "文件超过 2 行，请拆分后再导入。" in page and 'type="file"' in page
    response, _preview = upload(queued_imports, county, POPULATION, xlsx([["区划代码", "名称"], ["420102002000", "大智街道"]]))
    assert "缺少列：常住人口" in county.get(response["Location"]).content.decode()
    assert pending_uploads() == []


def test_a_row_that_became_invalid_since_the_preview_fails_the_import_whole(queued_imports, county, hierarchy):
    _response, preview = upload(queued_imports, county, STATIONS, stations_file())
    builders.station(hierarchy.a1)  # someone registers 大智街道's station meanwhile
    response = confirm(queued_imports, county, STATIONS, preview)
    job = Job.objects.get(kind="import.confirm")
    assert job.status == Job.Status.FAILED and "未导入任何数据" in job.error
    page = county.get(response["Location"]).content.decode()
    assert "大智街道已有乡镇（街道）社工站" in page and "确认导入</button>" not in page
    assert Station.objects.count() == 1 and pending_uploads() == []


def test_a_preview_is_confirmed_once(queued_imports, county):
    _response, preview = upload(queued_imports, county, POPULATION, population_file())
    first = confirm(queued_imports, county, POPULATION, preview)
    again = confirm(queued_imports, county, POPULATION, preview)
    assert first["Location"] == again["Location"] and Job.objects.filter(kind="import.confirm").count() == 1


def test_another_users_or_another_pages_or_an_unfinished_preview_is_refused(queued_imports, county, hierarchy):
    _response, preview = upload(queued_imports, county, POPULATION, population_file())
    # The same county's other user: the job is not theirs to see or to confirm.
    other = Client()
    other.force_login(builders.user("county_a2", Role.COUNTY, hierarchy.county_a))
    assert other.get(f"{POPULATION}?job={preview.pk}").status_code == 404
    refused = queued_imports.send(lambda: other.post(POPULATION, {"job": str(preview.pk)}, follow=True))
    assert EXPIRED in refused.content.decode()
    # Its own user, on another import page, or with no such job.
    client = county
    assert client.get(f"{STATIONS}?job={preview.pk}").status_code == 404
    assert client.get(f"{POPULATION}?job=nonsense").status_code == 404
    for url, job_id in ((STATIONS, preview.pk), (POPULATION, "nonsense")):
        refused = queued_imports.send(lambda url=url, job_id=job_id: client.post(url, {"job": str(job_id)}, follow=True))
        assert EXPIRED in refused.content.decode()
    # A preview still running.
    client.post(POPULATION, {"file": population_file()})
    running = Job.objects.get(status=Job.Status.QUEUED)
    refused = client.post(POPULATION, {"job": str(running.pk)}, follow=True)
    assert EXPIRED in refused.content.decode()
    assert not Job.objects.filter(kind="import.confirm").exists()
    assert not Region.objects.exclude(population=None).exists()


def test_an_upload_discarded_as_too_old_cannot_be_confirmed(queued_imports, county):
    _response, preview = upload(queued_imports, county, POPULATION, population_file())
    assert discard_pending_imports(now=time.time() + 25 * 3600) == 1 and pending_uploads() == []
    refused = queued_imports.send(lambda: county.post(POPULATION, {"job": str(preview.pk)}, follow=True))
    assert EXPIRED in refused.content.decode() and not Job.objects.filter(kind="import.confirm").exists()


def test_without_a_broker_the_page_answers_in_the_request_and_keeps_files_in_the_default_storage(
        county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "local-disk"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    assert not jobs.queued()
    preview = county.post(POPULATION, {"file": population_file()})
    assert "更新 <strong>3</strong>" in preview.content.decode()
    assert sorted(pending_uploads()) == [f"{preview.context['token']}.json", f"{preview.context['token']}.xlsx"]
    assert county.post(POPULATION, {"token": preview.context["token"]}).status_code == 302
    assert Region.objects.get(code="420102002000").population == 52000
    assert pending_uploads() == [] and not (tmp_path / "local-disk").exists() and not Job.objects.exists()
    assert default_storage.listdir("")[0] == ["imports"]


class Bar:
    """What core.jobs.Progress would write: the total, and every count shown."""

    def __init__(self):
        self.total, self.shown = 0, []

    def set_total(self, total):
        self.total = total

    def advance(self, done=None, *, step=1):
        self.shown.append(done)


def test_the_bar_of_a_bulk_import_moves_while_reading_checking_and_writing_batches():
    bar = Bar()
    steps = ImportProgress(bar, confirm=True)
    steps.begin()
    for read in (200, 400):
        steps.reading(read, 600)  # the sheet states 600 rows
    steps.read(590)
    assert bar.total == 590 and bar.shown[-1] == 590 // 3
    steps.begin()
    for _row in range(590):
        steps.advance()
    assert bar.shown[-1] == 2 * 590 // 3  # every row checked: the writing is still to come
    for written in range(1000, 1180, 60):
        steps.writing(written, 1180)  # the stations, then their status changes, in batches
    assert bar.shown[-1] < 590
    steps.writing(1180, 1180)
    assert bar.shown == sorted(bar.shown) and bar.shown[-1] == 590 and bar.shown.count(590) == 1


def test_a_bulk_import_tells_each_batch_it_writes(queued_imports, county, monkeypatch):
    told = []
    writing = ImportProgress.writing
    monkeypatch.setattr(ImportProgress, "writing", lambda steps, done, total: (told.append((done, total)),
                                                                               writing(steps, done, total)))
    monkeypatch.setattr("stations.services.stations.BULK_BATCH", 1)
    _response, preview = upload(queued_imports, county, STATIONS, stations_file())
    confirm(queued_imports, county, STATIONS, preview)
    assert told == [(1, 4), (2, 4), (3, 4), (4, 4)]  # two stations, then their two status changes
    assert Station.objects.count() == 2 and Job.objects.get(kind="import.confirm").done == 2


def test_reading_a_big_file_is_told_of_rows_read_out_of_the_sheets_stated_size():
    from core.importing import read_workbook

    told = []
    rows = [POPULATION_HEADER, *([f"4201020{n:05d}", "某街道", n] for n in range(450))]
    data = xlsx(rows).read()
    dataset = read_workbook(data, filename="x.xlsx", columns=POPULATION_HEADER,
                            on_rows=lambda read, expected: told.append((read, expected)))
    assert len(dataset) == 450 and told == [(200, 450), (400, 450)]


def test_the_confirm_job_checks_the_rows_its_preview_read_and_refuses_a_station_registered_meanwhile(
        queued_imports, county, hierarchy, monkeypatch):
    from core.importing import files, views
    _response, preview = upload(queued_imports, county, STATIONS, stations_file())
    assert preview.status == Job.Status.DONE

    def no_second_read(*args, **kwargs):
        raise AssertionError("the workbook is read again")

    monkeypatch.setattr(views, "read_workbook", no_second_read)
    monkeypatch.setattr(files, "read_workbook", no_second_read)
    meanwhile = builders.station(hierarchy.a1, name="别人登记的站点")
    confirm(queued_imports, county, STATIONS, preview)
    job = Job.objects.get(kind="import.confirm")
    assert job.status == Job.Status.FAILED and job.error == "文件存在问题，未导入任何数据。请修改后重新上传。"
    assert any("别人登记的站点" in error for row in job.result["error_rows"] for error in row["errors"])
    assert list(Station.objects.all()) == [meanwhile] and pending_uploads() == []


def test_the_confirm_job_writes_the_rows_its_preview_read_without_reading_the_file_again(
        queued_imports, county, hierarchy, monkeypatch):
    from core.importing import files, views
    _response, preview = upload(queued_imports, county, STATIONS, stations_file())

    def no_second_read(*args, **kwargs):
        raise AssertionError("the workbook is read again")

    monkeypatch.setattr(views, "read_workbook", no_second_read)
    monkeypatch.setattr(files, "read_workbook", no_second_read)
    confirm(queued_imports, county, STATIONS, preview)
    job = Job.objects.get(kind="import.confirm")
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 2, 2)
    assert Station.objects.get(region=hierarchy.a2).opened_on == datetime.date(2023, 5, 1)
