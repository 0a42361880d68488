"""A report's audit trail as its page shows it: who changed what, with the reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from stations.models import (
    LINE_COUNT_FIELDS,
    MonthlyReport,
    MonthlyReportLine,
    ReportStatus,
    ServiceDomain,
    TargetGroup,
)


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: object
    what: str
    reason: str
    changes: list[tuple[str, object, object]]



def _changes(new, old, model) -> list[tuple[str, object, object]]:
    if old is None:
        return []
    skip = {"version", "updated_at", "submitted_at", "first_submitted_at", "reviewed_at", "submitted_by",
            "reviewed_by"}
    changes = []
    for change in new.diff_against(old).changes:
        if change.field in skip:
            continue
        model_field = model._meta.get_field(change.field)
        choices = dict(model_field.choices or ())
        changes.append((str(model_field.verbose_name), choices.get(change.old, change.old),
                        choices.get(change.new, change.new)))
    return changes


def report_history(report: MonthlyReport) -> list[HistoryEntry]:
    """Who changed what and why, newest first: the report's own records (status, figures,
    reasons) and its service lines' records, with before and after values."""
    entries = []
    records = list(report.history.select_related("history_user").order_by("history_date", "history_id"))
    previous = None
    for record in records:
        what = ReportStatus(record.status).label
        if previous is not None and previous.status == record.status:
            what = _("保存修改")
        entries.append(HistoryEntry(record.history_date, record.history_user, what,
                                    record.history_change_reason or "", _changes(record, previous, MonthlyReport)))
        previous = record
    line_records = list(MonthlyReportLine.history.filter(report_id=report.pk).select_related("history_user")
                        .order_by("history_date", "history_id"))
    last_by_line: dict[int, object] = {}
    for record in line_records:
        before = last_by_line.get(record.id)
        label = f"{ServiceDomain(record.domain).label} · {TargetGroup(record.target_group).label}"
        if record.history_type == "-":
            what, changes = _("删除服务数据：%(l)s") % {"l": label}, []
        elif before is None:
            what = _("新增服务数据：%(l)s") % {"l": label}
            changes = [(str(MonthlyReportLine._meta.get_field(n).verbose_name), None, getattr(record, n))
                       for n in LINE_COUNT_FIELDS if getattr(record, n)]
        else:
            what, changes = _("修改服务数据：%(l)s") % {"l": label}, _changes(record, before, MonthlyReportLine)
        entries.append(HistoryEntry(record.history_date, record.history_user, what, "", changes))
        last_by_line[record.id] = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
