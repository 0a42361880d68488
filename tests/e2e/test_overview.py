"""A county official's morning in headless Chromium: the home page says what needs attention,
"reports missing" leads to the stations that have not filed, and the quarterly report for the
city downloads as a workbook that opens in openpyxl with every expected sheet."""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from core.dates import month_start
from stations.models import Role
from tests import builders
from tests.stations import report_builders as rb

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHEETS = ["概况", "社工站", "覆盖率", "合同与资金", "人员", "服务数据", "月报报送", "评估"]


def test_county_user_follows_reports_missing_and_downloads_the_quarterly_workbook(page: Page, live_server):
    h = builders.build_hierarchy()
    filed = builders.station(h.a1, name="大智街道社工站")
    builders.station(h.a2, name="一元街道社工站")
    builders.station(h.b1, name="民族街社工站")  # another county: never counted here
    last_month = month_start(month_start(timezone.localdate()) - datetime.timedelta(days=1))
    rb.report(filed, rb.head(filed), last_month, submit_at=timezone.localtime())
    builders.user("xianju", Role.COUNTY, h.county_a)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("xianju")
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    missing = page.locator('[data-alert="reports_missing"]')
    expect(missing.locator(".count")).to_have_text("1")

    missing.get_by_role("link").click()
    expect(page.locator('[data-kpi="missing"]')).to_have_text("1")
    table = page.locator("table.missing tbody")
    expect(table.locator("tr")).to_have_count(1)
    expect(table).to_contain_text("一元街道社工站")
    expect(page.locator("body")).not_to_contain_text("民族街社工站")

    page.get_by_role("link", name="首页", exact=True).click()
    page.get_by_role("link", name="季度报告（报市）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("江岸区")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Excel 报告").click()
    download = download_info.value
    assert download.suggested_filename.startswith("江岸区") and download.suggested_filename.endswith(".xlsx")
    book = load_workbook(BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames == SHEETS
    stations_sheet = "\n".join(str(cell) for row in book["社工站"].iter_rows(values_only=True) for cell in row)
    assert "大智街道社工站" in stations_sheet and "民族街社工站" not in stations_sheet
