"""Writes that leave an audit record (django-simple-history) naming the actor, and the reading
of those records as people read them (:class:`HistoryReader`)."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import money

REASON_LENGTH = 100  # django-simple-history's history_change_reason column
MONEY_DIGITS = 14  # yuan are DecimalField(max_digits=14, decimal_places=2) throughout


def _reason(text: str) -> str:
    """The reason as the history column holds it: a longer one (a free-text return reason) is cut
    with an ellipsis; the full text stays on the record itself."""
    return text if len(text) <= REASON_LENGTH else text[:REASON_LENGTH - 1] + "…"


def save_audited(instance: models.Model, *, actor, update_fields: list[str] | None = None, reason: str = "",
                 clean_only: list[str] | None = None) -> None:
    """Validate and save ``instance``, recording ``actor`` and ``reason`` in its history.

    Call inside the service's transaction so the row and its audit record land together.
    ``clean_only`` validates just those fields (and the constraints among them), as a model form
    does the fields it edits: for an update of a row just read under lock, whose other fields were
    validated when they were written.
    """
    instance._history_user = actor
    if reason:
        instance._change_reason = _reason(reason)
    exclude = None if clean_only is None else [f.name for f in instance._meta.fields if f.name not in clean_only]
    instance.full_clean(exclude=exclude)
    if update_fields is not None and instance.pk:
        instance.save(update_fields=update_fields)
    else:
        instance.save()


def delete_audited(instance: models.Model, *, actor, reason: str = "") -> None:
    instance._history_user = actor
    if reason:
        instance._change_reason = _reason(reason)
    instance.delete()


def apply_changes(instance: models.Model, data: dict, allowed, *, ignore_unknown: bool = False) -> list[str]:
    """Set the values in ``data`` that differ on ``instance``; return the names changed.

    Only names in ``allowed`` may be set: others raise ``TypeError`` (or are skipped with
    ``ignore_unknown``), so a caller cannot write a field its service does not own.
    """
    changed = []
    for name, value in data.items():
        if name not in allowed:
            if ignore_unknown:
                continue
            raise TypeError(name)
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def edit_token(instance: models.Model) -> str:
    """What an edit form carries to detect a concurrent change: the ``version`` of a model
    that keeps one, else the id of the record's latest history entry (every audited save adds one)."""
    if hasattr(instance, "version"):
        return f"v{instance.version}"
    latest = instance.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return f"h{latest or 0}"


REFERENCE = re.compile(r"^(?P<app>[a-z_]+)\.(?P<model>[A-Za-z]+):(?P<pk>\d+)$")  # "assessments.Evaluation:2"


def _forward_relations(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


class HistoryReader:
    """History rows as people read them: each record by its own title (its ``__str__``), each
    changed value as it shows on screen: a choice by its label, a related record by its name (a
    user by name, a region by its name), a date as 2026年12月5日, yuan as ¥600,000.00, a
    reference such as "assessments.Evaluation:2" by the record's title. Related records are looked
    up once each and kept for the reader's life (one reader per page or export); a record that no
    longer exists reads "#id"."""

    def __init__(self):
        self._related: dict[tuple[type[models.Model], object], models.Model | None] = {}

    def prefetch(self, records) -> None:
        """Look up in bulk, one query per related model, the records these history rows point to."""
        wanted: dict[type[models.Model], set] = defaultdict(set)
        for record in records:
            for field in _forward_relations(record.instance_type):
                pk = getattr(record, field.attname, None)
                if pk is not None and (field.related_model, pk) not in self._related:
                    wanted[field.related_model].add(pk)
        for model, pks in wanted.items():
            found = model._base_manager.in_bulk(pks)
            for pk in pks:
                self._related[(model, pk)] = found.get(pk)

    def related(self, model: type[models.Model], pk) -> models.Model | None:
        key = (model, pk)
        if key not in self._related:
            self._related[key] = model._base_manager.filter(pk=pk).first()
        return self._related[key]

    def title(self, record) -> str:
        """The record as it was at this history row, by its own ``__str__``."""
        model = record.instance_type
        pk = getattr(record, model._meta.pk.attname)
        instance = record.instance
        for field in _forward_relations(model):
            value = getattr(record, field.attname, None)
            target = self.related(field.related_model, value) if value is not None else None
            if target is not None:
                field.set_cached_value(instance, target)
        try:
            text = str(instance)
        except ObjectDoesNotExist:  # it names a record deleted since
            text = ""
        return text or f"#{pk}"

    def value(self, model: type[models.Model], name: str, value) -> str | None:
        """One field's value as the screen shows it; ``None`` for an empty value."""
        if value is None or value == "" or value == []:
            return None
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return str(value)
        if field.is_relation and (field.many_to_one or field.one_to_one):
            target = self.related(field.related_model, value)
            return str(target) if target is not None else f"#{value}"
        if isinstance(value, (list, tuple)):
            base = getattr(field, "base_field", field)
            return "、".join(self._plain(base, item) for item in value)
        return self._plain(field, value)

    def _plain(self, field, value) -> str:
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value,
                                       "DATETIME_FORMAT")
        if isinstance(value, datetime.date):
            return formats.date_format(value)
        if isinstance(value, Decimal) and getattr(field, "decimal_places", None) == 2 \
                and getattr(field, "max_digits", None) == MONEY_DIGITS:
            return money.yuan(value)
        if isinstance(value, str) and (match := REFERENCE.match(value)):
            return self._reference(match) or value
        return str(value)

    def _reference(self, match) -> str | None:
        try:
            model = apps.get_model(match["app"], match["model"])
        except LookupError:
            return None
        target = self.related(model, int(match["pk"]))
        return str(target) if target is not None else None

    def changes(self, record, previous) -> list[tuple[str, str | None, str | None, str]]:
        """What changed from ``previous`` to ``record``: (label, old, new, field name), by field
        name. What a person edits, and whom or what the record names where no form edits it
        (报送人, 审核人); not the counters and timestamps a save keeps."""
        model = record.instance_type
        changed = {change.field: (change.old, change.new) for change in record.diff_against(previous).changes}
        for field in previous.tracked_fields:
            if not field.editable and field.is_relation:
                old, new = getattr(previous, field.attname), getattr(record, field.attname)
                if old != new:
                    changed[field.name] = (old, new)
        return [(str(model._meta.get_field(name).verbose_name), self.value(model, name, old),
                 self.value(model, name, new), name) for name, (old, new) in sorted(changed.items())]
