"""Where each person is placed today, stored so that scoping people is an indexed match."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.models import Station
from workforce.models.employment import Employment
from workforce.models.people import Person


def placement_expressions(person, registered_code, on_date: datetime.date) -> dict:
    """How a person is placed on a date, as expressions over the row that ``person`` (an ``OuterRef``
    to the person's id) and ``registered_code`` (their registering region's code) refer to: the
    station and its region code (else the registering region's), and the first later start of an
    assignment, the day the placement may change (None: it cannot change by itself)."""
    started = Employment.objects.filter(person=person, start_on__lte=on_date).order_by("-start_on", "-pk")
    earliest = Employment.objects.filter(person=person).order_by("start_on", "pk")
    later = Employment.objects.filter(person=person, start_on__gt=on_date).order_by("start_on")
    return {
        "station": Coalesce(Subquery(started.values("station_id")[:1]), Subquery(earliest.values("station_id")[:1])),
        "region_code": Coalesce(Subquery(started.values("station__region__code")[:1]),
                                Subquery(earliest.values("station__region__code")[:1]), registered_code),
        "valid_until": Subquery(later.values("start_on")[:1]),
    }


class PlacementQuerySet(models.QuerySet):
    def placed(self, *, station_id: int | None = None, region_prefix: str | None = None) -> Q:
        """A condition on people: placed today at the station or in the region. A stored placement
        holds until its ``valid_until``; past it the placement is worked out again from the person's
        assignments (until the daily refresh stores it anew). One semi-join on the union of the two,
        rather than two with an OR: the planner costs the live subqueries only for the few stale rows,
        and reads the matching people by their key instead of scanning every person."""
        today = timezone.localdate()
        registered = Subquery(Person.objects.filter(pk=OuterRef("person_id")).order_by()
                              .values("registered_region__code")[:1])
        live = placement_expressions(OuterRef("person_id"), registered, today)  # no join: only stale rows need it
        fresh = self.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=today))
        stale = self.filter(valid_until__lte=today)
        if station_id is not None:
            fresh = fresh.filter(station_id=station_id)
            stale = stale.alias(live_station=live["station"]).filter(live_station=station_id)
        else:
            fresh = fresh.filter(region_code__startswith=region_prefix)
            stale = stale.alias(live_code=live["region_code"]).filter(live_code__startswith=region_prefix)
        return Q(pk__in=fresh.values("person_id").union(stale.values("person_id"), all=True))


class Placement(models.Model):
    """Where a person is placed, as worked out on the day it was stored (see :class:`PersonQuerySet`):
    refreshed by the service of every write of a person, an assignment or a station's township (see
    :mod:`workforce.placement`). Past ``valid_until`` (a later assignment began) the scope works the
    placement out again by itself; the daily ``manage.py refresh_placements`` only stores it anew."""

    person = models.OneToOneField(Person, primary_key=True, on_delete=models.CASCADE, related_name="placement")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=12)
    valid_until = models.DateField(null=True, blank=True)  # a later assignment starts: look again from then

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员归属")
        verbose_name_plural = _("人员归属")
        default_permissions = ()  # derived data: never edited, listed or exported on its own
        indexes = [
            models.Index(fields=["region_code"], name="placement_region_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["valid_until"], name="placement_valid_until_idx"),
        ]

    def __str__(self):
        return f"{self.person_id} {self.region_code}"
