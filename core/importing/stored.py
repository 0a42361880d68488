"""An import's report as a job keeps it (plain JSON), and read back for the import page."""

from __future__ import annotations

from django.conf import settings
from django.utils.formats import localize
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

PREVIEW_ROWS = 500  # rows the page lists; every row with a problem is kept besides


def shown_value(value) -> str:
    """A cell as the page's template would write it (a date, a decimal in the active language)."""
    return str(localize(template_localtime(value, use_tz=settings.USE_TZ), use_l10n=True))


def report_result(report) -> dict:
    """What the import page shows of a report: counts, every problem, the first rows."""
    return {
        "headers": [str(header) for header in report.headers],
        "file_errors": [str(error) for error in report.file_errors],
        "totals": {str(label): count for label, count in report.totals.items()},
        "row_count": len(report.rows),
        "error_rows": [{"excel_row": row.excel_row, "errors": [str(error) for error in row.errors]}
                       for row in report.error_rows],
        "rows": [{"excel_row": row.excel_row, "action": str(row.action), "values": [shown_value(v) for v in row.values],
                  "errors": [str(error) for error in row.errors],
                  "changes": [[str(part) for part in change] for change in row.changes]}
                 for row in report.rows[:PREVIEW_ROWS]],
        "has_changes": report.has_changes,
    }


class StoredReport:
    """A report read back from a job's result, with what the import page's template asks of an
    :class:`~core.importing.resources.ImportReport`."""

    def __init__(self, result: dict):
        self.headers = result.get("headers", [])
        self.file_errors = result.get("file_errors", [])
        self.totals = result.get("totals", {})
        self.row_count = result.get("row_count", 0)
        self.error_rows = result.get("error_rows", [])
        self.rows = result.get("rows", [])
        self.has_changes = bool(result.get("has_changes"))

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors or self.error_rows)


def summary(totals: dict) -> str:
    """新增 2 行，更新 1 行 (or 无变化): an import's counts, as its success message says them."""
    return _("，").join(_("%(action)s %(count)s 行") % {"action": label, "count": count}
                       for label, count in totals.items()) or _("无变化")


def done_message(totals: dict) -> str:
    return _("导入完成：%(summary)s。") % {"summary": summary(totals)}
