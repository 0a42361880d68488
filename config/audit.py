"""The audit trail across apps: who changed what and when, scoped like everything else.

Every audited model keeps its history with django-simple-history. The viewer reads each
model's history table restricted to the records the user may see now (``visible_to``) and to
the deleted records the user could see when they were deleted (:func:`deleted_scope`), in one
query per model, so the number of queries depends on the number of audited models, not on
the data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, Model, OuterRef, Q
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from simple_history.models import registered_models

from core.audit import HistoryReader
from core.scope import Scope, ScopedQuerySet, scope_of
from workforce.validators import birth_year, mask_id_numbers_in_text

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
    deleted: bool = False
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
        history = visible_history(model, user).select_related("history_user")
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


def visible_history(model: type[Model], user):
    """The model's history rows the user may see: those of the records visible to them now and
    those of the deleted records they could see when they were deleted. Superusers see all,
    including history left by records removed without a deletion entry. Each row is marked
    ``record_deleted`` when its record no longer exists."""
    pk = model._meta.pk.attname
    history = model.history.model.objects.annotate(
        record_deleted=~Exists(model._base_manager.filter(pk=OuterRef(pk))))
    scope = scope_of(user)
    if scope.everything:
        return history
    condition = Q(**{f"{pk}__in": model.objects.visible_to(user).values("pk")})
    deleted = deleted_scope(model, scope)
    if deleted is not None:
        gone = model.history.model.objects.filter(deleted, history_type="-").exclude(
            **{f"{pk}__in": model._base_manager.values("pk")})
        condition |= Q(**{f"{pk}__in": gone.values(pk)})
    return history.filter(condition)


def deleted_scope(model: type[Model], scope: Scope) -> Q | None:
    """The model's scope condition restated on its history rows, to be applied to a deleted
    record's deletion entry (the record as it was when deleted); ``None`` when it cannot be,
    and then only superusers see the model's deleted records.

    A lookup is kept when it starts at a field the record itself holds (its id, a value, a
    foreign key): history rows hold the same fields, and a foreign key leads to the live row it
    pointed to (a region, which is protected from deletion, or a station or contract, which
    must still exist: a record deleted together with its station is shown to superusers only).
    A lookup through other records' rows (reverse relations, many-to-many, subqueries) cannot
    be restated; in an ``OR`` that branch is dropped (the user sees fewer deleted records, never
    more), anywhere else the whole condition is. Models with a ``visible_to`` of their own
    (certificates and training records follow their person) and people (placed through their
    placement, removed with them) therefore show their deleted records to superusers only;
    organisations show theirs by registering or entering region, not by contracts."""
    queryset = model.objects.all()
    if not isinstance(queryset, ScopedQuerySet) or type(queryset).visible_to is not ScopedQuerySet.visible_to:
        return None
    condition = queryset.scope_q(scope)
    return None if condition is None else _on_history(condition, model, may_narrow=True)


def _on_history(condition: Q, model: type[Model], *, may_narrow: bool) -> Q | None:
    may_narrow = may_narrow and not condition.negated
    children = []
    for child in condition.children:
        if isinstance(child, Q):
            restated = _on_history(child, model, may_narrow=may_narrow)
        else:
            restated = _lookup_on_history(child, model)
        if restated is not None:
            children.append(restated)
        elif not (may_narrow and condition.connector == Q.OR):
            return None
    if not children:
        return None
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def _lookup_on_history(child: tuple[str, object], model: type[Model]) -> tuple[str, object] | None:
    lookup, value = child
    if hasattr(value, "resolve_expression"):
        return None  # an expression or subquery may refer to the row itself (a history row's pk is not the record's)
    first, *rest = lookup.split(LOOKUP_SEP)
    if first == "pk":
        first = model._meta.pk.name
    try:
        field = model._meta.get_field(first)
        model.history.model._meta.get_field(first)
    except FieldDoesNotExist:
        return None
    if not field.concrete or field.many_to_many:
        return None
    return LOOKUP_SEP.join([first, *rest]), value


def attach_changes(entries: list[AuditEntry], reader: HistoryReader | None = None) -> list[AuditEntry]:
    """The shown entries' titles (each record's own ``__str__``) and the before/after values of
    each change, as the screen shows them (labels, names, dates, yuan): one look-up per entry for
    its previous record, one per related model for the records the entries name."""
    reader = reader or HistoryReader()
    records = [entry.record for entry in entries]
    previous = {id(record): _previous(record) for record in records if record.history_type == "~"}
    reader.prefetch([*records, *(p for p in previous.values() if p is not None)])
    for entry in entries:
        record = entry.record
        entry.object_text = _masked("", reader.title(record))
        before = previous.get(id(record))
        if before is None or entry.changes:
            continue
        entry.changes = readable_changes(reader, record, before)
    return entries


def _previous(record):
    """The record's entry before this one (entries written in the same instant by their order)."""
    pk = record.instance_type._meta.pk.attname
    earlier = Q(history_date__lt=record.history_date) | Q(history_date=record.history_date,
                                                          history_id__lt=record.history_id)
    return (type(record)._default_manager.filter(earlier, **{pk: getattr(record, pk)})
            .order_by("-history_date", "-history_id").first())


def readable_changes(reader: HistoryReader, record, before) -> list[tuple[str, object, object]]:
    """(label, old, new) for each field changed since ``before``; ID numbers masked, birth dates
    cut to the year."""
    rows = []
    for label, old, new, name in reader.changes(record, before):
        if name == "birth_date":
            old, new = _masked(name, getattr(before, name, None)), _masked(name, getattr(record, name, None))
        rows.append((label, _masked(name, old), _masked(name, new)))
    return rows


def _masked(field_name: str, value):
    """ID numbers never appear in full in the audit trail (an ``id_number`` field or free text),
    nor a person's birth date, which is the part of the number the mask hides (the year is shown)."""
    if field_name == "birth_date":
        return birth_year(value) if isinstance(value, datetime.date) else value
    return mask_id_numbers_in_text(value) if isinstance(value, str) else value


def _entry(key: str, model: type[Model], record) -> AuditEntry:
    return AuditEntry(
        when=timezone.localtime(record.history_date),
        model_label=str(model._meta.verbose_name),
        model_key=key,
        object_id=getattr(record, model._meta.pk.attname),
        object_text=f"#{getattr(record, model._meta.pk.attname)}",  # the title comes with attach_changes
        action=HISTORY_TYPES.get(record.history_type, record.history_type),
        user=str(record.history_user) if record.history_user else "—",
        reason=record.history_change_reason or "",
        record=record,
        deleted=getattr(record, "record_deleted", False),
    )
