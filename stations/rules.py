"""The catalogue of rule keys a policy document may set.

A key names a rule and says how its value reads (a whole number, a decimal, a
percentage, one or several choices, an installment schedule). The catalogue
holds no values: every value comes from a document. ``stations`` knows no other
app, so apps register their rules here from ``AppConfig.ready()``, as they
register station figures in ``stations.metrics``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Choices = Callable[[], list[tuple[str, str]]]


@dataclass(frozen=True)
class RuleSpec:
    key: str
    label: str
    kind: str  # int / decimal / percent / choice / choices / installments
    group: str = ""
    unit: str = ""
    choices: Choices | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    help: str = ""
    schedule_triggers: Choices | None = field(default=None)

    def _choice_map(self) -> dict[str, str]:
        return {str(value): str(label) for value, label in (self.choices() if self.choices else [])}

    def parse(self, raw):
        """The value normalised for storage (decimals as text, so they stay exact); ValueError
        with a message in the user's language when it does not read as this rule's kind."""
        if self.kind == "int":
            if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).strip().lstrip("-").isdigit():
                raise ValueError(_("应为整数。"))
            value = int(raw)
            self._check_range(Decimal(value))
            return value
        if self.kind in ("decimal", "percent"):
            value = _decimal(raw)
            if self.kind == "percent" and not Decimal(0) <= value <= Decimal(100):
                raise ValueError(_("百分比应在0到100之间。"))
            self._check_range(value)
            return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        if self.kind == "choice":
            if str(raw) not in self._choice_map():
                raise ValueError(_("应为以下之一：%(choices)s。") % {"choices": "、".join(self._choice_map())})
            return str(raw)
        if self.kind == "choices":
            if not isinstance(raw, list) or not raw:
                raise ValueError(_("应为非空列表。"))
            unknown = [str(item) for item in raw if str(item) not in self._choice_map()]
            if unknown:
                raise ValueError(_("未知的取值：%(values)s；可选：%(choices)s。") % {
                    "values": "、".join(unknown), "choices": "、".join(self._choice_map())})
            return list(dict.fromkeys(str(item) for item in raw))
        if self.kind == "installments":
            return self._parse_installments(raw)
        raise ValueError(_("未知的规则类型。"))

    def _check_range(self, value: Decimal) -> None:
        if self.minimum is not None and value < self.minimum:
            raise ValueError(_("不能小于%(n)s。") % {"n": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValueError(_("不能大于%(n)s。") % {"n": self.maximum})

    def _parse_installments(self, raw) -> list[dict]:
        if not isinstance(raw, list) or not raw:
            raise ValueError(_("付款分期应为非空列表。"))
        triggers = {str(value) for value, _label in (self.schedule_triggers() if self.schedule_triggers else [])}
        rows, total = [], Decimal(0)
        for number, item in enumerate(raw, 1):
            if not isinstance(item, dict) or set(item) - {"percent", "trigger"} or "percent" not in item:
                raise ValueError(_("第%(n)s期应写明 percent（比例）和 trigger（支付条件）。") % {"n": number})
            percent = _decimal(item["percent"])
            if not Decimal(0) < percent <= Decimal(100):
                raise ValueError(_("第%(n)s期比例应在0到100之间。") % {"n": number})
            if str(item.get("trigger", "")) not in triggers:
                raise ValueError(_("第%(n)s期支付条件应为以下之一：%(choices)s。") % {
                    "n": number, "choices": "、".join(sorted(triggers))})
            total += percent
            rows.append({"percent": format(percent.normalize(), "f"), "trigger": str(item["trigger"])})
        if total != Decimal(100):
            raise ValueError(_("各期比例合计应为100%%，现为%(total)s%%。") % {"total": format(total.normalize(), "f")})
        return rows

    def typed(self, stored):
        """The stored value as Python: int, Decimal, str, list of str, or list of installment dicts."""
        if self.kind in ("decimal", "percent"):
            return Decimal(str(stored))
        if self.kind == "installments":
            return [{"percent": Decimal(row["percent"]), "trigger": row["trigger"]} for row in stored]
        return stored

    def display(self, stored) -> str:
        choices = self._choice_map()
        if self.kind == "choice":
            return choices.get(str(stored), str(stored))
        if self.kind == "choices":
            return "、".join(choices.get(str(item), str(item)) for item in stored)
        if self.kind == "installments":
            triggers = {str(v): str(label) for v, label in (self.schedule_triggers() if self.schedule_triggers else [])}
            return "；".join(f"{triggers.get(row['trigger'], row['trigger'])} {row['percent']}%" for row in stored)
        if self.kind == "percent":
            return f"{stored}%"
        return f"{stored}{self.unit}"


def _decimal(raw) -> Decimal:
    if isinstance(raw, bool) or (isinstance(raw, float) and raw != raw):
        raise ValueError(_("应为数字。"))
    try:
        value = Decimal(str(raw))
    except InvalidOperation as error:
        raise ValueError(_("应为数字。")) from error
    if not value.is_finite():
        raise ValueError(_("应为数字。"))
    return value


_REGISTRY: dict[str, RuleSpec] = {}
GROUPS: dict[str, str] = {}


def register_rule_group(key: str, label) -> None:
    GROUPS[key] = label


def register_rule(spec: RuleSpec) -> None:
    _REGISTRY[spec.key] = spec


def rule_spec(key: str) -> RuleSpec | None:
    return _REGISTRY.get(key)


def rule_specs() -> list[RuleSpec]:
    return list(_REGISTRY.values())


def rule_choices() -> list[tuple[str, str]]:
    return [(spec.key, f"{spec.label}（{spec.key}）") for spec in _REGISTRY.values()]


register_rule_group("coverage", gettext_lazy("建设与覆盖"))
register_rule_group("workforce", gettext_lazy("社工人才"))
register_rule_group("projects", gettext_lazy("购买服务与资金"))
register_rule_group("reporting", gettext_lazy("报告与评估"))
