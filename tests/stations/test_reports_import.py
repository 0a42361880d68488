"""Paper reports loaded from Excel: preview, natural key station + month, all or nothing, scoped."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from stations.models import MonthlyReport, ReportStatus
from tests import builders
from tests.stations import report_builders as rb
from tests.stations.report_builders import fast_password_hasher  # noqa: F401

URL = reverse("stations:report-import")
LINES_URL = reverse("stations:report-line-import")
HEADER = ["乡镇代码", "社工站", "月份", "报送日期", "动员志愿者（人）", "志愿服务时长（小时）", "培育社区社会组织（个）",
          "链接慈善资金（元）", "链接慈善物资（实物）", "新建居民需求档案（份）", "社会资源库新增登记（条）",
          "社工参加培训（小时）", "工作亮点", "存在问题", "下月计划"]
LINE_HEADER = ["乡镇代码", "月份", "服务领域", "服务对象", "服务人次", "入户走访（户次）", "月初在案个案", "本月新开个案",
               "本月结案个案", "小组活动（节）", "社区活动（场）"]


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("月报.xlsx", buffer.getvalue())


def row(code, month="2026-10", received="2026-11-04", volunteers=5, charity="1250.50"):
    return [code, "", month, received, volunteers, 10, 0, charity, "米面油 20 份", 3, 2, 6, "敬老活动", "", ""]


@pytest.fixture
def h(hierarchy, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    h = hierarchy
    h.s1, h.s2, h.sb = builders.station(h.a1), builders.station(h.a2), builders.station(h.b1)
    h.county = builders.county_user(h)
    client.force_login(h.county)
    h.client = client
    with time_machine.travel(rb.at(2026, 11, 20), tick=False):
        yield h


def _import(client, url, rows):
    preview = client.post(url, {"file": xlsx(rows)})
    token = preview.context["token"]
    return preview, (client.post(url, {"token": token}) if token else None)


def test_import_creates_submitted_reports_with_the_receipt_date_then_lines(h):
    preview, done = _import(h.client, URL, [HEADER, row("420102002"), row("420102003000", received="2026-11-08")])
    assert "新增 <strong>2</strong>" in preview.content.decode()
    assert done.status_code == 302
    report = MonthlyReport.objects.get(station=h.s1, period=datetime.date(2026, 10, 1))
    assert report.status == ReportStatus.SUBMITTED and report.charity_yuan == Decimal("1250.50")
    assert report.first_submitted_at.date() == datetime.date(2026, 11, 4)
    assert report.history.first().history_user == h.county
    lines = [LINE_HEADER, ["420102002", "2026-10", "养老服务", "困难老人", 40, 12, 2, 1, 1, 2, 1],
             ["420102002", "2026-10", "儿童福利", "留守/困境儿童", 15, 4, 0, 0, 0, 1, 0]]
    _preview, done = _import(h.client, LINES_URL, lines)
    assert done.status_code == 302
    assert sorted(report.lines.values_list("target_group", "person_times")) == [("children", 15), ("elderly", 40)]
    # Re-importing the same file changes nothing and duplicates nothing.
    again, _ = _import(h.client, URL, [HEADER, row("420102002"), row("420102003000", received="2026-11-08")])
    assert "未变 <strong>2</strong>" in again.content.decode()
    assert MonthlyReport.objects.count() == 2


def test_one_bad_row_writes_nothing_and_says_where(h):
    rows = [HEADER, row("420102002"), row("420102003", volunteers=-3), row("420103001"), row("420102002", "2026-12")]
    preview, done = _import(h.client, URL, rows)
    text = preview.content.decode()
    assert done is None and MonthlyReport.objects.count() == 0
    assert "第 3 行" in text and "动员志愿者（人）" in text
    assert "找不到乡镇代码“420103001000”，或不在您的管辖范围内" in text  # county B's station
    assert "不能导入未来月份的报告" in text


def test_approved_reports_are_not_changed_by_import(h):
    head = rb.head(h.s1, "head1")
    rb.report(h.s1, head, datetime.date(2026, 10, 1), submit_at=rb.at(2026, 11, 2), approve_by=h.county)
    preview, done = _import(h.client, URL, [HEADER, row("420102002", volunteers=99)])
    assert done is None and "已审核通过，不能通过导入修改" in preview.content.decode()
    preview, done = _import(h.client, LINES_URL, [LINE_HEADER, ["420102002", "2026-10", "养老服务", "困难老人",
                                                                1, 1, 0, 0, 0, 0, 0]])
    assert done is None and "已审核通过，不能通过导入修改" in preview.content.decode()


def test_line_import_checks_cases_and_needs_the_report(h):
    _import(h.client, URL, [HEADER, row("420102002")])
    rows = [LINE_HEADER, ["420102002", "2026-10", "养老服务", "困难老人", 40, 12, 1, 0, 3, 0, 0],
            ["420102003", "2026-10", "养老服务", "困难老人", 1, 0, 0, 0, 0, 0, 0]]
    preview, done = _import(h.client, LINES_URL, rows)
    text = preview.content.decode()
    assert done is None
    assert "本月结案个案（3）不能多于月初在案个案与本月新开个案之和（1）" in text
    assert "还没有月报，请先导入月报主表" in text


def test_only_county_staff_import(h, client):
    client.force_login(rb.head(h.s1, "head1"))
    assert client.get(URL).status_code == 403


def test_import_page_and_template_list_the_columns(h):
    page = h.client.get(URL).content.decode()
    assert "导入纸质月报（主表）" in page and "报送日期" in page
    template = h.client.get(LINES_URL, {"template": "1"})
    header = next(load_workbook(BytesIO(template.content)).active.iter_rows(values_only=True))
    assert list(header) == LINE_HEADER
