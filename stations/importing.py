"""Excel imports with a preview: nothing is written until the whole file is clean.

How to add an import for a registry:

1. A resource (``<app>/resources.py``) subclassing :class:`ScopedModelResource`, with Chinese
   ``column_name`` on every field, natural keys in ``import_id_fields`` (never ``id``), and
   :class:`ScopedForeignKeyWidget` for foreign keys so a row can only point at records the user
   may see (unknown or out-of-scope keys give a Chinese row error)::

       class StationResource(ScopedModelResource):
           township = fields.Field(attribute="region", column_name="乡镇代码",
                                   widget=ScopedForeignKeyWidget(Region, "code", label="乡镇"))
           class Meta:
               model = Station
               import_id_fields = ("township", "kind")
               fields = ("township", "kind", "name")

2. A view: ``class StationImportView(ImportView)`` with ``resource_class``, ``title`` and
   ``success_url`` (override ``has_import_permission(user)`` to restrict roles); export it as
   ``station_import_view = StationImportView.as_view()`` and add a URL.

The flow: upload → dry run inside a rolled-back transaction → preview listing every row with its
action (新增/更新/未变) and every problem by Excel row number and column → confirm → the import
runs again in one transaction and is rolled back entirely if any row fails. ``?template=1`` on the
view's URL downloads an empty workbook with the expected column headers.

Files are .xlsx or .csv (UTF-8 with or without BOM, or GBK), told apart by their content; the
header row is looked for on every sheet below any title lines (:func:`read_workbook`). Sizes,
unpacked sizes and row counts are capped while streaming, XML entities are refused (openpyxl
parses through defusedxml), numbers are never rounded to fit a field, and a natural key repeated
within one file is an error naming both rows.

Large files (``StationResource``, up to 50,000 rows): the resource loads a whole file's foreign
keys and existing records in a few queries (:meth:`ScopedForeignKeyWidget.preload`), checks each
row in memory with the same widgets and ``full_clean``, and with ``use_bulk`` writes everything
in batches (with history) only once every row has passed; its view raises ``max_rows``.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import re
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO, StringIO
from pathlib import Path

from defusedxml import DefusedXmlException
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from import_export import resources, widgets
from import_export.results import RowResult
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from tablib import Dataset

from stations.exporting import XlsxBook
from stations.scope import scope_of

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 20000  # per file; an import written in bulk may allow more (``ImportView.max_rows``)
SCANNED_ROWS_FACTOR = 5  # blank rows included; the worksheet XML may claim any row number
LOOKUP_BATCH = 2000  # keys per ``IN (…)`` query when a whole file's look-ups are loaded at once
MAX_COLUMNS = 200
IMPORT_DIR = "imports"
# Uploaded files wait here between preview and confirm; unconfirmed ones (they may hold personal
# data) are deleted once they are this old, and when the same user uploads again.
PENDING_IMPORT_MAX_AGE_SECONDS = 24 * 3600

ACTION_LABELS = {
    RowResult.IMPORT_TYPE_NEW: gettext_lazy("新增"),
    RowResult.IMPORT_TYPE_UPDATE: gettext_lazy("更新"),
    RowResult.IMPORT_TYPE_SKIP: gettext_lazy("未变"),
    RowResult.IMPORT_TYPE_DELETE: gettext_lazy("删除"),
    RowResult.IMPORT_TYPE_ERROR: gettext_lazy("错误"),
    RowResult.IMPORT_TYPE_INVALID: gettext_lazy("错误"),
}


class ImportFileError(Exception):
    pass


DAMAGED = gettext_lazy("文件已损坏，无法读取。请在 Excel 中打开并重新保存为 .xlsx 后再导入。")


class ScopedModelResource(resources.ModelResource):
    """A resource that looks up existing rows only among those the user may see."""

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._keys_seen = {}
        self._excel_rows = None
        # Natural-key look-ups of existing rows call the widgets without the import's
        # keyword arguments, so the widgets (copied per resource) carry the user themselves.
        for resource_field in self.fields.values():
            if isinstance(resource_field.widget, ScopedForeignKeyWidget):
                resource_field.widget.user = user
            if isinstance(resource_field.widget, DecimalWidget) and resource_field.attribute:
                try:
                    model_field = self._meta.model._meta.get_field(resource_field.attribute)
                except FieldDoesNotExist:
                    continue
                if isinstance(model_field, models.DecimalField):
                    resource_field.widget.places = model_field.decimal_places

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return self._meta.model.objects.visible_to(self.user)

    def import_data(self, dataset, **kwargs):
        self._keys_seen = {}
        self._excel_rows = getattr(dataset, "row_numbers", None)
        return super().import_data(dataset, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs.get("row_number") or 0
        self._excel_row = self._excel_rows[number - 1] if self._excel_rows else number + 1
        return super().import_row(row, instance_loader, **kwargs)

    def get_or_init_instance(self, instance_loader, row):
        """Refuses a natural key (``import_id_fields``) already used by an earlier row of the
        file: otherwise the later row would silently overwrite the earlier one."""
        id_fields = [self.fields[name] for name in self.get_import_id_fields()]
        try:
            key = tuple(f.clean(row) for f in id_fields)
            hash(key)
        except Exception:  # the row's own import reports an unreadable key
            key = None
        if key and all(part not in (None, "") for part in key):
            first = self._keys_seen.setdefault(key, self._excel_row)
            if first != self._excel_row:
                raise ValidationError(_("第 %(first)s 行与第 %(row)s 行的%(columns)s重复，同一记录在文件中只能出现一次。")
                                      % {"first": first, "row": self._excel_row,
                                         "columns": "、".join(f.column_name for f in id_fields)})
        return super().get_or_init_instance(instance_loader, row)


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Resolves a natural key among the records the importing user may see; anything else is
    reported as not found, in Chinese, whether it does not exist or belongs to another region."""

    def __init__(self, model, field="pk", *, label: str = "", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.label = label or str(model._meta.verbose_name)
        self.user = None
        self.loaded = None  # key -> records, once :meth:`preload` has run

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.visible_to(kwargs.get("user") or self.user)

    @staticmethod
    def key(value) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def preload(self, values) -> None:
        """Looks up every key of a file in a few queries (same scope as :meth:`clean`), so the
        rows are then resolved from memory: a large import does not query once per row."""
        keys = sorted({self.key(value) for value in values if value not in (None, "")})
        self.loaded = {}
        for start in range(0, len(keys), LOOKUP_BATCH):
            records = self.get_queryset(None, None).filter(**{f"{self.field}__in": keys[start:start + LOOKUP_BATCH]})
            for record in records:
                self.loaded.setdefault(str(getattr(record, self.field)), []).append(record)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        value = self.key(value)
        try:
            if self.loaded is None:
                return self.get_queryset(value, row, **kwargs).get(**{self.field: value})
            records = self.loaded.get(value, [])
            if len(records) != 1:
                raise (self.model.MultipleObjectsReturned if records else self.model.DoesNotExist)
            return records[0]
        except self.model.DoesNotExist as exc:
            raise ValueError(_("找不到%(label)s“%(value)s”，或不在您的管辖范围内。")
                             % {"label": self.label, "value": value}) from exc
        except self.model.MultipleObjectsReturned as exc:
            raise ValueError(_("%(label)s“%(value)s”对应多条记录。") % {"label": self.label, "value": value}) from exc


def to_decimal(value) -> Decimal:
    """A cell's number as an exact decimal, never rounded to fit. Excel keeps 15 significant
    digits, so a float is read to 15 significant digits: 0.1+0.2 stored as 0.30000000000000004
    is the 0.3 the user sees, while 1234.5600000001 stays what it is. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(value)
    text = format(value, ".15g") if isinstance(value, float) else str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


class IntegerWidget(widgets.IntegerWidget):
    """Whole numbers; anything else (1.5, “1.0000001”, text) is a Chinese error naming the value."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            number = to_decimal(value)
        except ValueError as exc:
            raise ValueError(_("“%(value)s”不是整数。") % {"value": value}) from exc
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s”不是整数，不能有小数部分。") % {"value": value})
        return int(number)


class DecimalWidget(widgets.DecimalWidget):
    """Exact decimals (yuan with fen, hours, areas); never through float, never rounded: more
    decimal places than the field keeps is an error. ``places`` defaults to 2 (yuan and fen);
    :class:`ScopedModelResource` sets it from the model field."""

    def __init__(self, places: int = 2, **kwargs):
        super().__init__(**kwargs)
        self.places = places

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            number = to_decimal(value)
        except ValueError as exc:
            raise ValueError(_("“%(value)s”不是有效的数字。") % {"value": value}) from exc
        if self.places is not None and -number.as_tuple().exponent > self.places:
            if self.places == 0:
                raise ValueError(_("“%(value)s”不是整数，不能有小数部分。") % {"value": value})
            raise ValueError(_("“%(value)s”的小数位数过多：最多保留 %(places)s 位小数，请核对（系统不会自动四舍五入）。")
                             % {"value": value, "places": self.places})
        return number


class DateWidget(widgets.DateWidget):
    """Excel dates, or text as 2024-03-01, 2024/3/1 or 2024年3月1日."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
        try:
            return datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
        except ValueError as exc:
            raise ValueError(_("“%(value)s”不是有效日期（应为 2024-03-01 这样的格式）。") % {"value": value}) from exc

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class BooleanWidget(widgets.BooleanWidget):
    TRUE = {"是", "有", "true", "1", "y", "yes"}
    FALSE = {"否", "无", "false", "0", "n", "no"}

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("“%(value)s”应填“是”或“否”。") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else (_("是") if value else _("否"))


class ChoiceWidget(widgets.Widget):
    """A choice by its Chinese label (or its stored value); unknown labels list the options."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)
        self._lookups = {}  # language -> {label or stored value: stored value}; labels translate lazily

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return ""
        lookup = self._lookups.get(translation.get_language())
        if lookup is None:
            lookup = self._lookups[translation.get_language()] = {}
            for stored, label in self.choices:
                lookup.setdefault(str(label), stored)
                lookup.setdefault(str(stored), stored)
        text = str(value).strip()
        if text in lookup:
            return lookup[text]
        options = "、".join(str(label) for _stored, label in self.choices)
        raise ValueError(_("“%(value)s”不在可选范围内（可选：%(options)s）。") % {"value": value, "options": options})

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class SheetData(Dataset):
    """A dataset that remembers the Excel row number of each of its rows."""

    def __init__(self, *args, row_numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.row_numbers = list(row_numbers)


FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and every password-protected .xlsx
HEADER_SEARCH_ROWS = 20  # a header row may sit below a title line or two


def read_workbook(data: bytes, *, filename: str = "", columns=(), max_rows: int | None = None) -> SheetData:
    """The rows under the header row of an .xlsx (or .csv) file, as a dataset.

    The sheet and header row are the ones naming most of ``columns`` (so an instructions sheet
    in front, or a title line above the header, do not matter). Sizes, unpacked sizes and row
    counts (``max_rows``, by default ``MAX_ROWS``) are checked before anything is kept in memory,
    and each kind of wrong file gets its own explanation."""
    if not data:
        raise ImportFileError(_("文件是空的（0 字节），请检查是否选错了文件。"))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("文件超过 10 MB，请拆分后再导入。"))
    if data.startswith(b"PK\x03\x04"):
        sheets = _xlsx_sheets(data)
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
        sheets = [_csv_rows(text)]
    return _read_table(sheets, columns, max_rows or MAX_ROWS)


def _xlsx_sheets(data: bytes):
    """One row iterator per worksheet, after checking what the archive would unpack to. Python's
    zipfile never inflates a member beyond its declared size (it fails the CRC check instead), so
    the sum of declared sizes bounds what is read."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise ImportFileError(_("文件解压后过大（超过 %(mb)s MB），无法导入。")
                                      % {"mb": MAX_UNCOMPRESSED_BYTES // 2**20})
    except zipfile.BadZipFile as exc:
        raise ImportFileError(DAMAGED) from exc
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise ImportFileError(_("这是 Word 文档，不是 Excel 表格。请上传 Excel（.xlsx）或 CSV 文件。"))
        raise ImportFileError(_("这是压缩包或其他格式的文件，不是 Excel 工作簿。请上传 Excel（.xlsx）或 CSV 文件。"))
    # Read from memory, so nothing needs closing; each sheet streams its XML on its own.
    workbook = _guard(lambda: load_workbook(BytesIO(data), read_only=True, data_only=True))
    # Formulas are read as the results Excel saved with them; a file written by other software
    # may have none, which would read as blank cells, so such files are read twice and compared.
    formulas = _guard(lambda: load_workbook(BytesIO(data), read_only=True)) if _has_formulas(data, names) else None
    for index, sheet in enumerate(_guard(lambda: workbook.worksheets)):
        rows = _sheet_rows(sheet)
        if formulas:
            rows = _refuse_uncalculated(sheet.title, rows, _sheet_rows(formulas.worksheets[index]))
        yield rows


def _sheet_rows(sheet):
    sheet.reset_dimensions()  # the stored <dimension> may be wrong: read every row there is
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    return iter(lambda: _guard(lambda: next(rows, None)), None)


def _has_formulas(data: bytes, names) -> bool:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as member:
                    tail = b""
                    while chunk := member.read(2**20):
                        if FORMULA_TAG.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    return False


def _refuse_uncalculated(title: str, rows, formula_rows):
    for number, (values, formulas) in enumerate(zip(rows, formula_rows, strict=False), 1):
        for column, (value, formula) in enumerate(zip(values, formulas, strict=False), 1):
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


def _read_table(sheets, columns, max_rows: int) -> SheetData:
    """Picks the header row naming most expected columns among the first rows of each sheet,
    then reads that sheet's rows under it (up to ``max_rows`` filled rows; one more is an error)."""
    wanted = {str(c) for c in columns}
    best = None  # (matches, header row number, the rows read so far, the rest of the sheet)
    for rows in sheets:
        seen = []
        for values in rows:
            seen.append(values)
            if not _is_blank(values):
                matches = sum(str(v).strip() in wanted for v in values if v is not None)
                if best is None or matches > best[0]:
                    best = (matches, len(seen), seen, rows)
                if matches == len(wanted):
                    break
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
        if best and best[0] == len(wanted):
            break
    if best is None:
        raise ImportFileError(_("文件是空的，没有任何内容。"))
    _matches, header_row, seen, rest = best
    headers = [str(h) for h in _clean(seen[header_row - 1])]
    while headers and headers[-1] == "":
        headers.pop()
    dataset = SheetData(headers=headers)
    for number, values in enumerate(itertools.chain(seen[header_row:], rest), header_row + 1):
        if number > SCANNED_ROWS_FACTOR * max_rows:
            raise ImportFileError(_("文件超过 %(n)s 行（含空行），请删除多余的行或拆分后再导入。")
                                  % {"n": SCANNED_ROWS_FACTOR * max_rows})
        values = values[: len(headers)]
        if _is_blank(values):
            continue
        if len(dataset) >= max_rows:
            raise ImportFileError(_("文件超过 %(n)s 行，请拆分后再导入。") % {"n": max_rows})
        dataset.append(_clean(values) + [""] * (len(headers) - len(values)))
        dataset.row_numbers.append(number)
    if not len(dataset):
        raise ImportFileError(_("文件只有表头（第 %(n)s 行），没有数据行。") % {"n": header_row})
    return dataset


@dataclass
class RowReport:
    excel_row: int
    action: str
    values: list
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    headers: list[str]
    rows: list[RowReport]
    file_errors: list[str]
    totals: dict

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.errors]


