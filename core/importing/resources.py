"""Resources scoped to the importing user, and one import run reported row by row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.results import RowResult
from tablib import Dataset

from core import figures
from core.importing.widgets import BooleanWidget, ChoiceWidget, DecimalWidget, ScopedForeignKeyWidget

NAMES_COLUMNS = "names_columns"  # a ValidationError code: the message is shown without its column's name

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
        self._refusals, self._cell_errors = {}, {}
        # import-export calls ``self.import_instance``; this reads the whole row first (a
        # subclass's override, filling defaults after ``super()``, runs even when a cell is bad, so
        # a missing default does not read as one more problem), then raises every problem at once.
        self.import_instance = self._import_whole_row
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

    def get_import_fields(self):
        """The resource's fields to import, worked out once (import-export asks for each row)."""
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    _import_fields = None
    _compared = None

    # An import run as a job is told each row done (``core.importing.progress.ImportProgress``).
    progress = None

    # Columns a file may leave out (a resource's own key for updates, say: without it every row is new).
    optional_columns: tuple[str, ...] = ()
    # One example value per column, shown on the template's 说明 sheet (never imported).
    example: dict[str, object] = {}

    def import_data(self, dataset, **kwargs):
        self._keys_seen = {}
        self._excel_rows = getattr(dataset, "row_numbers", None)
        self._shown = {}  # (field, value, before) -> the preview's text, for this import's language
        choices = [f.widget for f in self.fields.values() if isinstance(f.widget, ChoiceWidget)]
        for widget in choices:
            widget.pin(True)
        try:
            return super().import_data(dataset, **kwargs)
        finally:
            for widget in choices:
                widget.pin(False)

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs.get("row_number") or 0
        self._excel_row = self._excel_rows[number - 1] if self._excel_rows else number + 1
        self._refusals = {}  # attribute -> messages found before the row's fields are read
        self._before = None  # an existing record's values before the row, for the preview's old → new
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.changes = []
        if row_result.import_type == RowResult.IMPORT_TYPE_UPDATE and self._before is not None:
            row_result.changes = self.row_changes(self._instance, self._before)
        if self.progress is not None:
            self.progress.advance()
        return row_result

    def written(self, done: int, total: int) -> None:
        """For a resource that writes in bulk after its last row: ``done`` of ``total`` records written."""
        if self.progress is not None:
            self.progress.writing(done, total)

    def refuse(self, attribute: str, message: str, *, names_columns: bool = False) -> None:
        """Record a problem of the row's ``attribute`` (its column) found while looking the record
        up; it is reported with every other problem of the row, which is still read in full.
        ``names_columns``: the message names its columns itself (shown without the column)."""
        code = NAMES_COLUMNS if names_columns else "refused"
        self._refusals.setdefault(attribute, []).append(ValidationError(message, code=code))

    def get_or_init_instance(self, instance_loader, row):
        """Refuses a natural key (``import_id_fields``) already used by an earlier row of the
        file: otherwise the later row would silently overwrite the earlier one. An unreadable key
        makes the row a new record, so its own fields report the key with the row's other problems."""
        id_fields = [self.fields[name] for name in self.get_import_id_fields()]
        try:
            key = tuple(f.clean(row) for f in id_fields)
            hash(key)
        except Exception:  # the row's own import reports an unreadable key
            key = None
        if key and all(part not in (None, "") for part in key):
            first = self._keys_seen.setdefault(key, self._excel_row)
            if first != self._excel_row:
                self.refuse(id_fields[0].attribute, names_columns=True, message=
                            _("第 %(first)s 行与第 %(row)s 行的%(columns)s重复，同一记录在文件中只能出现一次。")
                            % {"first": first, "row": self._excel_row,
                               "columns": "、".join(f.column_name for f in id_fields)})
        try:
            instance, new = super().get_or_init_instance(instance_loader, row)
        except ValueError:
            instance, new = self.init_instance(row), True
        self._instance = instance
        if not new:
            self._before = {f.attribute: self._value(f, instance) for f in self._compared_fields()}
        return instance, new

    def import_instance(self, instance, row, **kwargs):
        """Reads every field; their problems are raised by :meth:`_import_whole_row` once any
        subclass override has done the rest of its work."""
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            self._cell_errors = exc.update_error_dict(self._cell_errors)

    def _import_whole_row(self, instance, row, **kwargs):
        self._cell_errors = {}
        errors = {attribute: list(messages) for attribute, messages in self._refusals.items()}
        try:
            type(self).import_instance(self, instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for attribute, messages in self._cell_errors.items():
            errors.setdefault(attribute, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def _compared_fields(self):
        if self._compared is None:
            model_fields = {f.name for f in self._meta.model._meta.get_fields()}
            self._compared = [f for f in self.get_import_fields()
                              if f.attribute and not f.readonly and "__" not in f.attribute and f.attribute in model_fields]
        return self._compared

    @staticmethod
    def _value(resource_field, instance):
        value = resource_field.get_value(instance)
        return value.pk if isinstance(value, models.Model) else value

    def row_changes(self, instance, before) -> list[tuple[str, str, str]]:
        """(column, old, new) for every cell of an update that changes the record."""
        changes = []
        for resource_field in self._compared_fields():
            old, new = before.get(resource_field.attribute), self._value(resource_field, instance)
            if (old in (None, "") and new in (None, "")) or old == new:
                continue
            changes.append((resource_field.column_name, self._shown_value(resource_field, old, before=True),
                            self._shown_value(resource_field, resource_field.get_value(instance))))
        return changes

    _shown = None

    def _shown_value(self, resource_field, value, *, before=False) -> str:
        """``shown``, remembered for the import: the same choice or date recurs on many rows (a
        number or a text is written as it is, and equal numbers may be written differently)."""
        if not (isinstance(value, datetime.date) or isinstance(resource_field.widget, (ChoiceWidget, BooleanWidget))):
            return shown(resource_field, value, before=before)
        try:
            key = (resource_field.column_name, type(value), value, before)
            hash(key)
        except TypeError:
            return shown(resource_field, value, before=before)
        if self._shown is None:
            self._shown = {}
        text = self._shown.get(key)
        if text is None:
            text = self._shown[key] = shown(resource_field, value, before=before)
        return text


def shown(resource_field, value, *, before=False) -> str:
    """A value as the preview shows it: a choice by its label, a date as 2026年11月10日, a record
    by its key (an earlier record's key is given by its id, so it is looked up again)."""
    if value in (None, ""):
        return ""
    widget = resource_field.widget
    if isinstance(widget, (ChoiceWidget, BooleanWidget)):
        return str(widget.render(value))
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return date_format(value, "DATE_FORMAT")
    if before and hasattr(widget, "model"):
        value = widget.model._default_manager.filter(pk=value).first() or value
    if isinstance(value, models.Model):
        return str(getattr(value, getattr(widget, "field", "pk"), value))
    return str(value)


@dataclass
class RowReport:
    excel_row: int
    action: str
    values: list
    errors: list[str] = field(default_factory=list)  # as shown: "column：message"
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column or "", message), for the workbook
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # an update's (column, old, new)

    def add_problem(self, column: str, message: str, *, labelled: bool = True) -> None:
        self.problems.append((column, message))
        self.errors.append(f"{column}：{message}" if column and labelled else message)


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
    def has_changes(self) -> bool:
        return any(row.changes for row in self.rows)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def error_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.errors]


