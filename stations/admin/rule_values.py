"""A rule's value as a person types it in the admin, and back: a number (``60``), a choice
(``hire``), a list as comma-separated values (``degree,certificate``), an installment schedule as
``trigger:percent`` pairs (``effective:50,midterm_passed:30,final_passed:20``). The typed text only
takes the shape of a pack's value; ``RuleSpec.parse`` then accepts or refuses it exactly as it does
a pack's."""

from __future__ import annotations

import re

from stations.rules import RuleSpec

SEPARATORS = re.compile(r"[,，、;；\s]+")
PAIR = re.compile(r"[:：=]")


def _items(text: str) -> list[str]:
    return [item for item in SEPARATORS.split(text.strip()) if item]


def value_from_text(spec: RuleSpec, text: str):
    """The pack-shaped value the text stands for (not yet checked)."""
    text = (text or "").strip()
    if spec.kind in ("decimal", "percent"):
        return text.removesuffix("%").removesuffix("％").strip()
    if spec.kind == "choices":
        return _items(text)
    if spec.kind == "installments":
        schedule = []
        for item in _items(text):
            parts = PAIR.split(item, maxsplit=1)
            if len(parts) == 2:
                schedule.append({"trigger": parts[0].strip(), "percent": parts[1].strip().removesuffix("%")})
            else:
                schedule.append({"trigger": item})  # no percent: parse names the installment lacking one
        return schedule
    return text


def text_from_value(spec: RuleSpec | None, stored) -> str:
    """The stored value as the admin shows it for editing (the inverse of ``value_from_text``)."""
    if stored is None:
        return ""
    if spec is not None and spec.kind == "installments":
        return ",".join(f"{row['trigger']}:{row['percent']}" for row in stored)
    if isinstance(stored, list):
        return ",".join(str(item) for item in stored)
    return str(stored)
