"""Where a station is: picked from lists of the user's own regions, county, then township, then
(for a village room) village.

Without JavaScript the lists are plain selects: the townships of the chosen county (or, before a
county is chosen, of all the user's counties grouped by county while they are few), and the
villages of the chosen township once the form has been sent with it. ``static/js/township_picker.js``
refills them as the choices change and adds a type-ahead on the township's name. Every posted code
is looked up again among the user's own regions: a code from elsewhere is refused."""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stations.models import PREFIX_LENGTH, STATION_KIND_LEVEL, RegionLevel
from stations.selectors.region_choices import county_of, find_placeable, region_choices

PICKER_FIELDS = {RegionLevel.COUNTY: "county", RegionLevel.TOWNSHIP: "township", RegionLevel.VILLAGE: "village"}
GROUPED_TOWNSHIPS_MAX = 400  # more than this (a province's) and the townships wait for a county
BLANK = ("", gettext_lazy("——请选择——"))


def picker_select(name: str) -> forms.Select:
    return forms.Select(attrs={"data-picker": name, "data-search-url": reverse_lazy("stations:region-search")})


class RegionPickerMixin(forms.Form):
    county = forms.CharField(label=gettext_lazy("县（市、区）"), required=False, widget=picker_select("county"))
    township = forms.CharField(label=gettext_lazy("乡镇（街道）"), required=False, widget=picker_select("township"),
                               help_text=gettext_lazy("标有“已有社工站”的乡镇（街道）已登记过社工站。"))
    village = forms.CharField(label=gettext_lazy("村（社区）"), required=False, widget=picker_select("village"),
                              help_text=gettext_lazy("仅社工室填写：先选乡镇（街道），再选村（社区）。"))

    def setup_picker(self, *, user, region=None, station=None) -> None:
        """Fill the lists for ``user``, starting from the posted choices or ``region`` (an edit)."""
        self.user, self.station = user, station
        if region is not None:
            self.initial.update(_codes_of(region))
        county, township = self._picked("county"), self._picked("township")
        if not county and township:
            county = county_of(township)
        counties = region_choices(user=user, level=RegionLevel.COUNTY)
        if not county and len(counties) == 1:
            county = counties[0].code
            self.initial.setdefault("county", county)
        self.fields["county"].widget.choices = [BLANK, *((c.code, c.name) for c in counties)]
        self.fields["township"].widget.choices = [BLANK, *self._township_options(county, len(counties))]
        villages = region_choices(user=user, level=RegionLevel.VILLAGE, parent=township,
                                  exclude_station=station) if township else []
        self.fields["village"].widget.choices = [BLANK, *((v.code, v.label) for v in villages)]

    def _picked(self, name: str) -> str:
        value = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        return (value or "").strip()

    def _township_options(self, county: str, county_count: int) -> list:
        if county:
            return [(t.code, t.label) for t in region_choices(user=self.user, level=RegionLevel.TOWNSHIP,
                                                              parent=county, exclude_station=self.station)]
        townships = region_choices(user=self.user, level=RegionLevel.TOWNSHIP, exclude_station=self.station,
                                   limit=GROUPED_TOWNSHIPS_MAX + 1)
        if len(townships) > GROUPED_TOWNSHIPS_MAX:
            return []
        return [(county_name, [(t.code, t.label) for t in group])
                for county_name, group in groupby(townships, key=lambda t: t.county_name)]

    def picked_region(self, kind: str):
        """The region the choices name for a station of ``kind``, or None with the errors added."""
        found = {}
        for level, name in PICKER_FIELDS.items():
            code = self.cleaned_data.get(name, "")
            found[level] = find_placeable(user=self.user, level=level, code=code) if code else None
            if code and found[level] is None:
                self.add_error(name, _("找不到区划代码“%(code)s”，或不在您的管辖范围内。") % {"code": code})
                return None
        county, township, village = (found[level] for level in PICKER_FIELDS)
        if township and county and not township.code.startswith(county.prefix):
            self.add_error("township", _("“%(name)s”不在所选的%(county)s。") % {"name": township.name,
                                                                           "county": county.name})
            return None
        if village and township and not village.code.startswith(township.prefix):
            self.add_error("village", _("“%(name)s”不在所选的%(township)s。") % {"name": village.name,
                                                                            "township": township.name})
            return None
        level = STATION_KIND_LEVEL[kind]
        if found[level] is None:
            self.add_error(PICKER_FIELDS[level], self._missing_message(level, township))
        return found[level]

    def _missing_message(self, level: str, township) -> str:
        if level == RegionLevel.COUNTY:
            return _("请选择县（市、区）：指导中心设在县一级。")
        if level == RegionLevel.TOWNSHIP:
            return _("请选择乡镇（街道）：社工站设在乡镇（街道）一级。")
        if township is None:
            return _("请先选择乡镇（街道），再选择村（社区）：社工室设在村（社区）一级。")
        if len(self.fields["village"].widget.choices) <= 1:
            return _("系统中没有%(name)s的村（社区）区划，无法登记社工室；请联系省级管理员。") % {"name": township.name}
        return _("请从下面的列表中选择%(name)s的村（社区）。") % {"name": township.name}


def _codes_of(region) -> dict[str, str]:
    """The picker's initial codes for a station placed in ``region``."""
    codes = {}
    for level, name in PICKER_FIELDS.items():
        if PREFIX_LENGTH[level] <= PREFIX_LENGTH[region.level]:
            codes[name] = region.code[: PREFIX_LENGTH[level]].ljust(12, "0")
    return codes
