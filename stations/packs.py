"""Policy packs: one TOML file per policy document, with every rule it sets.

A pack has a ``[document]`` table and sections of rules: ``[[rules]]`` (scalar rules keyed by
the catalogue in ``stations.rules``), ``[[targets]]``, ``[[checklists]]`` with their
``[[checklists.items]]``, and sections other apps register (``[[stipends]]`` from workforce).
A file is validated whole before anything is written: a bad file writes nothing and each
problem names its line. Loading is idempotent: a pack is the whole truth about its document,
so loading it again changes nothing, and a rule dropped from the pack is removed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import delete_audited, save_audited
from stations.models import (
    PERCENT_METRICS,
    PolicyDocument,
    PolicyRule,
    Region,
    StandardChecklist,
    StandardItem,
    Target,
    TargetUnit,
)
from stations.pack_checks import (
    PackContext,
    Problem,
    _check_checklists,
    _check_document,
    _check_rules,
    _check_targets,
    _date,
    _key_name,
    _line_index,
    _line_of,
)
from stations.rules import rule_spec

PACK_DIR = Path(settings.BASE_DIR) / "stations" / "data" / "policies"

__all__ = ["PACK_DIR", "Counts", "PackContext", "PackError", "PackSection", "Problem", "apply_pack", "load_packs",
           "read_pack", "register_pack_section", "shipped_packs"]



class PackError(Exception):
    """A pack refused whole; ``messages`` name each problem with its line."""

    def __init__(self, path, messages: list[str]):
        self.path = path
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class Counts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.added += other.added
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.removed += other.removed
        return self


@dataclass(frozen=True)
class PackSection:
    """A section other apps add: ``validate(entries, context)`` returns problems (path relative
    to the entry: ``(index, key)``); ``apply(entries, document, actor)`` writes and counts."""

    name: str
    keys: frozenset
    validate: Callable[[list[dict], PackContext], list[Problem]]
    apply: Callable[[list[dict], PolicyDocument, object], Counts]


_SECTIONS: dict[str, PackSection] = {}


def register_pack_section(section: PackSection) -> None:
    _SECTIONS[section.name] = section


# -- reading -------------------------------------------------------------------------------

@dataclass
class Pack:
    path: Path
    document: dict
    sections: dict[str, list[dict]]
    region: Region | None
    skipped: str = ""  # why the pack was not loaded (region not loaded, region undetermined)


def read_pack(path: Path) -> Pack:
    """Parse and validate one pack; PackError (nothing written) when it has any problem."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = match.group(1) if match else "?"
        raise PackError(path, [_("第%(line)s行：文件格式错误（%(error)s）。") % {"line": line, "error": error}]) from error
    lines = _line_index(text)
    problems: list[Problem] = []
    for name in data:
        if name != "document" and name not in ("rules", "targets", "checklists") and name not in _SECTIONS:
            problems.append(Problem((name,), _("未知的部分“%(name)s”。") % {"name": name}))
    document = data.get("document")
    region, skipped = None, ""
    if not isinstance(document, dict):
        problems.append(Problem(("document",), _("缺少 [document] 部分。")))
        document = {}
    else:
        region, skipped = _check_document(document, problems)
    context = PackContext(document=document, region=region)
    sections = {}
    for name, checker in (("rules", _check_rules), ("targets", _check_targets), ("checklists", _check_checklists)):
        entries = _entries(data, name, problems)
        sections[name] = entries
        problems.extend(checker(entries, context))
    for name, section in _SECTIONS.items():
        entries = _entries(data, name, problems)
        sections[name] = entries
        for index, entry in enumerate(entries):
            for key in set(entry) - set(section.keys):
                problems.append(Problem((name, index, key), _("未知的键“%(key)s”。") % {"key": key}))
        problems.extend(Problem((name, *p.path), p.message) for p in section.validate(entries, context))
    if problems:
        messages = []
        for problem in problems:
            line = _line_of(lines, problem.path)
            where = _("第%(line)s行") % {"line": line} if line else _("文件")
            messages.append(f"{where}（{_key_name(problem.path)}）：{problem.message}")
        raise PackError(path, messages)
    return Pack(path=path, document=document, sections=sections, region=region, skipped=skipped)


