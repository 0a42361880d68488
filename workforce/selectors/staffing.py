"""Station rosters and staffing on a date, against the staffing rules of the documents in force
then for the station's region (none set: nothing to compare with, and the page says so)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from stations.metrics import Shortfall
from stations.models import COVERING_STATUSES, Station, StationKind, StationStatus
from workforce.models import SOCIAL_WORKER_ROLES, Certificate, CertificateLevel, Employment, EmploymentRole
from workforce.selectors.policies import RuleBook, RuleInForce

ROLE_ORDER = {role: index for index, role in enumerate(EmploymentRole.values)}


def station_roster(*, station: Station, on_date: datetime.date):
    """Assignments at the station on the date (the caller has checked the station is visible)."""
    rows = Employment.objects.active_on(on_date).filter(station=station).select_related("person", "employer")
    return sorted(rows, key=lambda e: (ROLE_ORDER[e.role], e.person.name, e.person.pk))


def _active(on_date: datetime.date, **extra) -> Q:
    return Q(employments__start_on__lte=on_date, **extra) & (
        Q(employments__end_on__isnull=True) | Q(employments__end_on__gte=on_date))


def with_staff_counts(stations, on_date: datetime.date):
    """Annotate ``heads``, ``residents``, ``social_workers`` (resident + project) and
    ``staff_total`` (distinct people on the roster) for the date."""
    return stations.annotate(
        heads=Count("employments__person", distinct=True,
                    filter=_active(on_date, employments__role=EmploymentRole.STATION_HEAD)),
        residents=Count("employments__person", distinct=True,
                        filter=_active(on_date, employments__role=EmploymentRole.RESIDENT)),
        social_workers=Count("employments__person", distinct=True,
                             filter=_active(on_date, employments__role__in=SOCIAL_WORKER_ROLES)),
        staff_total=Count("employments__person", distinct=True, filter=_active(on_date)),
    )


STAFFING_KEYS = ("staffing.min_station_heads", "staffing.min_social_workers", "staffing.min_resident_social_workers",
                 "staffing.max_resident_social_workers")


@dataclass(frozen=True)
class Gap:
    text: str
    rule: RuleInForce

    def __str__(self):
        return self.text

    @property
    def citation(self) -> str:
        return self.rule.citation


def staffing_rules(book: RuleBook, code: str, on_date: datetime.date) -> list[RuleInForce]:
    """The staffing rules in force for the region on the date (none where no document sets one)."""
    found = (book.rule(code, key, on_date) for key in STAFFING_KEYS)
    return [rule for rule in found if rule is not None]


def staffing_gaps(rules: list[RuleInForce], *, heads: int, residents: int, social_workers: int) -> list[Gap]:
    """What a station lacks (or has beyond a maximum) against each rule; empty when it meets them."""
    counts = {"staffing.min_station_heads": (heads, _("站长缺 %(n)s 名")),
              "staffing.min_social_workers": (social_workers, _("社工缺 %(n)s 名")),
              "staffing.min_resident_social_workers": (residents, _("驻站社工缺 %(n)s 名"))}
    gaps = []
    for rule in rules:
        if rule.key == "staffing.max_resident_social_workers":
            if residents > rule.value:
                gaps.append(Gap(_("驻站社工超出上限 %(n)s 名") % {"n": residents - rule.value}, rule))
            continue
        have, text = counts[rule.key]
        if have < rule.value:
            gaps.append(Gap(text % {"n": rule.value - have}, rule))
    return gaps


@dataclass
class StaffingRow:
    station: Station
    heads: int
    residents: int
    social_workers: int
    staff_total: int
    rules: list[RuleInForce]  # empty: no document sets a staffing standard for the station
    gaps: list[Gap]

    @property
    def standard_set(self) -> bool:
        return bool(self.rules)

    @property
    def citation(self) -> str:
        """The basis of the gaps, or of the verdict "meets the standard" when there are none."""
        used = [gap.rule for gap in self.gaps] or self.rules
        return "；".join(dict.fromkeys(rule.citation for rule in used))

    @property
    def standard_label(self) -> str:
        return "；".join(f"{rule.label} {rule.display}" for rule in self.rules)


def station_staffing(*, user, on_date: datetime.date, region=None, only_under_staffed=False,
                     book: RuleBook | None = None) -> list[StaffingRow]:
    """Township stations in service (pilot or operating) on the date, with their staff counts
    and what they lack against the staffing rules in force for their region on the date.
    Three queries whatever the count (the rules are one)."""
    stations = Station.objects.visible_to(user).covering_at(on_date).select_related("region")
    if region is not None:
        stations = stations.in_region(region)
    book = book or RuleBook()
    rows = []
    for station in with_staff_counts(stations, on_date).order_by("region__code"):
        rules = staffing_rules(book, station.region.code, on_date)
        gaps = staffing_gaps(rules, heads=station.heads, residents=station.residents,
                             social_workers=station.social_workers)
        if gaps or not only_under_staffed:
            rows.append(StaffingRow(station, station.heads, station.residents, station.social_workers,
                                    station.staff_total, rules, gaps))
    return rows


@dataclass
class StationStaffRow:
    station_id: int
    region_code: str
    township: str  # the name of the station's region
    name: str
    kind: str  # label
    status: str  # label of the status on the date
    heads: int
    residents: int
    social_workers: int
    staff_total: int
    covering: bool  # a township station in service (pilot or operating): counts towards coverage


def station_staff_rows(*, user, region, on_date: datetime.date) -> list[StationStaffRow]:
    """The region's stations that existed on the date (of every kind), with their status then and
    their staff counts, by region code and kind. One query whatever the count."""
    stations = (Station.objects.visible_to(user).in_region(region).with_status_at(on_date)
                .exclude(status_at=None).select_related("region"))
    return [StationStaffRow(s.pk, s.region.code, s.region.name, s.name, s.get_kind_display(),
                            str(StationStatus(s.status_at).label), s.heads, s.residents, s.social_workers,
                            s.staff_total,
                            s.kind == StationKind.TOWNSHIP_STATION and s.status_at in COVERING_STATUSES)
            for s in with_staff_counts(stations, on_date).order_by("region__code", "kind")]


@dataclass
class CertifiedStaffing:
    rows: list[tuple[StaffingRow, dict[int, int]]]  # a station's staffing, people by certificate level
    # (value, label) of every certificate level, lowest first
    levels: list[tuple[int, str]]


def staffing_by_certificate(*, user, region, on_date: datetime.date) -> CertifiedStaffing:
    """``station_staffing`` for the region, and the people on each station's roster certified at
    each level (by their highest certificate on the date). Four queries whatever the count."""
    rows = station_staffing(user=user, on_date=on_date, region=region)
    top_level = (Certificate.objects.filter(person=OuterRef("person_id"), obtained_on__lte=on_date)
                 .order_by("-level").values("level")[:1])
    levels: dict[int, dict[int, int]] = {}
    counted = (Employment.objects.visible_to(user).active_on(on_date)
               .filter(station__in=[r.station.pk for r in rows])
               .annotate(top=Subquery(top_level)).exclude(top=None).order_by()
               .values("station_id", "top").annotate(n=Count("person", distinct=True)))
    for row in counted:
        levels.setdefault(row["station_id"], {})[row["top"]] = row["n"]
    return CertifiedStaffing([(r, levels.get(r.station.pk, {})) for r in rows], list(CertificateLevel.choices))


def station_staffing_row(*, station: Station, on_date: datetime.date) -> StaffingRow:
    """One station's counts and gaps (the caller has checked the station is visible)."""
    counted = with_staff_counts(Station.objects.filter(pk=station.pk), on_date).get()
    rules = staffing_rules(RuleBook(), station.region.code, on_date)
    gaps = staffing_gaps(rules, heads=counted.heads, residents=counted.residents,
                         social_workers=counted.social_workers)
    return StaffingRow(station, counted.heads, counted.residents, counted.social_workers, counted.staff_total,
                       rules, gaps)


