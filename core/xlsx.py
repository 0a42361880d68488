"""Excel exports of what is on screen: titled, scoped by the caller, formulas inert.

Usage from a view (the rows come from the same scoped selector as the page)::

    book = XlsxBook()
    book.add_sheet(title="社工站名单", headers=["站点", "状态"], rows=[["鸣凤镇社工站", "运营"]],
                   meta=[("区划", "远安县"), ("日期", "2026-11-23")])
    return book.response("社工站名单.xlsx")

``xlsx_response(filename=..., title=..., headers=..., rows=..., meta=...)`` does both for one sheet.

Amounts of yuan show as ``#,##0.00`` (600,000.00) and stay exact numbers: a column is money when
its header is a :class:`MoneyColumn` (``money_column(_("合同金额"))``) or names yuan as its unit
("合同金额（元）", "月工资（元/人）"); a single value is money when it is a :class:`core.money.Money`
(a summary that mixes counts and amounts). Dates stay real dates with a date number format.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.money import Money

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
YUAN_UNITS = ("（元）", "（元/")


class MoneyColumn(str):
    """A column header whose cells are amounts of yuan."""


def money_column(header) -> MoneyColumn:
    return MoneyColumn(str(header))


def is_money_header(header) -> bool:
    return isinstance(header, MoneyColumn) or any(unit in str(header) for unit in YUAN_UNITS)


def money_columns(headers: Sequence) -> set[int]:
    """The 1-based numbers of the columns that hold yuan."""
    return {column for column, header in enumerate(headers, 1) if is_money_header(header)}


def write_cell(sheet, row: int, column: int, value, *, money: bool = False):
    """Write a value; text that a spreadsheet would run as a formula is stored as plain text,
    unchanged (numbers stay numbers). A number in a money column (or a :class:`Money`) gets the
    yuan format, a date a date format."""
    if isinstance(value, (int, float, Decimal, datetime.date)) or value is None:
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, Money) or (money and isinstance(value, (int, Decimal)) and not isinstance(value, bool)):
            cell.number_format = MONEY_FORMAT
        elif isinstance(value, Decimal):
            cell.number_format = "0.00" if value.as_tuple().exponent == -2 else "General"
        elif isinstance(value, datetime.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        return cell
    cell = sheet.cell(row=row, column=column)
    cell.value = str(value)
    _keep_literal(cell)
    return cell


def _keep_literal(cell):
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR) is stored as a string
    marked with a quote prefix, so it stays text even when the cell is edited in Excel."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


class XlsxBook:
    def __init__(self):
        self.workbook = Workbook()
        self._first = True

    def new_sheet(self, title: str):
        """An empty sheet named ``title`` (the workbook's first, untouched sheet is used first)."""
        if self._first:
            sheet = self.workbook.active
            self._first = False
        else:
            sheet = self.workbook.create_sheet()
        sheet.title = str(title).translate(INVALID_SHEET_CHARS)[:31]
        return sheet

    def add_table(self, *, title: str, headers: Sequence[str], rows: Iterable[Sequence] = (),
                  widths: Sequence[int] = ()):
        """A sheet that is only a table: headers on the first row (as import templates and
        re-importable exports need), then the rows; formulas kept inert as everywhere."""
        sheet = self.new_sheet(title)
        money = money_columns(headers)
        for column, header in enumerate(headers, 1):
            write_cell(sheet, 1, column, header).font = Font(bold=True)
        for line, values in enumerate(rows, 2):
            for column, value in enumerate(values, 1):
                write_cell(sheet, line, column, value, money=column in money)
        for column, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A2"
        return sheet

    def add_sheet(self, *, title: str, headers: Sequence[str], rows: Iterable[Sequence],
                  meta: Sequence[tuple[str, object]] = (), include_generated_at: bool = True):
        """A sheet with a title line, optional meta lines (region, period…), then a table."""
        sheet = self.new_sheet(title)
        line = 1
        write_cell(sheet, line, 1, title).font = Font(bold=True, size=14)
        meta = list(meta)
        if include_generated_at:
            meta.append((_("生成时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")))
        for label, value in meta:
            line += 1
            write_cell(sheet, line, 1, label).font = Font(bold=True)
            write_cell(sheet, line, 2, value)
        line += 2
        header_row = line
        for column, header in enumerate(headers, 1):
            cell = write_cell(sheet, line, column, header)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        widths = [max(6, len(str(h)) * 2) for h in headers]
        money = money_columns(headers)
        for values in rows:
            line += 1
            for column, value in enumerate(values, 1):
                write_cell(sheet, line, column, value, money=column in money)
                if column <= len(widths):
                    widths[column - 1] = min(60, max(widths[column - 1], len(str(value or "")) * 2 + 2))
        for column, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.oddFooter.center.text = "&P / &N"
        return sheet

    def to_bytes(self) -> bytes:
        # A last sweep for cells written straight through openpyxl (import templates, scoring
        # sheets): openpyxl turns any string starting with "=" into a live formula.
        for sheet in self.workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    _keep_literal(cell)
        buffer = BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    def response(self, filename: str) -> HttpResponse:
        response = HttpResponse(self.to_bytes(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response


def xlsx_response(*, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence],
                  meta: Sequence[tuple[str, object]] = ()) -> HttpResponse:
    book = XlsxBook()
    book.add_sheet(title=title, headers=headers, rows=rows, meta=meta)
    return book.response(filename)
