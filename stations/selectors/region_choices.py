"""The places a user may put a station in: the lists of the registering form (county, then
township, then village) and its type-ahead, each from the user's own regions in use today, with
the townships (villages) that already have a station (room) marked."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import PREFIX_LENGTH, Region, RegionLevel, Station, StationKind

# The kind of station each level of region holds; a region that has one is marked in the lists.
KIND_AT_LEVEL = {RegionLevel.COUNTY: StationKind.COUNTY_CENTRE, RegionLevel.TOWNSHIP: StationKind.TOWNSHIP_STATION,
                 RegionLevel.VILLAGE: StationKind.VILLAGE_ROOM}
SEARCH_LIMIT = 30


@dataclass(frozen=True)
class RegionChoice:
    code: str
    name: str
    level: str
    county_code: str
    county_name: str
    taken: bool  # has a station of the level's kind already

    @property
    def label(self) -> str:
        if not self.taken:
            return self.name
        if self.level == RegionLevel.VILLAGE:
            return _("%(name)s（已有社工室）") % {"name": self.name}
        if self.level == RegionLevel.TOWNSHIP:
            return _("%(name)s（已有社工站）") % {"name": self.name}
        return self.name  # a county: centres are not marked (the list serves every kind)

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "label": self.label, "county": self.county_code,
                "county_name": self.county_name, "taken": self.taken}


def placeable(user, level: str):
    """The user's regions of a level that are in use today."""
    return Region.objects.visible_to(user).existing_on(timezone.localdate()).filter(level=level)


def region_choices(*, user, level: str, parent: str = "", query: str = "", limit: int | None = None,
                   exclude_station=None) -> list[RegionChoice]:
    """The user's regions of ``level`` in use today, by code: those under ``parent`` (a code), or
    whose name contains ``query``; ``exclude_station``'s own region is not marked as taken."""
    regions = placeable(user, level)
    if parent:
        regions = regions.filter(parent__code=parent)
    if query:
        regions = regions.filter(name__contains=query)
    rows = list(regions.order_by("code").values_list("pk", "code", "name")[:limit])
    stations = Station.objects.filter(kind=KIND_AT_LEVEL[level], region_id__in=[pk for pk, _code, _name in rows])
    if exclude_station is not None:
        stations = stations.exclude(pk=exclude_station.pk)
    taken = set(stations.values_list("region_id", flat=True))
    counties = county_names({code for _pk, code, _name in rows})
    return [RegionChoice(code=code, name=name, level=level, county_code=county_of(code),
                         county_name=counties.get(county_of(code), ""), taken=pk in taken) for pk, code, name in rows]


def county_of(code: str) -> str:
    return code[: PREFIX_LENGTH[RegionLevel.COUNTY]].ljust(12, "0")


def county_names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in={county_of(code) for code in codes}).values_list("code", "name"))


def find_placeable(*, user, level: str, code: str) -> Region | None:
    """The user's region of ``level`` with this code (in use or not: a station placed in a township
    since merged away keeps it), or None when there is none or it is not theirs."""
    code = (code or "").strip()
    if not (len(code) == 12 and code.isdigit()):
        return None
    return Region.objects.visible_to(user).filter(level=level, code=code).select_related("parent").first()
