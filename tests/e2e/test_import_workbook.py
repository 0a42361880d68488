"""A county official imports stations from a file with three bad rows: the page lists every
problem, the returned workbook marks each bad cell with its message, and once those cells are
corrected the same workbook imports."""

import datetime
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

from core.importing.workbook import ERROR_RGB
from stations.models import Role, Station
from tests import builders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = ["站点编号", "区划代码", "类型", "站点名称", "地址", "场地面积（平方米）", "合署场所", "挂牌日期", "联系人",
          "联系电话", "状态", "状态日期"]
ROWS = [
    ["", "420102002", "", "大智街道社工站", "大智路1号", 60, "党群服务中心", "2022-03-01", "王丽", "", "运营", ""],
    ["", "420102003", "", "一元街道社工站", "", "八十", "楼上", "2022-05-01", "", "", "运营", ""],  # 2 bad cells
    ["", "420102101", "乡镇（街道）社工站", "谌家矶镇社工站", "", 45, "", "2023年13月1日", "", "", "营业中", ""],  # 2
    ["", "420102999", "", "无此街道社工站", "", 30, "", "", "", "", "试点", ""],  # 1
]
# (row, column) of each bad cell, a fragment of its message, and the value that corrects it
BAD_CELLS = {
    (3, 6): ("“八十”不是有效的数字", 80),
    (3, 7): ("“楼上”不在可选范围内", "便民服务中心"),
    (4, 8): ("不是有效日期", datetime.date(2023, 1, 15)),  # typed as a date: Excel stores it as one
    (4, 11): ("“营业中”不在可选范围内", "试点"),
    (5, 2): ("找不到区划“420102999000”", "420102001"),
}


def test_a_county_official_fixes_the_returned_workbook_and_imports_it(page: Page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    h = builders.build_hierarchy()
    from stations.models import Region, RegionLevel
    Region.objects.create(code="420102001000", name="车站街道", level=RegionLevel.TOWNSHIP, parent=h.county_a)
    builders.user("jiangan", Role.COUNTY, h.county_a)
    book = Workbook()
    for row in [HEADER, *ROWS]:
        book.active.append(row)
    first = tmp_path / "社工站.xlsx"
    book.save(first)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("jiangan")
    page.get_by_label("密码").fill(builders.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{live_server.url}/stations/import/")
    expect(page.get_by_text("正在检查文件，请稍候…")).to_be_hidden()
    page.locator("input[type=file]").set_input_files(first)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("heading", name="文件有 3 行存在问题，未导入任何数据。请修改后重新上传。")).to_be_visible()
    errors = page.locator("table.errors")
    for row, _column in BAD_CELLS:
        expect(errors).to_contain_text(f"第 {row} 行")
    expect(errors.locator("div.error")).to_have_count(len(BAD_CELLS))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载标注了错误的文件").click()
    returned = tmp_path / "returned.xlsx"
    download_info.value.save_as(returned)
    marked = load_workbook(returned)
    sheet = marked.active
    assert sheet.cell(1, len(HEADER) + 1).value == "错误说明"
    highlighted = {(cell.row, cell.column) for row in sheet.iter_rows(min_row=2) for cell in row
                   if cell.fill.fgColor.rgb == ERROR_RGB and cell.column <= len(HEADER)}
    assert highlighted == set(BAD_CELLS)
    for (row, column), (message, correction) in BAD_CELLS.items():
        cell = sheet.cell(row, column)
        assert message in cell.comment.text and message in sheet.cell(row, len(HEADER) + 1).value
        cell.value = correction
    assert sheet.cell(2, len(HEADER) + 1).value is None  # the good row has no note
    buffer = BytesIO()
    marked.save(buffer)
    fixed = tmp_path / "社工站-改正.xlsx"
    fixed.write_bytes(buffer.getvalue())

    page.locator("input[type=file]").set_input_files(fixed)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("heading", name="预览")).to_be_visible()
    expect(page.get_by_text("新增 4 行")).to_be_visible()
    busy = page.get_by_text("正在导入，请勿关闭页面…")
    expect(busy).to_be_hidden()
    expect(page.locator("table.preview")).to_contain_text("2023年1月15日")
    expect(page.locator("table.preview")).not_to_contain_text("00:00")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("导入完成：新增 4 行。")).to_be_visible()
    assert set(Station.objects.values_list("name", flat=True)) == {
        "大智街道社工站", "一元街道社工站", "谌家矶镇社工站", "无此街道社工站"}
    assert Station.objects.get(region__code="420102003000").co_location == "convenience_centre"