def under_staffed_stations(*, user, on_date: datetime.date, region=None) -> list[StaffingRow]:
    return station_staffing(user=user, on_date=on_date, region=region, only_under_staffed=True)


def _count(station: Station, on_date: datetime.date, roles=None) -> int | None:
    """Staff at the station on the date; None while the station has no staff records at all,
    so the standards check asks for a manual tick instead of failing a station whose roster
    has not been entered yet."""
    if not Employment.objects.filter(station=station).exists():
        return None
    rows = Employment.objects.active_on(on_date).filter(station=station)
    if roles is not None:
        rows = rows.filter(role__in=roles)
    return rows.values("person_id").distinct().count()


def staffing_shortfalls_check(station, on_date) -> list[Shortfall]:
    """The station's gaps by role against the staffing rules in force for its region on the date,
    as the staffing page shows them, for the standards check (``stations.metrics``). Empty where
    no roster is recorded: the item's own figure is then missing and says so."""
    if not Employment.objects.filter(station=station).exists():
        return []
    return [Shortfall(str(gap), gap.citation) for gap in station_staffing_row(station=station, on_date=on_date).gaps]


def resident_social_workers_metric(station, on_date):
    return _count(station, on_date, [EmploymentRole.RESIDENT])


def station_heads_metric(station, on_date):
    return _count(station, on_date, [EmploymentRole.STATION_HEAD])


def staff_total_metric(station, on_date):
    return _count(station, on_date)
