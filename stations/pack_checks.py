"""Checking the parts of a policy pack: the document, its scalar rules, targets and standards
checklists. Each check returns the problems it finds, each with the path of the key it is about
(``stations.packs`` turns a path into the file's line); nothing here writes."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from stations.models import PERCENT_METRICS, ItemMetric, Region, RegionLevel, TargetMetric
from stations.models.targets import TARGET_LEVELS
from stations.rules import rule_spec

DOCUMENT_KEYS = {"key", "title", "issuer", "number", "issued_on", "effective_from", "effective_note",
                 "repealed_on", "region", "region_undetermined", "url", "note"}
RULE_KEYS = {"key", "value", "clause", "quote"}
TARGET_KEYS = {"metric", "value", "due_on", "clause", "quote"}
CHECKLIST_KEYS = {"name", "description", "clause", "quote", "items"}
ITEM_KEYS = {"title", "requirement", "metric", "minimum", "clause", "quote"}

@dataclass
class Problem:
    path: tuple
    message: str



@dataclass
class PackContext:
    document: dict
    region: Region | None



def _date(value, *, required: bool = True) -> datetime.date | None:
    if value is None and not required:
        return None
    if isinstance(value, datetime.datetime):
        raise ValueError
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    raise ValueError



def _check_document(document: dict, problems: list[Problem]) -> tuple[Region | None, str]:
    def problem(key, message):
        problems.append(Problem(("document", key), message))

    for key in set(document) - DOCUMENT_KEYS:
        problem(key, _("未知的键“%(key)s”。") % {"key": key})
    for key in ("key", "title"):
        if not isinstance(document.get(key), str) or not document.get(key, "").strip():
            problem(key, _("必须填写。"))
    if isinstance(document.get("key"), str) and not re.fullmatch(r"[A-Za-z0-9_\-]{1,60}", document["key"]):
        problem("key", _("只能由字母、数字、连字符和下划线组成。"))
    dates = {}
    for key in ("issued_on", "effective_from", "repealed_on"):
        try:
            dates[key] = _date(document.get(key), required=False)
        except ValueError:
            problem(key, _("日期无法识别，应写成 2021-02-26。"))
    if "effective_from" not in document and "issued_on" not in document:
        problem("effective_from", _("文件未印日期时须写明施行日期（effective_from）及其说明。"))
    effective = dates.get("effective_from") or dates.get("issued_on")
    if dates.get("repealed_on") and effective and dates["repealed_on"] <= effective:
        problem("repealed_on", _("废止日期须晚于施行日期。"))
    for key in ("issuer", "number", "effective_note", "url", "note", "region_undetermined"):
        if key in document and not isinstance(document[key], str):
            problem(key, _("应为文字。"))
    if "region_undetermined" in document:
        if "region" in document:
            problem("region", _("已写明区划无法确定，不能同时填写区划。"))
        return None, _("文件未写明可确定的适用区划：%(why)s") % {"why": document["region_undetermined"]}
    code = document.get("region")
    if not isinstance(code, str) or not re.fullmatch(r"\d{12}", code):
        problem("region", _("应为12位统计用区划代码；无法确定时写 region_undetermined 并说明原因。"))
        return None, ""
    region = Region.objects.filter(code=code).first()
    if region is None:
        province = code[:2].ljust(12, "0")
        if Region.objects.filter(code=province).exists():
            problem("region", _("区划代码 %(code)s 不存在。") % {"code": code})
            return None, ""
        return None, _("区划 %(code)s 所在省份的区划未载入") % {"code": code}
    if region.level not in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        problem("region", _("政策文件只能适用于省、市、县或乡镇（街道）。"))
    return region, ""


def _check_rules(entries: list[dict], context: PackContext) -> list[Problem]:
    problems, seen = [], set()
    for index, entry in enumerate(entries):
        for key in set(entry) - RULE_KEYS:
            problems.append(Problem(("rules", index, key), _("未知的键“%(key)s”。") % {"key": key}))
        spec = rule_spec(str(entry.get("key", "")))
        if spec is None:
            problems.append(Problem(("rules", index, "key"), _("未知的规则“%(key)s”。") % {"key": entry.get("key", "")}))
            continue
        if spec.key in seen:
            problems.append(Problem(("rules", index, "key"), _("规则“%(key)s”重复。") % {"key": spec.key}))
        seen.add(spec.key)
        if "value" not in entry:
            problems.append(Problem(("rules", index, "value"), _("必须填写。")))
            continue
        try:
            spec.parse(entry["value"])
        except ValueError as error:
            problems.append(Problem(("rules", index, "value"), f"{spec.label}：{error}"))
        problems.extend(_text_problems(("rules", index), entry))
    return problems


def _text_problems(path: tuple, entry: dict) -> list[Problem]:
    problems = []
    for key, limit in (("clause", 100), ("quote", 300)):
        if key in entry and (not isinstance(entry[key], str) or len(entry[key]) > limit):
            problems.append(Problem((*path, key), _("应为不超过%(n)s字的文字。") % {"n": limit}))
    return problems


def _check_targets(entries: list[dict], context: PackContext) -> list[Problem]:
    problems, seen = [], set()
    region = context.region
    if entries and region is not None and region.level not in TARGET_LEVELS:
        problems.append(Problem(("targets",), _("目标只能由省、市（州）或县（市、区）的文件设定。")))
    for index, entry in enumerate(entries):
        path = ("targets", index)
        for key in set(entry) - TARGET_KEYS:
            problems.append(Problem((*path, key), _("未知的键“%(key)s”。") % {"key": key}))
        metric = entry.get("metric")
        if metric not in TargetMetric.values:
            problems.append(Problem((*path, "metric"), _("未知的指标“%(metric)s”；可选：%(choices)s。") % {
                "metric": metric, "choices": "、".join(TargetMetric.values)}))
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            problems.append(Problem((*path, "value"), _("应为数字。")))
        else:
            try:
                number = Decimal(str(value))
            except ArithmeticError:
                number = None
            if number is None or not number.is_finite() or number < 0:
                problems.append(Problem((*path, "value"), _("应为不小于0的数字。")))
            elif metric in PERCENT_METRICS and number > 100:
                problems.append(Problem((*path, "value"), _("百分比目标不能超过100，现为%(n)s。") % {"n": value}))
        try:
            due = _date(entry.get("due_on"))
        except ValueError:
            due = None
            problems.append(Problem((*path, "due_on"), _("日期无法识别，应写成 2021-12-31。")))
        if (metric, due) in seen:
            problems.append(Problem((*path, "due_on"), _("同一指标同一期限的目标重复。")))
        seen.add((metric, due))
        problems.extend(_text_problems(path, entry))
    return problems


def _check_checklists(entries: list[dict], context: PackContext) -> list[Problem]:
    problems = []
    if entries and context.region is not None and context.region.level != RegionLevel.PROVINCE:
        problems.append(Problem(("checklists",), _("建设标准只能由省级文件设定。")))
    names = set()
    for index, entry in enumerate(entries):
        path = ("checklists", index)
        for key in set(entry) - CHECKLIST_KEYS:
            problems.append(Problem((*path, key), _("未知的键“%(key)s”。") % {"key": key}))
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 50:
            problems.append(Problem((*path, "name"), _("应为不超过50字的标准名称。")))
        if name in names:
            problems.append(Problem((*path, "name"), _("标准名称重复。")))
        names.add(name)
        problems.extend(_text_problems(path, entry))
        items = entry.get("items", [])
        if not isinstance(items, list) or not items:
            problems.append(Problem((*path, "items"), _("至少应有一个条目（[[checklists.items]]）。")))
            continue
        for position, item in enumerate(items):
            item_path = (*path, "items", position)
            for key in set(item) - ITEM_KEYS:
                problems.append(Problem((*item_path, key), _("未知的键“%(key)s”。") % {"key": key}))
            if not isinstance(item.get("title"), str) or not item["title"].strip() or len(item["title"]) > 50:
                problems.append(Problem((*item_path, "title"), _("应为不超过50字的条目名称。")))
            metric = item.get("metric", "")
            if metric and metric not in ItemMetric.values:
                problems.append(Problem((*item_path, "metric"), _("未知的核验指标“%(metric)s”；可选：%(choices)s。") % {
                    "metric": metric, "choices": "、".join(ItemMetric.values)}))
            if ("minimum" in item) != bool(metric):
                problems.append(Problem((*item_path, "minimum"), _("核验指标与最低值须同时填写或同时留空。")))
            elif "minimum" in item:
                minimum = item["minimum"]
                if isinstance(minimum, bool) or not isinstance(minimum, (int, float)) or minimum < 0:
                    problems.append(Problem((*item_path, "minimum"), _("应为不小于0的数字。")))
            problems.extend(_text_problems(item_path, item))
    return problems


# -- writing -------------------------------------------------------------------------------


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def _line_index(text: str) -> dict[tuple, int]:
    """(table path …, key) → line number, for naming a problem's line."""
    lines: dict[tuple, int] = {}
    counters: dict[str, int] = {}
    current: tuple = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            name = header.group(2)
            if header.group(1) == "[[":
                counters[name] = counters.get(name, 0) + 1
                for other in [n for n in counters if n.startswith(name + ".")]:
                    counters[other] = 0
                parts = name.split(".")
                path: tuple = ()
                for depth in range(len(parts)):
                    partial = ".".join(parts[: depth + 1])
                    path += (parts[depth],) + ((counters.get(partial, 1) - 1,) if partial in counters else ())
                current = path
            else:
                current = tuple(name.split("."))
            lines.setdefault(current, number)
            continue
        key = _KEY.match(line)
        if key:
            lines.setdefault((*current, key.group(1)), number)
    return lines


def _line_of(lines: dict[tuple, int], path: tuple) -> int | None:
    for length in range(len(path), 0, -1):
        if path[:length] in lines:
            return lines[path[:length]]
    return None


def _key_name(path: tuple) -> str:
    return ".".join(str(part + 1) if isinstance(part, int) else part for part in path)
