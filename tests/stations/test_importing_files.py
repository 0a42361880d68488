"""Spreadsheets that fight back: oversized, bombed, disguised, locked, empty or oddly laid out
files each get their own Chinese explanation, and well-meant oddities import fine."""

import re
import zipfile
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.importing import ImportFileError, read_workbook
from core.importing import files as importing
from stations.models import Region
from tests import builders

URL = reverse("stations:region-population-import")
COLUMNS = ["区划代码", "名称", "常住人口"]
HEADER = ["区划代码", "名称", "常住人口"]


def xlsx_bytes(rows, *, before=None):
    """A workbook with ``rows`` on its data sheet; ``before`` rows go on a first, active sheet."""
    book = Workbook()
    sheet = book.active
    if before is not None:
        sheet.title = "填表说明"
        for row in before:
            sheet.append(row)
        sheet = book.create_sheet("数据")
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_member(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(BytesIO(data))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return buffer.getvalue()


def refused(data: bytes, filename: str = "人口.xlsx") -> str:
    with pytest.raises(ImportFileError) as error:
        read_workbook(data, filename=filename, columns=COLUMNS)
    return str(error.value)


@pytest.fixture
def county_client(client, hierarchy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(builders.county_user(hierarchy))
    return client


def upload_error(client, data: bytes, name="人口.xlsx") -> str:
    page = client.post(URL, {"file": SimpleUploadedFile(name, data)}).content.decode()
    return " ".join(re.findall(r'<p class="error">([^<]*)</p>', page))


# Sizes


def test_oversized_upload_is_refused_before_reading(county_client, hierarchy):
    big = b"PK\x03\x04" + b"\0" * importing.MAX_UPLOAD_BYTES
    assert upload_error(county_client, big) == "文件超过 10 MB，请拆分后再导入。"


def test_zip_bomb_is_refused_by_its_unpacked_size(monkeypatch):
    monkeypatch.setattr(importing, "MAX_UNCOMPRESSED_BYTES", 2 * 2**20)
    data = xlsx_bytes([HEADER, ["420102002000", "大智街道", 1]])
    bomb = rewrite_member(data, "xl/worksheets/sheet1.xml", lambda content: content + b" " * importing.MAX_UNCOMPRESSED_BYTES)
    assert len(bomb) < importing.MAX_UPLOAD_BYTES
    assert refused(bomb) == "文件解压后过大（超过 2 MB），无法导入。"


def test_rows_are_capped_while_streaming(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    read = []
    rows = [HEADER, *[[f"4201020020{n:02d}", "x", n] for n in range(1, 50)]]
    original = importing._clean

    def counting(values):
        read.append(values)
        return original(values)

    monkeypatch.setattr(importing, "_clean", counting)
    assert refused(xlsx_bytes(rows)) == "文件超过 5 行，请拆分后再导入。"
    assert len(read) <= 7  # the header, five rows, and nothing after the sixth


def test_a_row_numbered_beyond_excel_is_refused_not_padded_for_ever():
    data = xlsx_bytes([HEADER, ["420102002000", "大智街道", 1]])
    far = rewrite_member(data, "xl/worksheets/sheet1.xml", lambda content: content.replace(
        b"</sheetData>", b'<row r="5000000"><c r="A5000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    assert "含空行" in refused(far)


# Hostile XML


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_billion_laughs_sheet_is_refused():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                         for n in range(1, 10))
              + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    bomb = rewrite_member(xlsx_bytes([HEADER]), "xl/worksheets/sheet1.xml", lambda content: laughs)
    assert refused(bomb) == "文件中含有不安全的 XML 内容（实体定义），已拒绝导入。"


# Files that are not what they say


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "这是 PDF 文件，不是电子表格。请上传 Excel（.xlsx）或 CSV 文件。"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "Workbook".encode("utf-16-le"),
     "这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再导入。"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptionInfo\0EncryptedPackage".encode("utf-16-le"),
     "文件设置了打开密码，无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿）后再导入。"),
    ("区划代码,名称,常住人口\n420102002000,大智街道,1\n".encode(),
     "文件内容是纯文本（CSV），扩展名却是 .xlsx。请把扩展名改为 .csv，或在 Excel 中“另存为” .xlsx 后再导入。"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>",
     "这是网页（HTML/XML）文件，只是扩展名像 Excel。请在 Excel 中打开后“另存为” .xlsx 格式再导入。"),
    (bytes(range(256)) * 8, "无法识别该文件的格式，请上传 Excel（.xlsx）或 CSV 文件。"),
    (b"PK\x03\x04 truncated", "文件已损坏，无法读取。请在 Excel 中打开并重新保存为 .xlsx 后再导入。"),
], ids=["pdf", "xls", "encrypted", "csv-named-xlsx", "html", "random", "broken-zip"])
def test_disguised_files_get_their_own_explanation(county_client, data, message):
    assert upload_error(county_client, data) == message


def test_word_document_and_other_archives_are_named():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(buffer.getvalue()) == "这是 Word 文档，不是 Excel 表格。请上传 Excel（.xlsx）或 CSV 文件。"


def test_wrong_extensions_are_refused_by_the_form(county_client):
    assert upload_error(county_client, b"x", "人口.xls") == "这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再导入。"
    assert upload_error(county_client, b"x", "人口.pdf") == "请上传 Excel（.xlsx）或 CSV（.csv）格式的文件。"


# Empty and headers only


def test_empty_upload_is_refused(county_client):
    assert upload_error(county_client, b"") == "文件是空的（0 字节），请检查是否选错了文件。"
    assert refused(b"") == "文件是空的（0 字节），请检查是否选错了文件。"


def test_workbook_without_content_or_with_headers_only(county_client):
    assert refused(xlsx_bytes([])) == "文件是空的，没有任何内容。"
    assert upload_error(county_client, xlsx_bytes([HEADER, ["", None, "  "]])) == "文件只有表头（第 1 行），没有数据行。"


def test_wrong_headers_name_missing_unknown_and_repeated_columns(county_client):
    page = county_client.post(URL, {"file": SimpleUploadedFile("人口.xlsx", xlsx_bytes(
        [["区划代码", "名字", "人口", "人口"], ["420102002000", "大智街道", 1, 2]]))}).content.decode()
    assert "列名重复：人口（每一列只能出现一次）" in page
    assert "缺少列：常住人口" in page
    assert "无法识别的列：名字、人口（可下载导入模板核对列名）" in page


# Layout


def test_data_sheet_is_found_by_its_header_whatever_sheet_is_active(county_client, hierarchy):
    data = xlsx_bytes([["江岸区常住人口（2025 年）"], [], HEADER, ["420102002000", "大智街道", 52000], [],
                       ["420102003000", "一元街道", 31000]],
                      before=[["填表说明"], ["区划代码填 12 位代码，常住人口填整数。"]])
    preview = county_client.post(URL, {"file": SimpleUploadedFile("人口.xlsx", data)})
    assert [row.excel_row for row in preview.context["report"].rows] == [4, 6]
    assert county_client.post(URL, {"token": preview.context["token"]}).status_code == 302
    assert Region.objects.get(code="420102003000").population == 31000


def test_every_row_is_read_whatever_the_stored_dimension_says():
    rows = [HEADER, *[[f"4201020020{n:02d}", "x", n] for n in range(1, 8)]]
    data = rewrite_member(xlsx_bytes(rows), "xl/worksheets/sheet1.xml",
                          lambda content: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', content))
    assert b'<dimension ref="A1:B2"' in zipfile.ZipFile(BytesIO(data)).read("xl/worksheets/sheet1.xml")
    dataset = read_workbook(data, columns=COLUMNS)
    assert len(dataset) == 7 and dataset.headers == HEADER and dataset[-1][2] == 7


def test_row_numbers_count_blank_rows_so_errors_point_at_the_right_line(county_client, hierarchy):
    data = xlsx_bytes([HEADER, ["420102002000", "大智街道", 1], [], [], ["420102003000", "一元街道", "很多"]])
    report = county_client.post(URL, {"file": SimpleUploadedFile("人口.xlsx", data)}).context["report"]
    assert [(row.excel_row, row.errors) for row in report.error_rows] == [(5, ["常住人口：“很多”不是整数。"])]


# CSV


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk_imports(county_client, hierarchy, encoding):
    data = "区划代码,名称,常住人口\r\n420102002000,大智街道,52000\r\n420102003000,一元街道,\"31,000\"\r\n".encode(encoding)
    preview = county_client.post(URL, {"file": SimpleUploadedFile("人口.csv", data)})
    assert "更新 <strong>2</strong>" in preview.content.decode()
    assert county_client.post(URL, {"token": preview.context["token"]}).status_code == 302
    assert Region.objects.get(code="420102003000").population == 31000


# Formulas


def test_formulas_import_as_the_results_excel_saved(county_client, hierarchy):
    data = rewrite_member(xlsx_bytes([HEADER, ["420102002000", "大智街道", "=50000+2000"]]), "xl/worksheets/sheet1.xml",
                          lambda content: content.replace(b"<f>50000+2000</f><v />", b"<f>50000+2000</f><v>52000</v>"))
    assert b"<v>52000</v>" in zipfile.ZipFile(BytesIO(data)).read("xl/worksheets/sheet1.xml")
    preview = county_client.post(URL, {"file": SimpleUploadedFile("人口.xlsx", data)})
    assert county_client.post(URL, {"token": preview.context["token"]}).status_code == 302
    assert Region.objects.get(code="420102002000").population == 52000


def test_formulas_without_saved_results_are_not_read_as_blanks(county_client, hierarchy):
    data = xlsx_bytes([HEADER, ["420102002000", "大智街道", 1], ["420102003000", "一元街道", "=C2*2"]])
    assert upload_error(county_client, data) == (
        "工作表“Sheet”的 C3 单元格是公式，但文件中没有保存计算结果（常见于其他软件生成的文件）。请在 Excel 中打开并保存后再导入。")
