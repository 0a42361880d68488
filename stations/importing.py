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
"""

from __future__ import annotations

import datetime
import uuid
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from import_export import resources, widgets
from import_export.results import RowResult
from openpyxl import load_workbook
from tablib import Dataset

from stations.exporting import XlsxBook
from stations.scope import scope_of

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 20000
IMPORT_DIR = "imports"

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


class ScopedModelResource(resources.ModelResource):
    """A resource that looks up existing rows only among those the user may see."""

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        # Natural-key look-ups of existing rows call the widgets without the import's
        # keyword arguments, so the widgets (copied per resource) carry the user themselves.
        for resource_field in self.fields.values():
            if isinstance(resource_field.widget, ScopedForeignKeyWidget):
                resource_field.widget.user = user

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self):
        return self._meta.model.objects.visible_to(self.user)


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Resolves a natural key among the records the importing user may see; anything else is
    reported as not found, in Chinese, whether it does not exist or belongs to another region."""

    def __init__(self, model, field="pk", *, label: str = "", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.label = label or str(model._meta.verbose_name)
        self.user = None

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.visible_to(kwargs.get("user") or self.user)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value).strip()
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: value})
        except self.model.DoesNotExist as exc:
            raise ValueError(_("找不到%(label)s“%(value)s”，或不在您的管辖范围内。")
                             % {"label": self.label, "value": value}) from exc
        except self.model.MultipleObjectsReturned as exc:
            raise ValueError(_("%(label)s“%(value)s”对应多条记录。") % {"label": self.label, "value": value}) from exc


class IntegerWidget(widgets.IntegerWidget):
    """Whole numbers; anything else is a Chinese error naming the value."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(_("“%(value)s”不是整数。") % {"value": value}) from exc
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s”不是整数。") % {"value": value})
        return int(number)


class DecimalWidget(widgets.DecimalWidget):
    """Exact decimals (yuan with fen, hours, areas); never through float."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = repr(value) if isinstance(value, float) else str(value)
        try:
            return Decimal(text.strip().replace(",", ""))
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(_("“%(value)s”不是有效的数字。") % {"value": value}) from exc


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

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return ""
        text = str(value).strip()
        for stored, label in self.choices:
            if text in (str(label), str(stored)):
                return stored
        options = "、".join(str(label) for _stored, label in self.choices)
        raise ValueError(_("“%(value)s”不在可选范围内（可选：%(options)s）。") % {"value": value, "options": options})

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


def read_workbook(data: bytes) -> Dataset:
    """The first worksheet as a dataset: header row, then data rows (trailing blank rows dropped).
    Refuses oversized files and zip bombs instead of trusting the file's declared size."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("文件超过 10 MB，请拆分后再导入。"))
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise ImportFileError(_("文件解压后过大，无法导入。"))
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-Excel file
        raise ImportFileError(_("无法读取该文件，请上传 Excel（.xlsx）文件。")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for index, values in enumerate(sheet.iter_rows(values_only=True)):
            if index > MAX_ROWS:
                raise ImportFileError(_("文件超过 %(n)s 行，请拆分后再导入。") % {"n": MAX_ROWS})
            rows.append(["" if v is None else (v.strip() if isinstance(v, str) else v) for v in values])
    finally:
        workbook.close()
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError(_("文件是空的。"))
    headers = [str(h).strip() for h in rows[0]]
    while headers and headers[-1] == "":
        headers.pop()
    dataset = Dataset(headers=headers)
    for values in rows[1:]:
        values = list(values[: len(headers)]) + [""] * (len(headers) - len(values))
        if all(v == "" for v in values):
            continue
        dataset.append(values)
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
    unknown = [name for name in dataset.headers if name and name not in expected]
    errors = []
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
        result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True,
                                      rollback_on_validation_errors=True, user=user)
        report = _report(resource, dataset, result)
        if not dry_run and not report.has_errors:
            result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True,
                                          rollback_on_validation_errors=True, user=user)
            report = _report(resource, dataset, result)
            if report.has_errors:
                transaction.set_rollback(True)
    return report


def _report(resource, dataset: Dataset, result) -> ImportReport:
    rows = []
    for number, (row_result, values) in enumerate(zip(result.rows, dataset, strict=False), 1):
        rows.append(RowReport(excel_row=number + 1, action=str(ACTION_LABELS.get(row_result.import_type, "")),
                              values=list(values)))
    by_number = {row.excel_row - 1: row for row in rows}
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


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
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

    def render_page(self, form=None, report=None, token=None):
        resource = self.get_resource()
        return render(self.request, self.template_name, {
            "title": self.title, "form": form or ImportUploadForm(), "report": report, "token": token,
            "columns": [f.column_name for f in resource.get_import_fields()], "success_url": self.success_url,
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
        data = form.cleaned_data["file"].read()
        try:
            dataset = read_workbook(data)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.render_page(form=form)
        report = run_import(self.get_resource(), dataset, user=request.user, dry_run=True)
        token = None
        if not report.has_errors:
            token = uuid.uuid4().hex
            path = Path(settings.MEDIA_ROOT) / IMPORT_DIR / f"{token}.xlsx"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            request.session[self._session_key()] = token
        return self.render_page(report=report, token=token)

    def confirm(self, token: str):
        if self.request.session.get(self._session_key()) != token or not token.isalnum():
            messages.error(self.request, _("导入已过期，请重新上传文件。"))
            return redirect(self.request.path)
        path = Path(settings.MEDIA_ROOT) / IMPORT_DIR / f"{token}.xlsx"
        try:
            dataset = read_workbook(path.read_bytes())
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
