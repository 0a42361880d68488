"""A station's status history: the rule every new status record follows, and corrections.

The history only moves forward. A new record is dated after the station's latest (non-voided)
one and is a step the lifecycle allows (``STATUS_TRANSITIONS``; a reopening needs a reason).
:func:`check_status_change` is that rule, asked by the service, the screens, the admin and the
import alike. A past record changes only by an explicit correction (:func:`status_change_correct`,
:func:`status_change_void`): audited, with a reason, and kept consistent with its neighbours."""

from __future__ import annotations

import copy
import datetime
import itertools
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import save_audited
from stations.models import (
    REOPENING,
    STATUS_TRANSITIONS,
    CorrectionAction,
    Station,
    StationStatus,
    StationStatusChange,
    StationStatusCorrection,
)
from stations.permissions import can_correct_status_change
from stations.services.summaries import stations_changed


class StatusRecord(NamedTuple):
    """What the rule needs of a record (a ``StationStatusChange`` has the same attributes)."""

    status: str
    effective_on: datetime.date
    reason: str = ""


def status_label(status: str) -> str:
    return str(StationStatus(status).label) if status in StationStatus.values else status


def allowed_after(status: str) -> list[str]:
    return [status_label(allowed) for allowed in STATUS_TRANSITIONS.get(status, ())]


def latest_status_record(station: Station) -> StationStatusChange | None:
    """The station's latest record that counts (not voided)."""
    return station.status_changes.active().order_by("-effective_on", "-pk").first()


def _names(record) -> dict:
    return {"latest_on": record.effective_on, "latest": status_label(record.status)}


def _transition_refusal(previous, status: str, reason: str) -> tuple[str, str] | None:
    """(field, why) when ``status`` may not follow ``previous`` (a record) in the lifecycle."""
    if status not in STATUS_TRANSITIONS.get(previous.status, ()):
        allowed = _("、").join(allowed_after(previous.status)) or _("（无）")
        return "status", _("“%(previous)s”之后只能变更为%(allowed)s，不能变更为“%(status)s”。") % {
            "previous": status_label(previous.status), "allowed": allowed, "status": status_label(status)}
    if (previous.status, status) == REOPENING and not (reason or "").strip():
        return "reason", _("关闭的站点重新开放（变更为“运营”）须填写原因。")
    return None


def check_status_change(*, latest, status: str, effective_on: datetime.date, reason: str = "") -> None:
    """Refuses a new status record that does not move the history forward: an unknown status, a
    date on or before the ``latest`` record's (a record with ``status``, ``effective_on``; None for
    a station's first record), or a step the lifecycle does not allow. Each message names the
    latest record."""
    if status not in StationStatus.values:
        raise ValidationError({"status": _("状态“%(status)s”不在可选范围内。") % {"status": status}})
    if latest is None:
        return
    names = _names(latest)
    if effective_on <= latest.effective_on:
        first = (_("该站点在 %(date)s 已有一次状态变更。") % {"date": effective_on}
                 if effective_on == latest.effective_on else _("状态变更只能按时间先后登记。"))
        raise ValidationError({"effective_on": first + _(
            "该站点最近一条状态记录是 %(latest_on)s 的“%(latest)s”，新的生效日期须晚于 %(latest_on)s；"
            "如需改正以前的记录，请在站点页面的状态变更记录中点“更正”。") % names})
    refusal = _transition_refusal(latest, status, reason)
    if refusal:
        field, why = refusal
        raise ValidationError({field: _("该站点最近一条状态记录是 %(latest_on)s 的“%(latest)s”。") % names + why})


# ------------------------------------------------------------------ corrections

def _locked_change(actor, change: StationStatusChange, reason: str) -> StationStatusChange:
    if not can_correct_status_change(actor, change):
        raise PermissionDenied(_("只有县级及以上民政部门可以更正本辖区站点的状态记录。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写更正原因。")})
    Station.objects.select_for_update().filter(pk=change.station_id).first()
    change = StationStatusChange.objects.select_related("station").get(pk=change.pk)
    if change.voided:
        raise ValidationError(_("这条状态记录已作废，不能再更正。"))
    return change


