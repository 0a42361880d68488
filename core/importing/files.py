"""Reading an uploaded workbook or CSV into rows, with sizes capped while streaming."""

from __future__ import annotations

import csv
import datetime
import itertools
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO, StringIO

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetTypeEnum
from tablib import Dataset
from tablib.core import Row

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 20000  # per file; an import written in bulk may allow more (``ImportView.max_rows``)
SCANNED_ROWS_FACTOR = 5  # blank rows included; the worksheet XML may claim any row number
MAX_COLUMNS = 200


class ImportFileError(Exception):
    pass


DAMAGED = gettext_lazy("文件已损坏，无法读取。请在 Excel 中打开并重新保存为 .xlsx 后再导入。")
# The column the returned workbook adds at the end of each row with its problems; never imported.
ERROR_COLUMN = "错误说明"


class SheetData(Dataset):
    """A dataset that remembers where it was read: the Excel row number of each of its rows, the
    sheet (by position), the header row and the column number of each header."""

    def __init__(self, *args, row_numbers=(), sheet_index=0, header_row=1, column_numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.row_numbers = list(row_numbers)
        self.sheet_index = sheet_index
        self.header_row = header_row
        self.column_numbers = list(column_numbers)


# A read file's rows kept as JSON (``sheet_dumps``), so a confirmation needs no second read of the
# workbook. The cells openpyxl gives that JSON has no type for are written as {"$": type, "v": ISO text}.
KEPT_TYPES = {"datetime": datetime.datetime, "date": datetime.date, "time": datetime.time}
KEPT_VERSION = 1


def _kept_cell(value):
    for name, kind in KEPT_TYPES.items():  # datetime before date: a datetime is a date too
        if isinstance(value, kind):
            return {"$": name, "v": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    return {"$": "str", "v": str(value)}


def _cell_from_kept(cell: dict):
    kind = cell.get("$")
    if kind == "timedelta":
        return datetime.timedelta(seconds=cell["v"])
    if kind in KEPT_TYPES:
        return KEPT_TYPES[kind].fromisoformat(cell["v"])
    return cell.get("v")


def sheet_dumps(dataset: SheetData) -> bytes:
    """A read file's rows, with where they were read, as compact JSON (see ``sheet_loads``)."""
    return json.dumps({"version": KEPT_VERSION, "headers": list(dataset.headers), "rows": [row._row for row in dataset._data],
                       "row_numbers": dataset.row_numbers, "sheet_index": dataset.sheet_index,
                       "header_row": dataset.header_row, "column_numbers": dataset.column_numbers},
                      ensure_ascii=False, separators=(",", ":"), default=_kept_cell).encode()


def sheet_loads(data: bytes) -> SheetData:
    """The rows ``sheet_dumps`` kept, as ``read_workbook`` read them; ValueError if unreadable."""
    kept = json.loads(data, object_hook=lambda cell: _cell_from_kept(cell) if "$" in cell else cell)
    if not isinstance(kept, dict) or kept.get("version") != KEPT_VERSION:
        raise ValueError("unknown format")
    dataset = SheetData(headers=kept["headers"], row_numbers=kept["row_numbers"], sheet_index=kept["sheet_index"],
                        header_row=kept["header_row"], column_numbers=kept["column_numbers"])
    width = len(dataset.headers)
    if any(len(row) != width for row in kept["rows"]) or len(kept["rows"]) != len(dataset.row_numbers):
        raise ValueError("damaged")
    # A column repeats its texts (a type, a date, a place) row after row: one string each, as the
    # workbook's shared strings gave them, rather than one per cell.
    texts = {}
    dataset._data = [Row([texts.setdefault(cell, cell) if type(cell) is str else cell for cell in row])
                     for row in kept.pop("rows")]
    return dataset


FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
# A formula followed by the result Excel saved with it (openpyxl names the cells of any other).
SAVED_RESULT = re.compile(rb"(?:</(?:[\w.-]+:)?f>|<(?:[\w.-]+:)?f\b[^>]*/>)\s*<(?:[\w.-]+:)?v(?:\s[^>]*)?>[^<]+</(?:[\w.-]+:)?v>")
ERROR_CELL = re.compile(rb"""t\s*=\s*["']e["']""")  # #N/A, #VALUE!…: calamine reads them as blanks
ENTITY_DECLARATIONS = tuple("<!ENTITY".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
# Each row and cell with its reference as its first attribute, r="B7", as Excel, WPS and openpyxl write
# them. A worksheet written any other way (which these forms find) is read by openpyxl.
PLACED_ROW = re.compile(rb'<(?:c|row) r="[A-Z]{0,3}(\d{1,7})"')  # one bytes object each: the row numbers
PLACED_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d{1,7}"')  # the column letters, mostly one cached byte
OTHER_FORMS = tuple(re.compile(form) for form in (  # each begins with fixed text, which re finds fast
    rb"<c[>/\t\n\r]", rb"<row[>/\t\n\r]", rb":(?:c|row)[\s>/]", rb"r(?:\s=|=\s)", rb"r=(?<=[\t\n\r]r=)"))
# calamine holds a sheet as a rectangle of cells from A1 to its last cell (32 bytes each), so a sheet
# larger than this, or one openpyxl would stop reading (MAX_COLUMNS, SCANNED_ROWS_FACTOR), is
# streamed by openpyxl as before.
CALAMINE_CELLS = 4_000_000
EXACT_INTEGERS = 2**53  # whole numbers stored as plain digits, which openpyxl reads as int
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and every password-protected .xlsx
HEADER_SEARCH_ROWS = 20  # a header row may sit below a title line or two
PROGRESS_ROWS = 200  # rows read between two reports to ``on_rows``


def read_workbook(data: bytes, *, filename: str = "", columns=(), max_rows: int | None = None,
                  on_rows=None) -> SheetData:
    """The rows under the header row of an .xlsx (or .csv) file, as a dataset.

    The sheet and header row are the ones naming most of ``columns`` (so an instructions sheet
    in front, or a title line above the header, do not matter). Sizes, unpacked sizes and row
    counts (``max_rows``, by default ``MAX_ROWS``) are checked before anything is kept in memory,
    and each kind of wrong file gets its own explanation.

    ``on_rows(read, expected)``, if given, is told now and then how many rows have been read of
    about how many (the sheet's size, or the CSV's lines; None when the sheet states none)."""
    max_rows = max_rows or MAX_ROWS
    if not data:
        raise ImportFileError(_("文件是空的（0 字节），请检查是否选错了文件。"))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("文件超过 10 MB，请拆分后再导入。"))
    if data.startswith(b"PK\x03\x04"):
        sheets = _xlsx_sheets(data, scanned_rows=SCANNED_ROWS_FACTOR * max_rows)
    elif data.startswith(OLE_SIGNATURE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportFileError(_("文件设置了打开密码，无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿）后再导入。"))
        raise ImportFileError(_("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再导入。"))
    elif data.startswith(b"%PDF"):
        raise ImportFileError(_("这是 PDF 文件，不是电子表格。请上传 Excel（.xlsx）或 CSV 文件。"))
    else:
        text = _decode_text(data)
        if text is None:
            raise ImportFileError(_("无法识别该文件的格式，请上传 Excel（.xlsx）或 CSV 文件。"))
        if text.lstrip()[:1] == "<":
            raise ImportFileError(_("这是网页（HTML/XML）文件，只是扩展名像 Excel。请在 Excel 中打开后“另存为” .xlsx 格式再导入。"))
        if not filename.lower().endswith(".csv"):
            raise ImportFileError(_("文件内容是纯文本（CSV），扩展名却是 .xlsx。请把扩展名改为 .csv，或在 Excel 中“另存为” .xlsx 后再导入。"))
        sheets = [(_csv_rows(text), text.count("\n") + 1)]
    return _read_table(sheets, columns, max_rows, on_rows)


@dataclass
class _Scan:
    """What the unpacked worksheets hold, found before any XML parser reads them."""
    for_calamine: bool = True  # every worksheet small and written in the usual form, without error cells
    formulas: bool = False
    unsaved: bool = False  # a formula without the result Excel saved with it


def _xlsx_sheets(data: bytes, *, scanned_rows: int):
    """Per worksheet, its rows (an iterator) and the row count it states (None when it states
    none), after checking what the archive would unpack to. Python's
    zipfile never inflates a member beyond its declared size (it fails the CRC check instead), so
    the sum of declared sizes bounds what is read. calamine reads the usual workbook, many times
    faster than openpyxl; openpyxl streams any other, and names a formula's cell without a result."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise ImportFileError(_("文件解压后过大（超过 %(mb)s MB），无法导入。")
                                      % {"mb": MAX_UNCOMPRESSED_BYTES // 2**20})
            if "xl/workbook.xml" not in names:
                if "word/document.xml" in names:
                    raise ImportFileError(_("这是 Word 文档，不是 Excel 表格。请上传 Excel（.xlsx）或 CSV 文件。"))
                raise ImportFileError(_("这是压缩包或其他格式的文件，不是 Excel 工作簿。请上传 Excel（.xlsx）或 CSV 文件。"))
            scan = _scan(archive, scanned_rows)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:  # a member that cannot be unpacked
        raise ImportFileError(DAMAGED) from exc
    sheets = _calamine_sheets(data) if scan.for_calamine else None
    if sheets is None:
        return _openpyxl_sheets(data, formulas=scan.formulas)
    if not scan.unsaved:
        return [(rows, stated) for _title, rows, stated in sheets]
    formulas = _guard(lambda: load_workbook(BytesIO(data), read_only=True))
    return [(_refuse_uncalculated(title, rows, _sheet_rows(formulas.worksheets[index])), stated)
            for index, (title, rows, stated) in enumerate(sheets)]


def _scan(archive, scanned_rows: int) -> _Scan:
    """Refuses XML declaring entities (openpyxl's parser refuses them; calamine's would leave them
    unread) and looks at what each worksheet holds."""
    scan = _Scan()
    for name in archive.namelist():
        if not name.endswith((".xml", ".rels")):
            continue
        content = archive.read(name)
        if any(declaration in content for declaration in ENTITY_DECLARATIONS):
            raise ImportFileError(_("文件中含有不安全的 XML 内容（实体定义），已拒绝导入。"))
        if b"<sheetData" in content or b":sheetData" in content:  # a worksheet, wherever the workbook keeps it
            scan.for_calamine = scan.for_calamine and _fits_calamine(content, scanned_rows)
            if (b"<f" in content or b":f" in content) and FORMULA_TAG.search(content):
                scan.formulas = True
                scan.unsaved |= len(FORMULA_TAG.findall(content)) != len(SAVED_RESULT.findall(content))
    return scan


def _fits_calamine(content: bytes, scanned_rows: int) -> bool:
    """Whether every row and cell of a worksheet's XML names its place in the usual form, within
    MAX_COLUMNS and ``scanned_rows``, in a rectangle calamine may hold, and no cell is an error."""
    if ERROR_CELL.search(content) or any(form.search(content) for form in OTHER_FORMS):
        return False
    rows, columns = PLACED_ROW.findall(content), PLACED_COLUMN.findall(content)
    cells = content.count(b"<c ")
    if len(columns) != cells or not len(rows) == cells + content.count(b"<row ") == content.count(b" r="):
        return False  # a row or cell without its reference first, or another r= than theirs
    last_row = max(map(int, set(rows)), default=0)
    last_column = max(map(_column_number, set(columns)), default=0)
    return last_row <= scanned_rows and last_column <= MAX_COLUMNS and last_row * last_column <= CALAMINE_CELLS


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _calamine_sheets(data: bytes):
    """Per worksheet, its title, rows and last row number, read by calamine; None if it cannot."""
    try:
        workbook = CalamineWorkbook.from_object(BytesIO(data))
        kinds = [(sheet.name, sheet.typ) for sheet in workbook.sheets_metadata]
        if any(kind not in (SheetTypeEnum.WorkSheet, SheetTypeEnum.ChartSheet) for _title, kind in kinds):
            return None  # a macro or dialog sheet, which openpyxl counts among the worksheets
        sheets = [(title, workbook.get_sheet_by_name(title)) for title, kind in kinds if kind == SheetTypeEnum.WorkSheet]
    except BaseException as exc:  # calamine's errors, or a Rust panic (a BaseException) on a damaged file
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        return None
    return [(title, _calamine_rows(sheet), sheet.end[0] + 1 if sheet.end else None) for title, sheet in sheets]


def _calamine_rows(sheet):
    """A sheet's rows from A1, with the values openpyxl reads: None for a blank cell, int for a
    whole number, datetime for a date."""
    # One row at a time (the whole sheet as Python values at once would double the import's memory).
    # calamine gives the rows from the first, but the columns from the first filled one: the columns
    # before it are put back, so rows and columns keep their numbers.
    # A column repeats its texts (a type, a status, a place) row after row: kept as one string each, as
    # openpyxl's shared strings gave them, rather than one per cell.
    skipped, texts = [None] * (sheet.start[1] if sheet.start else 0), {}
    for row in sheet.iter_rows():
        yield [*skipped, *(None if value == "" else texts.setdefault(value, value) if type(value) is str
                           else CONVERT[type(value)](value) if type(value) in CONVERT else value for value in row)]


def _number(value: float):
    return int(value) if value.is_integer() and abs(value) <= EXACT_INTEGERS else value


def _midnight(value: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(value, datetime.time())


CONVERT = {float: _number, datetime.date: _midnight}  # calamine gives a date at midnight as a date


def _openpyxl_sheets(data: bytes, *, formulas: bool):
    # Read from memory, so nothing needs closing; each sheet streams its XML on its own.
    workbook = _guard(lambda: load_workbook(BytesIO(data), read_only=True, data_only=True))
    # Formulas are read as the results Excel saved with them; a file written by other software
    # may have none, which would read as blank cells, so such files are read twice and compared.
    formulas = _guard(lambda: load_workbook(BytesIO(data), read_only=True)) if formulas else None
    for index, sheet in enumerate(_guard(lambda: workbook.worksheets)):
        stated = sheet.max_row  # read from the sheet's <dimension>: a guide for progress, never a limit
        rows = _sheet_rows(sheet)
        if formulas:
            rows = _refuse_uncalculated(sheet.title, rows, _sheet_rows(formulas.worksheets[index]))
        yield rows, stated


def _sheet_rows(sheet):
    sheet.reset_dimensions()  # the stored <dimension> may be wrong: read every row there is
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    return iter(lambda: _guard(lambda: next(rows, None)), None)


def _refuse_uncalculated(title: str, rows, formula_rows):
    # calamine leaves out a last row holding only formulas without results, so the rows may end first.
    for number, (values, formulas) in enumerate(itertools.zip_longest(rows, formula_rows, fillvalue=()), 1):
        for column, formula in enumerate(formulas, 1):
            value = values[column - 1] if column <= len(values) else None
            if value is None and isinstance(formula, str) and formula.startswith("="):
                raise ImportFileError(
                    _("工作表“%(sheet)s”的 %(cell)s 单元格是公式，但文件中没有保存计算结果（常见于其他软件生成的文件）。"
                      "请在 Excel 中打开并保存后再导入。") % {"sheet": title, "cell": f"{get_column_letter(column)}{number}"})
        yield values


def _guard(read):
    """Runs a piece of openpyxl reading and turns its failures into a Chinese explanation."""
    try:
        return read()
    except Exception as exc:  # openpyxl raises many kinds (and wraps them) for a damaged or non-Excel file
        cause = exc
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            raise ImportFileError(_("文件中含有不安全的 XML 内容（实体定义），已拒绝导入。")) from exc
        raise ImportFileError(DAMAGED) from exc


def _decode_text(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "gb18030"):  # gb18030 also reads GBK and GB2312
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_rows(text: str):
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(StringIO(text, newline=""), dialect)
    try:
        yield from (tuple(row[:MAX_COLUMNS]) for row in reader)
    except csv.Error as exc:
        raise ImportFileError(_("CSV 文件第 %(n)s 行格式有误，无法读取。") % {"n": reader.line_num}) from exc


def _is_blank(values) -> bool:
    return values.count(None) + values.count("") == len(values) or all(
        v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _clean(values) -> list:
    return ["" if v is None else (v.strip() if isinstance(v, str) else v) for v in values]


def _read_table(sheets, columns, max_rows: int, on_rows=None) -> SheetData:
    """Picks the header row naming most expected columns among the first rows of each sheet,
    then reads that sheet's rows under it (up to ``max_rows`` filled rows; one more is an error)."""
    wanted = {str(c) for c in columns}
    best = None  # (matches, header row number, the rows read so far, the rest of the sheet, sheet index, stated)
    for sheet_index, (rows, stated) in enumerate(sheets):
        seen = []
        for values in rows:
            seen.append(values)
            if not _is_blank(values):
                matches = sum(str(v).strip() in wanted for v in values if v is not None)
                if best is None or matches > best[0]:
                    best = (matches, len(seen), seen, rows, sheet_index, stated)
                if matches == len(wanted):
                    break
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
        if best and best[0] == len(wanted):
            break
    if best is None:
        raise ImportFileError(_("文件是空的，没有任何内容。"))
    _matches, header_row, seen, rest, sheet_index, stated = best
    expected = min(max(0, stated - header_row), max_rows) if stated else None
    headers = [str(h) for h in _clean(seen[header_row - 1])]
    while headers and headers[-1] == "":
        headers.pop()
    # The returned workbook's 错误说明 column is left out, as if it were not there.
    kept = [index for index, header in enumerate(headers) if header != ERROR_COLUMN]
    dataset = SheetData(headers=[headers[index] for index in kept], sheet_index=sheet_index, header_row=header_row,
                        column_numbers=[index + 1 for index in kept])
    for number, values in enumerate(itertools.chain(seen[header_row:], rest), header_row + 1):
        if number > SCANNED_ROWS_FACTOR * max_rows:
            raise ImportFileError(_("文件超过 %(n)s 行（含空行），请删除多余的行或拆分后再导入。")
                                  % {"n": SCANNED_ROWS_FACTOR * max_rows})
        values = values[: len(headers)]
        values = [values[index] if index < len(values) else "" for index in kept]
        if _is_blank(values):
            continue
        if len(dataset) >= max_rows:
            raise ImportFileError(_("文件超过 %(n)s 行，请拆分后再导入。") % {"n": max_rows})
        dataset._data.append(Row(_clean(values)))  # as ``append`` does, without measuring every row again
        dataset.row_numbers.append(number)
        if on_rows is not None and len(dataset) % PROGRESS_ROWS == 0:
            on_rows(len(dataset), expected)
    if not len(dataset):
        raise ImportFileError(_("文件只有表头（第 %(n)s 行），没有数据行。") % {"n": header_row})
    return dataset

