"""Resources scoped to the importing user, and one import run reported row by row."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.results import RowResult
from tablib import Dataset

from core.importing.widgets import DecimalWidget, ScopedForeignKeyWidget

ACTION_LABELS = {
    RowResult.IMPORT_TYPE_NEW: gettext_lazy("新增"),
    RowResult.IMPORT_TYPE_UPDATE: gettext_lazy("更新"),
    RowResult.IMPORT_TYPE_SKIP: gettext_lazy("未变"),
    RowResult.IMPORT_TYPE_DELETE: gettext_lazy("删除"),
    RowResult.IMPORT_TYPE_ERROR: gettext_lazy("错误"),
    RowResult.IMPORT_TYPE_INVALID: gettext_lazy("错误"),
}


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

