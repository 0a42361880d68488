"""Villages and communities (村、社区), loaded a county at a time when they are first needed.

The shipped village files (``stations/data/divisions/<province>_*_villages.csv.gz``) hold every
village of a province: tens of thousands of rows that only a village social-work room (社工室)
needs. So they are not loaded with the townships: a county's villages are loaded, in one
transaction, the first time someone places a room there (or by ``load_divisions --villages``),
and each such load leaves a :class:`RegionChange` on the county saying who loaded how many from
which file."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stations import divisions
from stations.models import PREFIX_LENGTH, Region, RegionChange, RegionLevel
from stations.services.stations import ensure_region_in_scope, require_station_manager

DIVISIONS_DIR = Path(__file__).resolve().parents[1] / "data" / "divisions"


def village_file(province_prefix: str) -> Path | None:
    """The shipped village file of a province (``42``), if there is one."""
    matches = sorted(DIVISIONS_DIR.glob(f"{province_prefix}_*_villages.csv.gz"))
    return matches[0] if matches else None


def villages_loaded(county: Region) -> bool:
    return Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county.prefix).exists()


def county_villages_ensure(*, actor, county: Region) -> int:
    """Load the county's villages from its province's shipped file unless some are loaded already;
    the number loaded (0: already there, or no file has them)."""
    if villages_loaded(county):
        return 0
    path = village_file(county.code[:2])
    if path is None:
        return 0
    rows = [row for row in divisions.read_csv(path) if row.code.startswith(county.prefix)]
    return county_villages_load(actor=actor, county=county, rows=rows, source=path.name)


def township_villages_ensure(*, actor, township_code: str) -> int:
    """:func:`county_villages_ensure` for the county of a township of the actor's own (given by
    its code, as a form or the type-ahead posts it); nothing for any other code."""
    regions = Region.objects.visible_to(actor)
    if not regions.filter(level=RegionLevel.TOWNSHIP, code=township_code).exists():
        return 0
    county = regions.filter(level=RegionLevel.COUNTY, code=township_code[:6].ljust(12, "0")).first()
    return county_villages_ensure(actor=actor, county=county) if county else 0


def villages_load(*, actor, path: Path, within: str = "") -> dict[Region, int]:
    """Load the villages of every county in the file (or those whose code starts with ``within``)
    that has none yet, each county in its own transaction: county → number loaded."""
    by_county: dict[str, list[divisions.DivisionRow]] = defaultdict(list)
    for row in divisions.read_csv(path):
        if row.code.startswith(within):
            by_county[row.code[: PREFIX_LENGTH[RegionLevel.COUNTY]].ljust(12, "0")].append(row)
    loaded = {}
    for county in Region.objects.filter(code__in=list(by_county), level=RegionLevel.COUNTY).order_by("code"):
        if not villages_loaded(county):
            loaded[county] = county_villages_load(actor=actor, county=county, rows=by_county[county.code],
                                                  source=path.name)
    return loaded


@transaction.atomic
def county_villages_load(*, actor, county: Region, rows: list[divisions.DivisionRow], source: str) -> int:
    """Load the given village rows of one county, placed under its townships in use; audited as a
    load on the county. ``actor`` None: the command line."""
    if actor is not None:
        require_station_manager(actor)
        ensure_region_in_scope(actor, county)
    Region.objects.select_for_update().filter(pk=county.pk).first()  # one loader per county
    if villages_loaded(county):
        return 0
    townships = set(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=county.prefix,
                                          valid_to__isnull=True).values_list("code", flat=True))
    rows = [row for row in rows if row.code.startswith(county.prefix) and row.parent_code in townships]
    if not rows:
        return 0
    label = _("村级区划文件 %(name)s（%(county)s）") % {"name": source, "county": county.name}
    result = divisions.load(rows, actor=actor, source=label)
    created = result.created[RegionLevel.VILLAGE]
    RegionChange.objects.create(
        region=county, effective_on=timezone.localdate(), changes={"villages": [0, created]},
        source=_("载入村（社区）%(n)s 个：%(source)s") % {"n": created, "source": label},
        changed_by=actor if getattr(actor, "pk", None) else None)
    return created
