"""Workbooks an import hands to the user: the template to fill, and the uploaded file returned
with each bad cell marked and its problems written beside it."""

from __future__ import annotations

from io import BytesIO

from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from import_export import widgets as base_widgets
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from core.importing.files import ERROR_COLUMN, SheetData
from core.importing.widgets import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    ScopedForeignKeyWidget,
)
from core.xlsx import HEADER_FILL, XLSX_CONTENT_TYPE, XlsxBook, write_cell

ERROR_RGB = "FFFFC7CE"  # Excel's own "bad" red
ERROR_FILL = PatternFill("solid", fgColor=ERROR_RGB)
COMMENT_AUTHOR = "导入检查"
VALIDATED_ROWS = 20000  # rows of the data sheet that get the drop-down lists


def xlsx_bytes_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


# The template --------------------------------------------------------------------------------

def _model_field(resource, resource_field):
    attribute = resource_field.attribute or ""
    if not attribute or "__" in attribute:
        return None
    try:
        return resource._meta.model._meta.get_field(attribute)
    except FieldDoesNotExist:
        return None


def options(resource_field) -> list[str]:
    """The fixed values a column takes (its drop-down list), or none."""
    widget = resource_field.widget
    if isinstance(widget, ChoiceWidget):
        return [str(label) for _stored, label in widget.choices]
    if isinstance(widget, BooleanWidget):
        return [_("是"), _("否")]
    return []


def _format(resource_field, model_field) -> str:
    widget = resource_field.widget
    if isinstance(widget, (ChoiceWidget, BooleanWidget)):
        return _("从下拉列表中选择")
    if isinstance(widget, DateWidget):
        return _("日期，如 2024-03-01（也可写 2024/3/1 或 2024年3月1日）")
    if isinstance(widget, DecimalWidget):
        return _("数字，最多 %(n)s 位小数") % {"n": widget.places} if widget.places else _("整数")
    if isinstance(widget, IntegerWidget):
        return _("整数")
    if isinstance(widget, ScopedForeignKeyWidget):
        return _("%(label)s的代码（按文本填写，保留开头的 0）") % {"label": widget.label}
    if isinstance(widget, base_widgets.ForeignKeyWidget):
        return _("代码（按文本填写）")
    if getattr(model_field, "max_length", None):
        return _("文字，最多 %(n)s 个字") % {"n": model_field.max_length}
    return _("文字")


def _required(resource_field, model_field) -> str:
    if resource_field.readonly:
        return _("仅供核对，不导入")
    if model_field is not None and not model_field.blank and not model_field.has_default():
        return _("必填")
    return _("选填")


def column_guide(resource) -> list[dict]:
    """Per column: its meaning, format, allowed values, whether it is required, and an example."""
    notes = getattr(resource, "column_help", {})
    guide = []
    for resource_field in resource.get_import_fields():
        model_field = _model_field(resource, resource_field)
        meaning = notes.get(resource_field.column_name)
        if meaning is None and model_field is not None:
            meaning = "；".join(str(part) for part in (model_field.verbose_name, model_field.help_text) if part)
        guide.append({
            "column": resource_field.column_name, "meaning": meaning or resource_field.column_name,
            "format": _format(resource_field, model_field), "options": options(resource_field),
            "required": _required(resource_field, model_field),
            "example": resource.example.get(resource_field.column_name, ""),
        })
    return guide