def _column_label(resource, attribute: str) -> str:
    if attribute == NON_FIELD_ERRORS:
        return ""
    for resource_field in resource.fields.values():
        if attribute in (resource_field.attribute, resource_field.column_name):
            return f"{resource_field.column_name}："
    return f"{attribute}："


def _check_headers(resource, dataset: Dataset) -> list[str]:
    import_fields = resource.get_import_fields()
    expected = [f.column_name for f in import_fields]
    missing = [f.column_name for f in import_fields if not f.readonly and f.column_name not in dataset.headers]
    unknown = [name for name in dict.fromkeys(dataset.headers) if name and name not in expected]
    duplicated = sorted({name for name in dataset.headers if name and dataset.headers.count(name) > 1})
    errors = []
    if duplicated:
        errors.append(_("列名重复：%(cols)s（每一列只能出现一次）") % {"cols": "、".join(duplicated)})
    if missing:
        errors.append(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
    if unknown:
        errors.append(_("无法识别的列：%(cols)s（可下载导入模板核对列名）") % {"cols": "、".join(unknown)})
    return errors


def run_import(resource, dataset: Dataset, *, user, dry_run: bool) -> ImportReport:
    """Import (or preview) a dataset. A real run writes everything or nothing."""
    header_errors = _check_headers(resource, dataset)
    if header_errors:
        return ImportReport(headers=list(dataset.headers), rows=[], file_errors=header_errors, totals={})
    with transaction.atomic():
        # The real run is rolled back whole if any row fails. A bulk resource (``use_bulk``) writes
        # only after checking every row, so a dry run before it would merely repeat the checks.
        report = None
        if dry_run or not resource._meta.use_bulk:
            result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True,
                                          rollback_on_validation_errors=True, user=user)
            report = _report(resource, dataset, result)
        if not dry_run and not (report and report.has_errors):
            result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True,
                                          rollback_on_validation_errors=True, user=user)
            report = _report(resource, dataset, result)
            if report.has_errors:
                transaction.set_rollback(True)
    return report


