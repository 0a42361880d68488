"""Imports that teach: every problem of a row at once, each tied to its column; the upload
returned with its bad cells marked; a template with a 说明 sheet and drop-down lists."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from tablib import Dataset

from core.importing import run_import
from core.importing.workbook import ERROR_RGB
from stations.models import Station
from stations.resources import StationResource
from tests import builders

URL = "/stations/import/"
HEADER = ["站点编号", "区划代码", "类型", "站点名称", "地址", "场地面积（平方米）", "合署场所", "挂牌日期", "联系人",
          "联系电话", "状态", "状态日期"]
GOOD = ["", "420102002", "乡镇（街道）社工站", "大智街道社工站", "大智路1号", 60, "党群服务中心", "2022-03-01", "王",
        "", "运营", "2022-03-01"]
NINE_PROBLEMS = ["十二", "420102999", "社工大楼", "", "", "八十", "楼上", "昨天", "", "", "营业中", "明年"]


def xlsx_bytes(rows, *, title_lines=()):
    book = Workbook()
    sheet = book.active
    for line in title_lines:
        sheet.append(line)
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data, name="社工站.xlsx"):
    return SimpleUploadedFile(name, data)


@pytest.fixture
def county_client(client, hierarchy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(builders.county_user(hierarchy))
    return client


def test_a_row_with_nine_problems_reports_all_nine_each_with_its_column(hierarchy):
    user = builders.county_user(hierarchy)
    report = run_import(StationResource(user=user), Dataset(GOOD, NINE_PROBLEMS, headers=HEADER), user=user,
                        dry_run=True)
    assert [row.excel_row for row in report.error_rows] == [3]
    problems = report.error_rows[0].problems
    assert sorted(column for column, _message in problems) == sorted(
        ["站点编号", "区划代码", "类型", "站点名称", "场地面积（平方米）", "合署场所", "挂牌日期", "状态", "状态日期"])
    messages = dict(problems)
    assert messages["区划代码"] == "找不到区划“420102999000”，或不在您的管辖范围内。"
    assert messages["场地面积（平方米）"] == "“八十”不是有效的数字。"
    assert "“营业中”不在可选范围内" in messages["状态"]
    assert "站点名称：" in " ".join(report.error_rows[0].errors)


def test_a_new_row_in_a_division_that_has_a_station_is_refused_naming_its_code(county_client, hierarchy):
    existing = builders.station(hierarchy.a1, name="大智街道社工站")
    page = county_client.post(URL, {"file": upload(xlsx_bytes([GOOD]))}).content.decode()
    assert "未导入任何数据" in page and "更新 <strong>" not in page
    assert (f"区划代码：大智街道已有乡镇（街道）社工站“大智街道社工站”（站点编号 {existing.pk}）" in page
            and f"请在“站点编号”列填写 {existing.pk}" in page)
    assert Station.objects.count() == 1


def test_the_preview_shows_dates_as_dates(county_client, hierarchy):
    row = list(GOOD)
    row[7] = datetime.datetime(2026, 11, 10)
    page = county_client.post(URL, {"file": upload(xlsx_bytes([row]))}).content.decode()
    assert "2026年11月10日" in page and "00:00" not in page


def test_the_returned_workbook_marks_each_bad_cell_and_imports_once_fixed(county_client, hierarchy):
    bad_area, bad_status = list(GOOD), ["", "420102003", "", "一元街道社工站", "", 10, "", "", "", "", "营业中", ""]
    bad_area[5] = "八十"
    data = xlsx_bytes([bad_area, bad_status], title_lines=[["江岸区社工站名单"]])
    preview = county_client.post(URL, {"file": upload(data)})
    assert preview.context["token"] is None
    token = preview.context["marked_token"]
    assert f'href="?marked={token}"' in preview.content.decode()

    returned = county_client.get(URL, {"marked": token})
    assert returned["Content-Disposition"].endswith("%E9%94%99%E8%AF%AF%E6%A0%87%E6%B3%A8.xlsx")  # 错误标注.xlsx
    sheet = load_workbook(BytesIO(returned.content)).active
    assert sheet.cell(2, 13).value == "错误说明"  # after the last column, on the header row below the title
    area, status = sheet.cell(3, 6), sheet.cell(4, 11)
    for cell, message in ((area, "“八十”不是有效的数字。"), (status, "“营业中”不在可选范围内")):
        assert cell.fill.fgColor.rgb == ERROR_RGB and message in cell.comment.text
    assert "场地面积（平方米）：“八十”不是有效的数字。" in sheet.cell(3, 13).value
    assert sheet.cell(3, 2).fill.fgColor.rgb != ERROR_RGB  # a good cell of a bad row stays as it was

    area.value, status.value = 80, "运营"
    buffer = BytesIO()
    sheet.parent.save(buffer)
    again = county_client.post(URL, {"file": upload(buffer.getvalue())})
    assert again.context["token"] and "新增 <strong>2</strong>" in again.content.decode()
    county_client.post(URL, {"token": again.context["token"]})
    assert set(Station.objects.values_list("name", flat=True)) == {"大智街道社工站", "一元街道社工站"}


def test_a_csv_comes_back_as_a_workbook_with_the_same_row_numbers(county_client, hierarchy):
    text = ",".join(HEADER) + "\n" + ",".join(str(v) for v in GOOD) + "\n\n" + ",".join(
        ["", "420102003", "", "一元街道社工站", "", "-5", "", "", "", "", "", ""]) + "\n"
    preview = county_client.post(URL, {"file": upload(text.encode(), "社工站.csv")})
    sheet = load_workbook(BytesIO(county_client.get(URL, {"marked": preview.context["marked_token"]}).content)).active
    assert sheet.cell(4, 4).value == "一元街道社工站" and sheet.cell(4, 6).fill.fgColor.rgb == ERROR_RGB
    assert sheet.cell(4, 13).value.startswith("场地面积（平方米）：")


def test_another_users_marked_workbook_cannot_be_fetched(county_client, client, hierarchy, settings):
    bad = list(GOOD)
    bad[5] = "八十"
    token = county_client.post(URL, {"file": upload(xlsx_bytes([bad]))}).context["marked_token"]
    from django.test import Client
    other = Client()
    other.force_login(builders.county_user(hierarchy, name="county_b", county=hierarchy.county_b))
    refused = other.get(URL, {"marked": token})
    assert refused.status_code == 302 and refused["Content-Type"].startswith("text/html")


def test_the_template_explains_each_column_and_offers_drop_down_lists(county_client, hierarchy):
    book = load_workbook(BytesIO(county_client.get(URL, {"template": 1}).content))
    assert book.sheetnames == ["社工站", "说明", "可选值"] and book["可选值"].sheet_state == "hidden"
    data = book["社工站"]
    assert [c.value for c in data[1]] == HEADER
    lists = {str(v.sqref).split(":")[0][0]: v for v in data.data_validations.dataValidation}
    assert set(lists) == {"C", "G", "K"}  # 类型, 合署场所, 状态
    options = book["可选值"]
    status_range = lists["K"].formula1.split("!")[1].replace("$", "")
    assert [c.value for row in options[status_range] for c in row] == ["筹建", "试点", "运营", "暂停", "关闭"]
    notes = {row[0]: row for row in book["说明"].iter_rows(values_only=True) if row[0] in HEADER}
    assert set(notes) == set(HEADER)
    assert notes["挂牌日期"][2].startswith("日期") and notes["站点名称"][4] == "必填"
    assert notes["状态"][3] == "筹建、试点、运营、暂停、关闭" and notes["区划代码"][5] == "420102002000"

    # Uploaded as it is, the template has no data row: its example is not imported.
    buffer = BytesIO()
    book.save(buffer)
    page = county_client.post(URL, {"file": upload(buffer.getvalue())}).content.decode()
    assert "没有数据行" in page


def test_the_busy_notes_are_hidden_until_a_form_is_sent(county_client, hierarchy):
    page = county_client.post(URL, {"file": upload(xlsx_bytes([GOOD]))}).content.decode()
    assert '<span class="progress muted" hidden>正在导入，请勿关闭页面…</span>' in page
    assert "css/importing.css" in page


def test_an_organisation_named_by_its_credit_code_previews_each_changed_cell(county_client, hierarchy):
    from django.urls import reverse

    from tests.projects import builders as pb
    organisation = pb.organisation(hierarchy.county_a, name="阳光社工", contact_name="张三")
    header = ["统一社会信用代码", "机构名称", "登记地区划代码", "本地机构", "评估等级", "评级年度", "建有党组织", "联系人",
              "联系电话"]
    book = Workbook()
    for row in (header, [organisation.credit_code, "阳光社会工作服务中心", "420102", "是", "", "", "否", "李四", ""]):
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    page = county_client.post(reverse("projects:organisation-import"),
                              {"file": upload(buffer.getvalue(), "机构.xlsx")}).content.decode()
    assert "更新 <strong>1</strong>" in page
    assert "机构名称：阳光社工 → 阳光社会工作服务中心" in page and "联系人：张三 → 李四" in page
    assert "登记地区划代码：" not in page.split("变更（原值 → 新值）")[1]  # unchanged cells are not listed