def template_response(resource, *, record_name: str, filename: str) -> HttpResponse:
    """The data sheet (named after the record kind, headers only, drop-down lists for every
    column with fixed values), a 说明 sheet describing each column with an example, and a
    hidden sheet holding the lists."""
    guide = column_guide(resource)
    book = XlsxBook()
    data = book.new_sheet(record_name)
    for number, column in enumerate(guide, 1):
        cell = write_cell(data, 1, number, column["column"])
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        data.column_dimensions[get_column_letter(number)].width = max(12, len(column["column"]) * 2 + 4)
    data.freeze_panes = "A2"

    notes = book.new_sheet(_("说明"))
    lines = [
        _("填写说明"),
        _("1. 在“%(sheet)s”工作表的表头下逐行填写，一行一条记录；不要修改表头，也不要合并单元格。") % {"sheet": data.title},
        _("2. 有下拉箭头的列请从列表中选择；代码类的列请按文本填写，保留开头的 0。"),
        _("3. 上传后先预览：所有行都无误才能确认导入，任何一行有错，整个文件都不会写入。"),
        _("4. 有错误时可下载标注了错误的文件：问题单元格标红，错误写在批注和行末的“错误说明”列，改正后直接重新上传。"),
        _("5. 本工作表只作说明，其中的示例不会被导入。"),
    ]
    for line, text in enumerate(lines, 1):
        write_cell(notes, line, 1, text).font = Font(bold=line == 1, size=14 if line == 1 else 11)
    table = len(lines) + 2
    headers = [_("列名"), _("含义"), _("填写格式"), _("可选值"), _("是否必填"), _("示例（仅作示例，不会导入）")]
    for number, header in enumerate(headers, 1):
        cell = write_cell(notes, table, number, header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for line, column in enumerate(guide, table + 1):
        values = [column["column"], column["meaning"], column["format"], "、".join(column["options"]),
                  column["required"], column["example"]]
        for number, value in enumerate(values, 1):
            write_cell(notes, line, number, value).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", (20, 40, 34, 36, 12, 28), strict=True):
        notes.column_dimensions[letter].width = width

    lists = None
    for number, column in enumerate(guide, 1):
        if not column["options"]:
            continue
        if lists is None:
            lists = book.new_sheet(_("可选值"))
            lists.sheet_state = "hidden"
        list_column = get_column_letter(number)
        for line, option in enumerate(column["options"], 1):
            write_cell(lists, line, number, option)
        validation = DataValidation(
            type="list", allow_blank=True, showErrorMessage=True, errorTitle=_("请从列表中选择"),
            error=_("“%(column)s”只能填写：%(options)s") % {"column": column["column"],
                                                       "options": "、".join(column["options"])},
            formula1=f"{quote_sheetname(lists.title)}!${list_column}$1:${list_column}${len(column['options'])}")
        validation.add(f"{get_column_letter(number)}2:{get_column_letter(number)}{VALIDATED_ROWS + 1}")
        data.add_data_validation(validation)
    return book.response(filename)


# The uploaded workbook, marked ---------------------------------------------------------------

def _sheet(data: bytes, dataset: SheetData):
    """The sheet the rows were read from: the uploaded one, or for a CSV a workbook holding its
    cells at the same row numbers (so the row numbers in the preview still apply)."""
    if data.startswith(b"PK\x03\x04"):
        workbook = load_workbook(BytesIO(data))
        return workbook, workbook.worksheets[dataset.sheet_index]
    workbook = Workbook()
    sheet = workbook.active
    for header, column in zip(dataset.headers, dataset.column_numbers, strict=True):
        write_cell(sheet, dataset.header_row, column, header).font = Font(bold=True)
    for values, line in zip(dataset, dataset.row_numbers, strict=True):
        for value, column in zip(values, dataset.column_numbers, strict=True):
            write_cell(sheet, line, column, value)
    return workbook, sheet


def _error_column(sheet, dataset: SheetData) -> int:
    """The 错误说明 column: the one already there (a workbook returned before), else the first
    column after the header row's last filled cell."""
    last = max(dataset.column_numbers, default=0)
    for cell in sheet[dataset.header_row]:
        if cell.value == ERROR_COLUMN:
            return cell.column
        if cell.value not in (None, ""):
            last = max(last, cell.column)
    return last + 1


def _clear_marks(sheet, first_row: int, error_column: int) -> None:
    """Marks left by an earlier round (the cells may have been corrected since)."""
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.column == error_column:
                cell.value = None
            if cell.fill is not None and cell.fill.fgColor is not None and cell.fill.fgColor.rgb == ERROR_RGB:
                cell.fill = PatternFill()
            if cell.comment is not None and cell.comment.author == COMMENT_AUTHOR:
                cell.comment = None


def marked_workbook(data: bytes, dataset: SheetData, report) -> bytes:
    """The uploaded workbook with each bad cell filled red and given a comment with its problems,
    and every bad row's problems in a 错误说明 column at its end (which the import ignores)."""
    workbook, sheet = _sheet(data, dataset)
    columns = dict(zip(dataset.headers, dataset.column_numbers, strict=True))
    error_column = _error_column(sheet, dataset)
    _clear_marks(sheet, dataset.header_row + 1, error_column)
    header = write_cell(sheet, dataset.header_row, error_column, ERROR_COLUMN)
    header.font, header.fill = Font(bold=True, color="9C0006"), ERROR_FILL
    sheet.column_dimensions[get_column_letter(error_column)].width = 60
    for row in report.error_rows:
        by_cell = {}
        for column, message in row.problems:
            if column in columns:
                by_cell.setdefault(columns[column], []).append(message)
        for column, messages in by_cell.items():
            cell = sheet.cell(row=row.excel_row, column=column)
            cell.fill = ERROR_FILL
            comment = Comment("\n".join(messages), COMMENT_AUTHOR)
            comment.width, comment.height = 300, 40 + 30 * len(messages)
            cell.comment = comment
        note = write_cell(sheet, row.excel_row, error_column, "；".join(row.errors))
        note.font = Font(color="9C0006")
        note.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.active = workbook.worksheets.index(sheet)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
