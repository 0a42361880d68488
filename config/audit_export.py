"""The audit trail for the auditor: every change record and every sign-in record of a period,
for the whole installation, as one Excel workbook.

Written with openpyxl's write-only mode, row by row, so that memory does not grow with the
number of records. ID numbers are masked and birth dates cut to the year, as on every screen;
text a spreadsheet would run as a formula is kept as text."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from axes.models import AccessFailureLog, AccessLog
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from simple_history.models import registered_models

from config.audit import HISTORY_TYPES, _masked, readable_changes
from core.audit import HistoryReader
from core.xlsx import DATETIME_FORMAT, FORMULA_STARTS


def history_models() -> list[type[Model]]:
    """Every model that keeps a change history, in a stable order."""
    return sorted((model for model in registered_models.values() if hasattr(model, "history")),
                  key=lambda model: model._meta.label_lower)


def change_rows(date_from: datetime.date, date_to: datetime.date) -> Iterator[list]:
    """One row per change record dated within the period, with the fields it changed
    (compared with the record's previous entry, which may be older than the period), each record
    by its own title and each value as the screens show it (labels, names, dates, yuan)."""
    reader = HistoryReader()
    for model in history_models():
        history = model.history.model.objects.filter(history_date__date__lte=date_to).select_related(
            "history_user").order_by(model._meta.pk.attname, "history_date", "history_id")
        previous = None
        for record in history.iterator(chunk_size=2000):
            object_id = getattr(record, model._meta.pk.attname)
            before = previous if previous is not None and getattr(previous, model._meta.pk.attname) == object_id \
                else None
            previous = record
            if timezone.localdate(record.history_date) < date_from:
                continue
            yield [
                timezone.localtime(record.history_date).replace(tzinfo=None),
                str(model._meta.verbose_name), object_id, _masked("", reader.title(record)),
                HISTORY_TYPES.get(record.history_type, record.history_type),
                _user_name(record.history_user),
                record.history_change_reason or "",
                _changes(reader, record, before),
            ]


def _user_name(user) -> str:
    """The acting user by name, with the account in brackets: "李春燕（county_a）"."""
    if user is None:
        return ""
    name, account = str(user), user.get_username()
    return name if name == account else f"{name}（{account}）"


def _changes(reader: HistoryReader, record, before) -> str:
    if record.history_type != "~" or before is None:
        return ""
    return "\n".join(f"{label}：{'—' if old is None else old} → {'—' if new is None else new}"
                     for label, old, new in readable_changes(reader, record, before))


def sign_in_rows(date_from: datetime.date, date_to: datetime.date) -> Iterator[list]:
    for log in AccessLog.objects.filter(attempt_time__date__gte=date_from, attempt_time__date__lte=date_to
                                        ).order_by("attempt_time", "pk").iterator(chunk_size=2000):
        yield [_local(log.attempt_time), _local(log.logout_time), log.username, log.ip_address,
               log.user_agent, log.path_info]


def failure_rows(date_from: datetime.date, date_to: datetime.date) -> Iterator[list]:
    for log in AccessFailureLog.objects.filter(attempt_time__date__gte=date_from, attempt_time__date__lte=date_to
                                               ).order_by("attempt_time", "pk").iterator(chunk_size=2000):
        yield [_local(log.attempt_time), log.username, log.ip_address, log.user_agent, log.path_info,
               _("是") if log.locked_out else _("否")]


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def write_audit_workbook(path, date_from: datetime.date, date_to: datetime.date) -> dict[str, int]:
    """Write the period's records to ``path``; returns how many rows each sheet holds."""
    book = Workbook(write_only=True)
    counts = {}
    sheets = (
        (_("数据变更记录"), [_("时间"), _("数据类别"), _("记录编号"), _("记录"), _("操作"), _("操作人"), _("原因"),
                        _("变更内容")], change_rows(date_from, date_to)),
        (_("登录记录"), [_("登录时间"), _("退出时间"), _("用户名"), _("IP 地址"), _("浏览器"), _("路径")],
         sign_in_rows(date_from, date_to)),
        (_("登录失败记录"), [_("时间"), _("用户名"), _("IP 地址"), _("浏览器"), _("路径"), _("是否触发锁定")],
         failure_rows(date_from, date_to)),
    )
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append([_("期间"), f"{date_format(date_from)} — {date_format(date_to)}"])
        sheet.append(headers)
        counts[title] = 0
        for row in rows:
            sheet.append(_cells(sheet, row))
            counts[title] += 1
    book.save(path)
    return counts


def _cells(sheet, row: Iterable) -> list:
    cells = []
    for value in row:
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            cells.append(cell)
        elif isinstance(value, datetime.datetime):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATETIME_FORMAT + ":ss"
            cells.append(cell)
        else:
            cells.append(value)
    return cells