def _report(resource, dataset: Dataset, result) -> ImportReport:
    excel_rows = getattr(dataset, "row_numbers", None) or range(2, len(dataset) + 2)
    rows = [RowReport(excel_row=excel_row, action=str(ACTION_LABELS.get(row_result.import_type, "")),
                      values=list(values))
            for row_result, values, excel_row in zip(result.rows, dataset, excel_rows, strict=False)]
    by_number = dict(enumerate(rows, 1))
    for invalid in result.invalid_rows:
        row = by_number.get(invalid.number)
        if row is None:
            continue
        for attribute, errors in invalid.error_dict.items():
            row.errors.extend(f"{_column_label(resource, attribute)}{message}" for message in errors)
    for error_row in result.error_rows:
        row = by_number.get(error_row.number)
        if row is not None:
            row.errors.extend(_("无法导入：%(error)s") % {"error": error.error} for error in error_row.errors)
    file_errors = [str(error.error) for error in result.base_errors]
    totals = {str(ACTION_LABELS[key]): count for key, count in result.totals.items()
              if count and key in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP)}
    return ImportReport(headers=list(dataset.headers), rows=rows, file_errors=file_errors, totals=totals)


def discard_pending_imports(*, previous: str | None = None, now: float | None = None) -> int:
    """Delete the user's previous unconfirmed upload and every one older than the maximum age."""
    folder = Path(settings.MEDIA_ROOT) / IMPORT_DIR
    if not folder.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - PENDING_IMPORT_MAX_AGE_SECONDS
    removed = 0
    for path in folder.iterdir():
        if (previous and path.stem == previous) or path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）或 CSV 文件"),
                           error_messages={"empty": gettext_lazy("文件是空的（0 字节），请检查是否选错了文件。")},
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if name.endswith(".xls"):
            raise forms.ValidationError(_("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再导入。"))
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("请上传 Excel（.xlsx）或 CSV（.csv）格式的文件。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件超过 10 MB，请拆分后再导入。"))
        return upload