def _column(resource, attribute: str) -> str:
    if attribute == NON_FIELD_ERRORS:
        return ""
    for resource_field in resource.fields.values():
        if attribute in (resource_field.attribute, resource_field.column_name):
            return resource_field.column_name
    return attribute


def _shown_cell(value):
    """A cell as the preview shows it: an Excel date (read as midnight) is a date."""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    return value


def _check_headers(resource, dataset: Dataset) -> list[str]:
    import_fields = resource.get_import_fields()
    expected = [f.column_name for f in import_fields]
    missing = [f.column_name for f in import_fields if not f.readonly and f.column_name not in dataset.headers
               and f.column_name not in resource.optional_columns]
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


def run_import(resource, dataset: Dataset, *, user, dry_run: bool, progress=None) -> ImportReport:
    """Import (or preview) a dataset. A real run writes everything or nothing. ``progress`` (an
    ``ImportProgress``) is told when each pass over the rows begins and each row done."""
    header_errors = _check_headers(resource, dataset)
    if header_errors:
        return ImportReport(headers=list(dataset.headers), rows=[], file_errors=header_errors, totals={})
    resource.progress = progress
    with transaction.atomic():
        # The real run is rolled back whole if any row fails. A bulk resource (``use_bulk``) writes
        # only after checking every row, so a dry run before it would merely repeat the checks.
        report = None
        if dry_run or not resource._meta.use_bulk:
            if progress is not None:
                progress.begin()
            result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True,
                                          rollback_on_validation_errors=True, user=user)
            report = _report(resource, dataset, result)
        if not dry_run and not (report and report.has_errors):
            if progress is not None:
                progress.begin()
            result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True,
                                          rollback_on_validation_errors=True, user=user)
            report = _report(resource, dataset, result)
            if report.has_errors:
                transaction.set_rollback(True)
            else:  # whatever the resource wrote, in bulk or not: cached figures follow when it commits
                figures.changed()
    return report


def _report(resource, dataset: Dataset, result) -> ImportReport:
    excel_rows = getattr(dataset, "row_numbers", None) or range(2, len(dataset) + 2)
    labels = {import_type: str(label) for import_type, label in ACTION_LABELS.items()}
    rows = [RowReport(excel_row=excel_row, action=labels.get(row_result.import_type, ""),
                      values=[_shown_cell(value) for value in values], changes=getattr(row_result, "changes", []))
            for row_result, values, excel_row in zip(result.rows, dataset, excel_rows, strict=False)]
    by_number = dict(enumerate(rows, 1))
    for invalid in result.invalid_rows:
        row = by_number.get(invalid.number)
        if row is None:
            continue
        error_dict = getattr(invalid.error, "error_dict", None) or {NON_FIELD_ERRORS: invalid.error.error_list}
        for attribute, errors in error_dict.items():
            for error in errors:
                for message in error:
                    row.add_problem(_column(resource, attribute), message, labelled=error.code != NAMES_COLUMNS)
    for error_row in result.error_rows:
        row = by_number.get(error_row.number)
        if row is not None:
            for error in error_row.errors:
                row.add_problem("", _("无法导入：%(error)s") % {"error": error.error})
    file_errors = [str(error.error) for error in result.base_errors]
    totals = {str(ACTION_LABELS[key]): count for key, count in result.totals.items()
              if count and key in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP)}
    return ImportReport(headers=list(dataset.headers), rows=rows, file_errors=file_errors, totals=totals)

