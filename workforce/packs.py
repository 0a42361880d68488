"""The ``[[stipends]]`` section of a policy pack (registered with ``stations.packs``)."""

from __future__ import annotations

from stations.packs import Counts, PackSection, register_pack_section

STIPEND_KEYS = frozenset({"kind", "level", "amount", "clause", "quote", "effective_from", "effective_to"})


def _validate(entries, context):
    return []


def _apply(entries, document, actor) -> Counts:
    return Counts()


def register() -> None:
    register_pack_section(PackSection("stipends", STIPEND_KEYS, _validate, _apply))