class ImportView(LoginRequiredMixin, View):
    """Upload → preview → confirm, for one resource. See the module docstring."""

    resource_class: type[ScopedModelResource]
    title = ""
    success_url = "/"
    template_name = "includes/import.html"
    allowed_roles = ("county", "province")
    max_rows = None  # rows per file: ``MAX_ROWS`` unless the resource writes in bulk

    def has_import_permission(self, user) -> bool:
        scope = scope_of(user)
        return scope.everything or (not scope.nothing and user.role in self.allowed_roles)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.has_import_permission(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_resource(self):
        return self.resource_class(user=self.request.user)

    def _session_key(self):
        return f"import:{self.request.path}"

    def read(self, data: bytes, filename: str) -> SheetData:
        columns = [f.column_name for f in self.get_resource().get_import_fields()]
        return read_workbook(data, filename=filename, columns=columns, max_rows=self.max_rows)

    def render_page(self, form=None, report=None, token=None):
        resource = self.get_resource()
        return render(self.request, self.template_name, {
            "title": self.title, "form": form or ImportUploadForm(), "report": report, "token": token,
            "columns": [f.column_name for f in resource.get_import_fields()], "success_url": self.success_url,
            "max_rows": self.max_rows or MAX_ROWS,
        })

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            columns = [f.column_name for f in self.get_resource().get_import_fields()]
            book = XlsxBook()
            sheet = book.workbook.active
            for column, name in enumerate(columns, 1):
                sheet.cell(row=1, column=column, value=name)
            book._first = False
            return book.response(f"{self.title}-模板.xlsx")
        return self.render_page()

    def post(self, request, *args, **kwargs):
        if request.POST.get("token"):
            return self.confirm(request.POST["token"])
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form=form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            dataset = self.read(data, upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.render_page(form=form)
        report = run_import(self.get_resource(), dataset, user=request.user, dry_run=True)
        token = None
        discard_pending_imports(previous=request.session.pop(self._session_key(), None))
        if not report.has_errors:
            token = uuid.uuid4().hex
            suffix = ".csv" if upload.name.lower().endswith(".csv") else ".xlsx"
            path = Path(settings.MEDIA_ROOT) / IMPORT_DIR / f"{token}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            request.session[self._session_key()] = token
        return self.render_page(report=report, token=token)

    def confirm(self, token: str):
        if self.request.session.get(self._session_key()) != token or not token.isalnum():
            messages.error(self.request, _("导入已过期，请重新上传文件。"))
            return redirect(self.request.path)
        path = next((Path(settings.MEDIA_ROOT) / IMPORT_DIR).glob(f"{token}.*"), None)
        try:
            if path is None:
                raise OSError
            dataset = self.read(path.read_bytes(), path.name)
        except (OSError, ImportFileError):
            messages.error(self.request, _("导入已过期，请重新上传文件。"))
            return redirect(self.request.path)
        report = run_import(self.get_resource(), dataset, user=self.request.user, dry_run=False)
        if report.has_errors:
            return self.render_page(report=report)
        path.unlink(missing_ok=True)
        del self.request.session[self._session_key()]
        summary = _("，").join(_("%(action)s %(count)s 行") % {"action": label, "count": count}
                              for label, count in report.totals.items()) or _("无变化")
        messages.success(self.request, _("导入完成：%(summary)s。") % {"summary": summary})
        return redirect(self.success_url)
