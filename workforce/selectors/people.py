"""Reads for the people screens and exports; every one starts from ``visible_to``."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.params import LARGEST_ID, record_id
from stations.models import Region, RegionLevel, Station
from workforce.models import Certificate, Employment, Person, Placement, TrainingRecord


def person_list(*, user, search: str = "", role: str = "", station_id: str = "", level: str = "",
                county: str = "", on_date: datetime.date | None = None) -> QuerySet[Person]:
    """People the user may see, with their placing station; filters by name / phone / ID
    number (an ID number only matches in full or by its last four characters) and by the county
    they are placed in (one outside the user's scope shows nobody)."""
    on_date = on_date or timezone.localdate()
    people = Person.objects.visible_to(user)
    if county:
        region = Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY, code=county).first()
        people = people.filter(Placement.objects.placed(region_prefix=region.prefix)) if region else people.none()
    if search:
        condition = Q(name__icontains=search) | Q(phone__contains=search) | Q(id_number=search.upper())
        if len(search) == 4:
            condition |= Q(id_number__endswith=search.upper())
        people = people.filter(condition)
    active = Employment.objects.active_on(on_date).filter(person=OuterRef("pk"))
    if role:
        people = people.filter(Exists(active.filter(role=role)))
    if station_id.isdigit():  # an id the database cannot hold is no station: nobody
        station = record_id(station_id)
        people = people.filter(Exists(active.filter(station_id=station))) if station else people.none()
    if level.isdigit():
        people = people.filter(Exists(Certificate.objects.filter(person=OuterRef("pk"),
                                                                 level__gte=min(int(level), LARGEST_ID))))
    return people.order_by("name", "pk")


def attach_placing_station(people) -> list[Person]:
    """Set ``placing_station`` on each person of a page (two queries)."""
    people = list(people)
    placed = dict(Person.objects.filter(pk__in=[p.pk for p in people]).with_placement()
                  .values_list("pk", "placing_station_id"))
    stations = Station.objects.in_bulk({station_id for station_id in placed.values() if station_id})
    for person in people:
        person.placing_station = stations.get(placed.get(person.pk))
    return people


def employment_list(*, user) -> QuerySet[Employment]:
    return Employment.objects.visible_to(user).select_related("person", "station__region", "employer")


def certificate_list(*, user) -> QuerySet[Certificate]:
    return Certificate.objects.visible_to(user).select_related("person")


def training_list(*, user) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.visible_to(user).select_related("person")


def assignable_stations(*, user) -> QuerySet[Station]:
    return Station.objects.visible_to(user).select_related("region").order_by("region__code", "kind")
