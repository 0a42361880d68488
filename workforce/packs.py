"""The ``[[stipends]]`` section of a policy pack (registered with ``stations.packs``).

Each entry is one rate of the document: ``kind`` (a stipend kind), ``level`` (1 助理, 2 中级,
3 高级), ``amount`` in yuan (exact, at most two decimals, not negative), ``clause`` and ``quote``,
and optionally ``effective_from`` / ``effective_to`` when the document names dates of its own
for the rate (otherwise the rate runs from the document's date). Loading is idempotent: the
rate of the document for a kind and level is updated in place, and rates of the document the
pack no longer lists are removed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.audit import delete_audited, save_audited
from stations.packs import Counts, PackSection, Problem, register_pack_section
from workforce.models import CertificateLevel, StipendKind, StipendPolicy

STIPEND_KEYS = frozenset({"kind", "level", "amount", "clause", "quote", "effective_from", "effective_to"})
MAX_AMOUNT = Decimal("999999999999.99")  # the amount column's 14 digits


def _amount(raw) -> Decimal | None:
    """The amount as an exact decimal of yuan, or None when it is not one."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        return None
    return value.quantize(Decimal("0.01"))


def _date(raw) -> datetime.date:
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return raw
    if isinstance(raw, str):
        return datetime.date.fromisoformat(raw)
    raise ValueError


def _document_start(document: dict) -> datetime.date | None:
    for key in ("effective_from", "issued_on"):
        try:
            return _date(document.get(key))
        except ValueError:
            continue
    return None


def _validate(entries, context) -> list[Problem]:
    problems = []
    seen = set()

    def problem(index, key, message):
        problems.append(Problem((index, key), message))

    for index, entry in enumerate(entries):
        kind, level = entry.get("kind"), entry.get("level")
        for key in ("kind", "level"):
            if key not in entry:
                problem(index, key, _("必须填写。"))
        if "kind" in entry and kind not in StipendKind.values:
            problem(index, "kind", _("未知的补贴类别“%(kind)s”；可选：%(choices)s。") % {
                "kind": kind, "choices": "、".join(StipendKind.values)})
        if "level" in entry and (isinstance(level, bool) or level not in CertificateLevel.values):
            problem(index, "level", _("证书等级应为 1（助理社会工作师）、2（社会工作师）或 3（高级社会工作师）。"))
        if "amount" not in entry:
            problem(index, "amount", _("必须填写。"))
        elif _amount(entry["amount"]) is None:
            problem(index, "amount", _("金额应为不小于0、最多两位小数的数字（元）。"))
        if (kind, level) in seen:
            problem(index, "level", _("同一补贴类别、同一证书等级重复。"))
        seen.add((kind, level))
        for key, limit in (("clause", 100), ("quote", 300)):
            if key in entry and (not isinstance(entry[key], str) or len(entry[key]) > limit):
                problem(index, key, _("应为不超过%(n)s字的文字。") % {"n": limit})
        dates = {}
        for key in ("effective_from", "effective_to"):
            if key in entry:
                try:
                    dates[key] = _date(entry[key])
                except ValueError:
                    problem(index, key, _("日期无法识别，应写成 2021-02-26。"))
        start = dates.get("effective_from") or _document_start(context.document)
        if dates.get("effective_to") and start and dates["effective_to"] < start:
            problem(index, "effective_to", _("截止日期不能早于生效日期。"))
    return problems


def _apply(entries, document, actor) -> Counts:
    """Write the document's rates; the counts of rates added, changed, unchanged and removed."""
    reason = _("政策文件 %(key)s") % {"key": document.key}
    counts = Counts()
    kept = []
    for entry in entries:
        rate = (StipendPolicy.objects.filter(document=document, kind=entry["kind"], level=entry["level"])
                .order_by("effective_from", "pk").first())
        values = {
            "region": document.region, "amount": _amount(entry["amount"]), "clause": entry.get("clause", ""),
            "quote": entry.get("quote", ""),
            "effective_from": _date(entry["effective_from"]) if "effective_from" in entry else document.effective_from,
            "effective_to": _date(entry["effective_to"]) if "effective_to" in entry else None,
        }
        if rate is None:
            rate = StipendPolicy(document=document, kind=entry["kind"], level=entry["level"], **values)
            save_audited(rate, actor=actor, reason=reason)
            counts.added += 1
        elif any(getattr(rate, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(rate, name, value)
            save_audited(rate, actor=actor, reason=reason)
            counts.changed += 1
        else:
            counts.unchanged += 1
        kept.append(rate.pk)
    for rate in document.stipends.exclude(pk__in=kept):
        delete_audited(rate, actor=actor, reason=reason)
        counts.removed += 1
    return counts


def register() -> None:
    register_pack_section(PackSection("stipends", STIPEND_KEYS, _validate, _apply))
