"""Writes that leave an audit record (django-simple-history) naming the actor."""

from __future__ import annotations

from django.db import models

REASON_LENGTH = 100  # django-simple-history's history_change_reason column


def _reason(text: str) -> str:
    """The reason as the history column holds it: a longer one (a free-text return reason) is cut
    with an ellipsis; the full text stays on the record itself."""
    return text if len(text) <= REASON_LENGTH else text[:REASON_LENGTH - 1] + "…"


def save_audited(instance: models.Model, *, actor, update_fields: list[str] | None = None, reason: str = "") -> None:
    """Validate and save ``instance``, recording ``actor`` and ``reason`` in its history.

    Call inside the service's transaction so the row and its audit record land together.
    """
    instance._history_user = actor
    if reason:
        instance._change_reason = _reason(reason)
    instance.full_clean()
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
