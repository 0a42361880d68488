"""A workbook reads as openpyxl read it: the same values in the same rows and columns."""

import datetime
import re
import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from core.importing import ImportFileError, files, read_workbook

HEADER = ["编号", "名称", "电话", "面积", "日期", "时间", "是否", "合计"]


def workbook_bytes() -> bytes:
    """Whole numbers, decimals, dates, a blank first row and column, and a formula whose result
    Excel saved (openpyxl writes none, so it is added to the XML as Excel would)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "站点"
    rows = [
        HEADER,
        [1, " 金石镇 ", 13900000000, 12.5, datetime.datetime(2024, 3, 1), datetime.time(8, 30), True, "=A3+1"],
        [2, "大智街道", 5, -3.0, datetime.datetime(2024, 3, 1, 13, 45, 10), datetime.time(0, 0, 1), False, None],
        [],
        [3, "一元街道", 12345678901234, 0.1 + 0.2, datetime.date(2020, 1, 2), None, None, None],
    ]
    for number, row in enumerate(rows, 2):
        for column, value in enumerate(row, 2):
            sheet.cell(row=number, column=column, value=value)
    buffer = BytesIO()
    book.save(buffer)
    return _with_saved_result(buffer.getvalue())


def _with_saved_result(data: bytes) -> bytes:
    source = zipfile.ZipFile(BytesIO(data))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<f>A3\+1</f><v\s*/>", b"<f>A3+1</f><v>2</v>", content)
                assert b"<v>2</v>" in content
            target.writestr(info.filename, content)
    return buffer.getvalue()


def openpyxl_rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(BytesIO(data), read_only=True, data_only=True).worksheets[0]
    sheet.reset_dimensions()
    return [row for row in sheet.iter_rows(values_only=True, max_col=9) if any(value is not None for value in row)]


def test_values_and_row_numbers_are_those_openpyxl_read():
    data = workbook_bytes()
    dataset = read_workbook(data, columns=HEADER)
    expected = openpyxl_rows(data)
    assert dataset.header_row == 2 and dataset.row_numbers == [3, 4, 6]
    assert dataset.headers == ["", *HEADER] == ["" if value is None else value for value in expected[0][:9]]
    got = [list(row)[1:] for row in dataset]
    want = [[value.strip() if isinstance(value, str) else "" if value is None else value for value in row[1:9]]
            for row in expected[1:]]
    assert got == want
    assert [[type(value) for value in row] for row in got] == [[type(value) for value in row] for row in want]
    assert got[0][2] == 13900000000 and type(got[0][2]) is int  # a phone number, never 13900000000.0
    assert got[0][7] == 2  # the formula's saved result
    assert got[2][4] == datetime.datetime(2020, 1, 2)


def test_an_ordinary_workbook_is_read_without_openpyxl(monkeypatch):
    data = workbook_bytes()
    monkeypatch.setattr(files, "load_workbook", None)  # openpyxl reads ten times slower
    assert read_workbook(data, columns=HEADER).row_numbers == [3, 4, 6]


def test_error_cells_read_as_their_text():
    data = workbook_bytes()
    source = zipfile.ZipFile(BytesIO(data))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<c r="I3"><f>A3+1</f><v>2</v>', b'<c r="I3" t="e"><f>A3/0</f><v>#DIV/0!</v>')
                assert b"#DIV/0!" in content
            target.writestr(info.filename, content)
    assert read_workbook(buffer.getvalue(), columns=HEADER)[0][8] == "#DIV/0!"


def test_a_cell_far_beyond_the_data_is_read_without_holding_the_whole_rectangle():
    data = workbook_bytes()
    source = zipfile.ZipFile(BytesIO(data))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", b'<row r="90000"><c r="GR90000" t="n"><v>1</v></c></row></sheetData>')
            target.writestr(info.filename, content)
    with zipfile.ZipFile(BytesIO(buffer.getvalue())) as archive:
        assert not files._fits_calamine(archive.read("xl/worksheets/sheet1.xml"), scanned_rows=100_000)
    assert read_workbook(buffer.getvalue(), columns=HEADER).row_numbers == [3, 4, 6]


@pytest.mark.parametrize("cell", [b'<c r="A1" r="XFD1048576" t="n">', b'<c t="n" r="XFD1048576">', b"<c r='XFD1048576' t=\"n\">"])
def test_references_written_otherwise_are_left_to_openpyxl(cell):
    content = b'<sheetData><row r="1">' + cell + b"<v>1</v></c></row></sheetData>"
    assert not files._fits_calamine(content, scanned_rows=100_000)


def test_damaged_workbook_is_still_explained():
    data = workbook_bytes()
    damaged = data.replace(b"xl/worksheets/sheet1.xml", b"xl/worksheets/sheetX.xml")
    with pytest.raises(ImportFileError):
        read_workbook(damaged, columns=HEADER)