def _entries(data: dict, name: str, problems: list[Problem]) -> list[dict]:
    entries = data.get(name, [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        problems.append(Problem((name,), _("“%(name)s”应写成 [[%(name)s]] 表。") % {"name": name}))
        return []
    return entries



def _save_if_changed(instance, values: dict, *, actor, reason: str, counts: Counts) -> None:
    if instance.pk is None:
        for name, value in values.items():
            setattr(instance, name, value)
        save_audited(instance, actor=actor, reason=reason)
        counts.added += 1
        return
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        counts.unchanged += 1
        return
    for name in changed:
        setattr(instance, name, values[name])
    save_audited(instance, actor=actor, reason=reason)
    counts.changed += 1


def _remove(queryset, *, actor, reason: str, counts: Counts) -> None:
    for instance in queryset:
        delete_audited(instance, actor=actor, reason=reason)
        counts.removed += 1


@transaction.atomic
def apply_pack(pack: Pack, *, actor) -> Counts:
    """Write one validated pack; the counts of what it added, changed, left alone and removed."""
    reason = _("政策文件包 %(name)s") % {"name": pack.path.name}
    counts = Counts()
    doc = pack.document
    issued = _date(doc.get("issued_on"), required=False)
    document = PolicyDocument.objects.filter(key=doc["key"]).first() or PolicyDocument(key=doc["key"])
    _save_if_changed(document, {
        "title": doc["title"].strip(), "issuer": doc.get("issuer", ""), "number": doc.get("number", ""),
        "issued_on": issued, "effective_from": _date(doc.get("effective_from"), required=False) or issued,
        "effective_note": doc.get("effective_note", ""), "repealed_on": _date(doc.get("repealed_on"), required=False),
        "region": pack.region, "url": doc.get("url", ""), "note": doc.get("note", ""),
    }, actor=actor, reason=reason, counts=counts)

    keys = []
    for entry in pack.sections["rules"]:
        spec = rule_spec(entry["key"])
        keys.append(spec.key)
        rule = PolicyRule.objects.filter(document=document, key=spec.key).first() or PolicyRule(
            document=document, key=spec.key)
        _save_if_changed(rule, {"value": spec.parse(entry["value"]), "clause": entry.get("clause", ""),
                                "quote": entry.get("quote", "")}, actor=actor, reason=reason, counts=counts)
    _remove(document.rules.exclude(key__in=keys), actor=actor, reason=reason, counts=counts)

    kept = []
    for entry in pack.sections["targets"]:
        metric, due = entry["metric"], _date(entry["due_on"])
        target = Target.objects.filter(document=document, region=pack.region, metric=metric, due_on=due).first() or Target(
            document=document, region=pack.region, metric=metric, due_on=due)
        unit = TargetUnit.PERCENT if metric in PERCENT_METRICS else TargetUnit.COUNT
        _save_if_changed(target, {"value": Decimal(str(entry["value"])), "unit": unit, "clause": entry.get("clause", ""),
                                  "quote": entry.get("quote", "")}, actor=actor, reason=reason, counts=counts)
        kept.append(target.pk)
    _remove(document.targets.exclude(pk__in=kept), actor=actor, reason=reason, counts=counts)

    kept = []
    for entry in pack.sections["checklists"]:
        checklist = StandardChecklist.objects.filter(document=document, name=entry["name"]).first() or StandardChecklist(
            document=document, name=entry["name"])
        _save_if_changed(checklist, {"province": pack.region, "description": entry.get("description", ""),
                                     "clause": entry.get("clause", ""), "quote": entry.get("quote", "")},
                         actor=actor, reason=reason, counts=counts)
        kept.append(checklist.pk)
        items = list(checklist.items.order_by("position", "pk"))
        for position, item_entry in enumerate(entry["items"], 1):
            item = items[position - 1] if position <= len(items) else StandardItem(checklist=checklist)
            minimum = item_entry.get("minimum")
            _save_if_changed(item, {
                "position": position, "title": item_entry["title"], "requirement": item_entry.get("requirement", ""),
                "metric": item_entry.get("metric", ""), "minimum": None if minimum is None else Decimal(str(minimum)),
                "clause": item_entry.get("clause", ""), "quote": item_entry.get("quote", ""),
            }, actor=actor, reason=reason, counts=counts)
        _remove(items[len(entry["items"]):], actor=actor, reason=reason, counts=counts)
    _remove(document.checklists.exclude(pk__in=kept), actor=actor, reason=reason, counts=counts)

    for name, section in _SECTIONS.items():
        counts += section.apply(pack.sections.get(name, []), document, actor)
    return counts


def shipped_packs() -> list[Path]:
    return sorted(PACK_DIR.glob("*.toml"))


@dataclass
class LoadResult:
    path: Path
    document: str
    counts: Counts | None = None
    skipped: str = ""


def load_packs(paths: list[Path], *, actor) -> list[LoadResult]:
    """Validate every pack first (PackError names all the problems of the first bad file, and
    nothing is written); then load those whose region is loaded, each in its own transaction."""
    packs = [read_pack(Path(path)) for path in paths]
    results = []
    for pack in packs:
        title = pack.document.get("title", pack.path.name)
        if pack.skipped:
            results.append(LoadResult(pack.path, title, skipped=pack.skipped))
            continue
        results.append(LoadResult(pack.path, title, counts=apply_pack(pack, actor=actor)))
    return results
