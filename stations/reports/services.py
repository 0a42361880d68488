"""Writes for monthly reports: the draft → submitted → returned | approved workflow.

Who may do what is ``stations.reports.permissions``; here, what the status allows: a station
head edits a draft or a returned report only, nobody edits an approved report, and a correction
is an explicit reopen with a reason, kept in the history.

Every change bumps ``version``. Edits name the version the user started from; the row is
locked (``select_for_update``) and a different version is refused, so two people editing the
same draft never silently overwrite each other.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import apply_changes, delete_audited, save_audited
from core.dates import month_start, previous_month
from stations.models import (
    EDITABLE_STATUSES,
    LINE_COUNT_FIELDS,
    MonthlyReport,
    MonthlyReportLine,
    ReportStatus,
    Station,
)
from stations.reports import permissions
from stations.reports.selectors.window import submission_window

REPORT_FIELDS = (
    "volunteers", "volunteer_hours", "organisations_incubated", "charity_yuan", "charity_in_kind",
    "needs_records", "resource_entries", "training_hours", "highlights", "problems", "next_plan",
)


class ReportConflict(ValidationError):
    """Someone else saved the report after the user opened it."""


def _require_editor(actor, report_or_station, rule=permissions.can_edit_report) -> None:
    if not rule(actor, report_or_station):
        raise PermissionDenied(_("只有本站站长可以填报和报送本站的月度报告。"))


def _require_reviewer(actor, report: MonthlyReport) -> None:
    if not permissions.can_review_report(actor, report):
        raise PermissionDenied(_("只有该站所在县（市、区）的民政部门可以审核此报告。"))


def _lock(report: MonthlyReport, expected_version: int | None) -> MonthlyReport:
    locked = (MonthlyReport.objects.select_for_update(of=("self",)).select_related("station__region")
              .get(pk=report.pk))
    if expected_version is not None and locked.version != expected_version:
        raise ReportConflict(_(
            "该报告已被他人修改（您打开时为第 %(mine)s 版，现在是第 %(now)s 版），本次保存未生效。"
            "您填写的内容仍保留在表单中，请打开新窗口查看最新内容后再合并修改。"
        ) % {"mine": expected_version, "now": locked.version})
    return locked


def _require_status(report: MonthlyReport, allowed, message: str) -> None:
    if report.status not in allowed:
        raise ValidationError(message % {"status": report.get_status_display()})


def _bump(report: MonthlyReport, actor, fields: list[str], reason: str = "") -> None:
    """Save the changed ``fields`` of a report read under lock (``_lock``) as its next version;
    only what is written is validated again."""
    report.version += 1
    written = [*fields, "version", "updated_at"]
    save_audited(report, actor=actor, update_fields=written, reason=reason, clean_only=written)


@transaction.atomic
def report_create(*, actor, station: Station, period: datetime.date) -> MonthlyReport:
    """Open the draft of a station's report for a month (not a future one)."""
    _require_editor(actor, station, permissions.can_create_report)
    period = month_start(period)
    if period > month_start(timezone.localdate()):
        raise ValidationError({"period": _("不能填报未来月份的报告。")})
    # Two clicks (or two tabs) at once: the station row lock makes the second wait for the first,
    # then find its draft; the unique constraint is the last line of defence.
    Station.objects.select_for_update().filter(pk=station.pk).first()
    exists = ValidationError({"period": _("本站%(y)s年%(m)s月的报告已存在。") % {"y": period.year, "m": period.month}})
    if MonthlyReport.objects.filter(station=station, period=period).exists():
        raise exists
    report = MonthlyReport(station=station, period=period, created_by=actor)
    try:
        with transaction.atomic():
            save_audited(report, actor=actor, reason=_("新建草稿"))
    except IntegrityError:
        raise exists from None
    _carry_open_cases(report, actor)
    return report


def _carry_open_cases(report: MonthlyReport, actor) -> None:
    """Cases still open at the end of last month are this month's opening stock: start the
    draft with those lines so the station head does not retype them."""
    previous_lines = MonthlyReportLine.objects.filter(
        report__station=report.station, report__period=previous_month(report.period)).order_by("domain", "target_group")
    for line in previous_lines:
        if line.cases_active_end > 0:
            save_audited(MonthlyReportLine(report=report, domain=line.domain, target_group=line.target_group,
                                           cases_active_start=line.cases_active_end), actor=actor)


@transaction.atomic
def report_save(*, actor, report: MonthlyReport, expected_version: int | None, data: dict,
                lines: list[dict] | None = None) -> MonthlyReport:
    """Save the station-wide figures and (when given) the full set of service lines."""
    _require_editor(actor, report)
    report = _lock(report, expected_version)
    _require_status(report, EDITABLE_STATUSES, _("%(status)s的报告不能修改。"))
    changed = apply_changes(report, data, REPORT_FIELDS)
    changed_lines = _replace_lines(report, lines, actor) if lines is not None else False
    if changed or changed_lines:
        _bump(report, actor, changed)
    return report