def _check_corrected_history(change: StationStatusChange, corrected: StationStatusChange | None) -> None:
    """Refuses a correction after which the history would not be a forward sequence of allowed
    steps on distinct dates (``corrected``: the record as corrected; None when it is voided). Only
    the steps the correction creates are checked: a step already in the history stays as it was."""
    others = list(change.station.status_changes.active().exclude(pk=change.pk).order_by("effective_on", "pk"))
    if corrected is not None:
        clash = next((other for other in others if other.effective_on == corrected.effective_on), None)
        if clash:
            raise ValidationError({"effective_on": _("该站点在 %(date)s 已有另一条状态记录（“%(status)s”），"
                                                     "同一天只能有一条。") % {
                "date": clash.effective_on, "status": status_label(clash.status)}})

    def steps(records):
        ordered = sorted(records, key=lambda record: (record.effective_on, record.pk))
        return list(itertools.pairwise(ordered))

    existing = {(a.pk, a.status, b.pk, b.status) for a, b in steps([*others, change])}
    for previous, record in steps([*others] if corrected is None else [*others, corrected]):
        if (previous.pk, previous.status, record.pk, record.status) in existing:
            continue
        refusal = _transition_refusal(previous, record.status, record.reason)
        if refusal:
            raise ValidationError(_("更正后，%(previous_on)s 的“%(previous)s”之后是 %(on)s 的“%(status)s”，"
                                    "不符合站点状态的流转规则：") % {
                "previous_on": previous.effective_on, "previous": status_label(previous.status),
                "on": record.effective_on, "status": status_label(record.status)} + refusal[1])


def _record_correction(*, actor, change, action, old: StatusRecord, reason: str) -> StationStatusCorrection:
    correction = StationStatusCorrection(
        change=change, action=action, old_status=old.status, old_effective_on=old.effective_on,
        new_status="" if action == CorrectionAction.VOID else change.status,
        new_effective_on=None if action == CorrectionAction.VOID else change.effective_on,
        reason=reason, corrected_by=actor)
    save_audited(correction, actor=actor, reason=reason)
    stations_changed([change.station_id])
    return correction


@transaction.atomic
def status_change_correct(*, actor, change: StationStatusChange, status: str, effective_on: datetime.date,
                          reason: str) -> StationStatusCorrection:
    """Correct a status record's status or date. The record's earlier values stay in its history
    and in the correction; the station's coverage periods are rebuilt."""
    change = _locked_change(actor, change, reason)
    if status not in StationStatus.values:
        raise ValidationError({"status": _("状态“%(status)s”不在可选范围内。") % {"status": status}})
    old = StatusRecord(change.status, change.effective_on, change.reason)
    if (status, effective_on) == (old.status, old.effective_on):
        raise ValidationError(_("状态和生效日期都没有改动，无需更正。"))
    corrected = copy.copy(change)
    # The record's own reason may say why the station reopened; else the correction's does.
    corrected.status, corrected.effective_on, corrected.reason = status, effective_on, change.reason or reason
    _check_corrected_history(change, corrected)
    change.status, change.effective_on = status, effective_on
    save_audited(change, actor=actor, update_fields=["status", "effective_on"],
                 reason=_("更正：%(reason)s") % {"reason": reason})
    return _record_correction(actor=actor, change=change, action=CorrectionAction.CORRECT, old=old, reason=reason)


@transaction.atomic
def status_change_void(*, actor, change: StationStatusChange, reason: str) -> StationStatusCorrection:
    """Void a wrong status record: it stays, flagged with who voided it, when and why, and no longer
    counts. A station's only record that counts cannot be voided (correct it instead)."""
    change = _locked_change(actor, change, reason)
    if not change.station.status_changes.active().exclude(pk=change.pk).exists():
        raise ValidationError(_("这是该站点唯一有效的状态记录，不能作废；如有错误请更正其状态或日期。"))
    _check_corrected_history(change, None)
    old = StatusRecord(change.status, change.effective_on, change.reason)
    change.voided, change.voided_reason, change.voided_by, change.voided_at = True, reason, actor, timezone.now()
    save_audited(change, actor=actor, update_fields=["voided", "voided_reason", "voided_by", "voided_at"],
                 reason=_("作废：%(reason)s") % {"reason": reason})
    return _record_correction(actor=actor, change=change, action=CorrectionAction.VOID, old=old, reason=reason)
