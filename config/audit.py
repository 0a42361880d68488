"""The audit trail across apps: who changed what and when, scoped like everything else.

Every audited model keeps its history with django-simple-history. The viewer reads each
model's history table restricted to the records the user may see now (``visible_to``), so
the number of queries depends on the number of audited models, not on the data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Model
from django.utils import timezone
from simple_history.models import registered_models

from stations.scope import scope_of
from workforce.validators import mask_id_numbers_in_text

HISTORY_TYPES = {"+": "新增", "~": "修改", "-": "删除"}


@dataclass
class AuditEntry:
    when: datetime.datetime
    model_label: str
    model_key: str
    object_id: int
    object_text: str
    action: str
    user: str
    reason: str
    record: object = None
    changes: list[tuple[str, object, object]] = field(default_factory=list)


def audited_models() -> dict[str, type[Model]]:
    """Audited models that can be scoped (through rows): ``app_label.model`` → model."""
    models = {}
    for model in registered_models.values():
        if model._meta.auto_created or not hasattr(model.objects, "visible_to"):
            continue
        models[model._meta.label_lower] = model
    return dict(sorted(models.items()))


def audit_entries(*, user, model_key: str = "", username: str = "", date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None, object_id: int | None = None,
                  limit: int = 200) -> list[AuditEntry]:
    """The most recent audit entries the user may see, newest first (without field changes:
    call :func:`attach_changes` on the entries actually shown)."""
    if scope_of(user).nothing:
        return []
    entries: list[AuditEntry] = []
    for key, model in audited_models().items():
        if model_key and key != model_key:
            continue
        history = model.history.model.objects.filter(
            **{f"{model._meta.pk.attname}__in": model.objects.visible_to(user).values("pk")}
        ).select_related("history_user")
        if username:
            history = history.filter(history_user__username=username)
        if object_id:
            history = history.filter(**{model._meta.pk.attname: object_id})
        if date_from:
            history = history.filter(history_date__date__gte=date_from)
        if date_to:
            history = history.filter(history_date__date__lte=date_to)
        for record in history.order_by("-history_date", "-history_id")[:limit]:
            entries.append(_entry(key, model, record))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def attach_changes(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Before/after values of each change shown (one look-up per entry on the page)."""
    for entry in entries:
        record = entry.record
        if record.history_type != "~" or entry.changes:
            continue
        previous = record.prev_record
        if previous is None:
            continue
        model = record.instance_type
        for change in record.diff_against(previous).changes:
            label = str(model._meta.get_field(change.field).verbose_name)
            entry.changes.append((label, _masked(change.old), _masked(change.new)))
    return entries


def _masked(value):
    """ID numbers never appear in full in the audit trail (an ``id_number`` field or free text)."""
    return mask_id_numbers_in_text(value) if isinstance(value, str) else value


def _entry(key: str, model: type[Model], record) -> AuditEntry:
    return AuditEntry(
        when=timezone.localtime(record.history_date),
        model_label=str(model._meta.verbose_name),
        model_key=key,
        object_id=getattr(record, model._meta.pk.attname),
        object_text=_object_text(record, model),
        action=HISTORY_TYPES.get(record.history_type, record.history_type),
        user=str(record.history_user) if record.history_user else "—",
        reason=record.history_change_reason or "",
        record=record,
    )


def _object_text(record, model: type[Model]) -> str:
    for attribute in ("name", "number", "title"):
        value = getattr(record, attribute, None)
        if value:
            return str(value)
    return f"#{getattr(record, model._meta.pk.attname)}"  # the record's id (a history row's own pk is its entry's)