def _replace_lines(report: MonthlyReport, lines: list[dict], actor) -> bool:
    """Make the report's lines exactly ``lines`` (keyed by domain and target group): changed
    lines are updated and removed ones deleted, each with its own history record."""
    existing = {(line.domain, line.target_group): line for line in report.lines.order_by("domain", "target_group")}
    seen = set()
    changed = False
    for values in lines:
        key = (values["domain"], values["target_group"])
        if key in seen:
            raise ValidationError(_("“%(domain)s · %(group)s”填写了两次，请合并为一行。") % {
                "domain": MonthlyReportLine(domain=key[0]).get_domain_display(),
                "group": MonthlyReportLine(target_group=key[1]).get_target_group_display()})
        seen.add(key)
        line = existing.get(key) or MonthlyReportLine(report=report, domain=key[0], target_group=key[1])
        updates = [name for name in LINE_COUNT_FIELDS if getattr(line, name) != (values.get(name) or 0)]
        for name in updates:
            setattr(line, name, values.get(name) or 0)
        if line.pk is None or updates:
            save_audited(line, actor=actor, update_fields=updates if line.pk else None)
            changed = True
    for key, line in existing.items():
        if key not in seen:
            delete_audited(line, actor=actor)
            changed = True
    return changed


@transaction.atomic
def report_submit(*, actor, report: MonthlyReport, expected_version: int | None = None) -> MonthlyReport:
    """Send a draft (or a corrected returned report) to the county, once the month's submitting
    window has opened (``selectors.window``): before that a draft can only be saved."""
    _require_editor(actor, report, permissions.can_submit_report)
    report = _lock(report, expected_version)
    _require_status(report, EDITABLE_STATUSES, _("%(status)s的报告不能再次报送。"))
    window = submission_window(report.station.region, report.period)
    if not window.is_open:
        raise ValidationError(window.refusal)
    now = timezone.now()
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    report.submitted_by = actor
    report.first_submitted_at = report.first_submitted_at or now
    _bump(report, actor, ["status", "submitted_at", "submitted_by", "first_submitted_at"], reason=_("报送"))
    return report


def _send_back(actor, report: MonthlyReport, reason: str, expected_version: int | None, *, from_status: str,
               reason_missing: str, wrong_status: str, history_reason: str) -> MonthlyReport:
    """Return a report to its station as returned, with the reviewer's reason (checked, recorded
    on the report and in its history): a submitted report sent back, or an approved one reopened."""
    _require_reviewer(actor, report)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": reason_missing})
    report = _lock(report, expected_version)
    _require_status(report, [from_status], wrong_status)
    report.status = ReportStatus.RETURNED
    report.return_reason = reason
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report._reopening = from_status == ReportStatus.APPROVED  # the one write an approved report accepts
    _bump(report, actor, ["status", "return_reason", "reviewed_at", "reviewed_by"],
          reason=history_reason % {"reason": reason})
    return report


@transaction.atomic
def report_return(*, actor, report: MonthlyReport, reason: str,
                  expected_version: int | None = None) -> MonthlyReport:
    """Send a submitted report back to the station with the reason."""
    return _send_back(actor, report, reason, expected_version, from_status=ReportStatus.SUBMITTED,
                      reason_missing=_("退回时必须填写退回原因。"),
                      wrong_status=_("只能退回已报送的报告（当前为%(status)s）。"),
                      history_reason=_("退回：%(reason)s"))


@transaction.atomic
def report_approve(*, actor, report: MonthlyReport, expected_version: int | None = None) -> MonthlyReport:
    """Approve a submitted report; from now on it is read-only and counts in roll-ups."""
    _require_reviewer(actor, report)
    report = _lock(report, expected_version)
    _require_status(report, [ReportStatus.SUBMITTED], _("只能审核通过已报送的报告（当前为%(status)s）。"))
    report.status = ReportStatus.APPROVED
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    _bump(report, actor, ["status", "reviewed_at", "reviewed_by"], reason=_("审核通过"))
    return report


@transaction.atomic
def report_reopen(*, actor, report: MonthlyReport, reason: str,
                  expected_version: int | None = None) -> MonthlyReport:
    """Reopen an approved report for correction: it goes back to the station as returned,
    leaves the roll-ups until approved again, and the reason stays in the history
    (see ``MonthlyReport.save`` for the one write an approved report accepts)."""
    return _send_back(actor, report, reason, expected_version, from_status=ReportStatus.APPROVED,
                      reason_missing=_("重新打开已审核的报告时必须填写原因。"),
                      wrong_status=_("只能重新打开已审核通过的报告（当前为%(status)s）。"),
                      history_reason=_("重新打开：%(reason)s"))
