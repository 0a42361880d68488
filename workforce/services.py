"""Writes for the workforce registry. Each takes the acting user, checks the target is
within their scope, validates, runs in a transaction and leaves an audit record. Each write of
what places a person refreshes their stored placement in the same transaction (workforce.placement)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import apply_changes, delete_audited, save_audited
from core.scope import scope_of
from stations.models import Region, RegionLevel, Station
from workforce.models import (
    CERTIFICATE_NUMBER_TAKEN,
    ID_NUMBER_TAKEN,
    Certificate,
    Employment,
    IdNumberDisclosure,
    Person,
    ReportedFigure,
    TrainingRecord,
)
from workforce.permissions import can_edit_person, can_enter_reported_figure
from workforce.placement import refresh_placements
from workforce.validators import birth_date_from_id, mask_id_numbers_in_text, normalise_id_number

PERSON_FIELDS = ("name", "gender", "birth_date", "id_number", "phone", "education", "major", "social_work_degree",
                 "local_hukou", "notes")
EMPLOYMENT_FIELDS = ("employer", "station", "role", "start_on", "end_on", "notes")
CERTIFICATE_FIELDS = ("level", "number", "obtained_on")
TRAINING_FIELDS = ("held_on", "kind", "title", "provider", "hours")


def ensure_can_edit(actor, person: Person) -> None:
    """Only county staff of the county the person is placed in (and superusers) edit a person."""
    if not can_edit_person(actor, person):
        raise PermissionDenied(_("此人不在您的管辖范围内，不能修改。"))


def _ensure_station_in_scope(actor, station: Station) -> None:
    if not can_edit_person(actor) or not Station.objects.visible_to(actor).filter(pk=station.pk).exists():
        raise PermissionDenied(_("该站点不在您的管辖范围内。"))


def _registering_region(actor, station: Station | None) -> Region:
    scope = scope_of(actor)
    if not scope.everything and actor.region_id:
        return actor.region
    if station is not None:
        code = station.region.code[:6].ljust(12, "0")
        return Region.objects.get(code=code, level=RegionLevel.COUNTY)
    raise ValidationError(_("请为此人安排服务站点，以确定所属县（市、区）。"))


def id_number_taken() -> ValidationError:
    """The refusal of an ID number already registered: one wording, on the ID number, whoever
    holds it, whatever stops it being taken over, and whether or not the actor may see the holder."""
    return ValidationError({"id_number": ValidationError(ID_NUMBER_TAKEN, code="unique")})


def ensure_id_number_available(*, id_number: str, name: str, person_pk: int | None = None) -> None:
    """For a row of the people import: the number may be written only by the row of its own
    record (``person_pk``, the person the import found among those the user may see) under
    that person's registered name; anything else is refused with :func:`id_number_taken`."""
    holder = Person.objects.filter(id_number=normalise_id_number(id_number or "")).values_list("pk", "name").first()
    if holder is not None and (holder[0] != person_pk or holder[1].strip() != (name or "").strip()):
        raise id_number_taken()


def ensure_certificate_number_available(*, number: str, person_pk: int | None,
                                        certificate_pk: int | None = None) -> None:
    """For a row of the certificates import: the number may be written only by the row of its
    own certificate (``certificate_pk``, found among those the user may see) for its own holder;
    anything else is refused with one wording, whoever holds it."""
    held = Certificate.objects.filter(number=(number or "").strip().upper()).values_list("pk", "person_id").first()
    if held is not None and (held[0] != certificate_pk or held[1] != person_pk):
        raise ValidationError({"number": ValidationError(CERTIFICATE_NUMBER_TAKEN, code="unique")})


def _may_take_over(existing: Person, *, name: str, assignment: dict | None) -> bool:
    """Someone already registered is taken over by a new assignment only under their registered
    name and when not in post on its start date; the same test whether or not the actor sees them."""
    return (assignment is not None and (name or "").strip() == existing.name.strip()
            and not Employment.objects.filter(person=existing).active_on(assignment["start_on"]).exists())


@transaction.atomic
def person_create(*, actor, assignment: dict | None = None, **data) -> Person:
    """Register a person, with their first assignment when given.

    A person already registered (same ID number), here or in another county, is taken over when
    the new assignment gives their registered name and they hold no assignment on its start date:
    the assignment is added to the existing record (a move between stations or counties). Any
    other use of a registered number is refused with :func:`id_number_taken`, so that the answer
    says nothing of who holds it, where, or why it cannot be taken over.
    """
    if not can_edit_person(actor):
        raise PermissionDenied(_("只有县级民政部门可以登记社工人员。"))
    station = assignment["station"] if assignment else None
    if station is not None:
        _ensure_station_in_scope(actor, station)
    existing = Person.objects.filter(id_number=normalise_id_number(data.get("id_number", ""))).first()
    if existing is not None:
        if not _may_take_over(existing, name=data.get("name", ""), assignment=assignment):
            raise id_number_taken()
        employment_create(actor=actor, person=existing, taking_over=True, **assignment)
        return existing
    person = Person(registered_region=_registering_region(actor, station),
                    **{key: value for key, value in data.items() if key in PERSON_FIELDS})
    save_audited(person, actor=actor, reason=_("登记"))
    refresh_placements([person.pk])  # placed before the assignment: adding it asks who may see them
    if assignment is not None:
        employment_create(actor=actor, person=person, **assignment)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, **data) -> Person:
    """Change a person's own fields; ``registered_region`` (which places someone without an
    assignment) is accepted too, for the registry's administrators."""
    ensure_can_edit(actor, person)
    changed = apply_changes(person, data, (*PERSON_FIELDS, "registered_region"))
    born = birth_date_from_id(person.id_number) if "id_number" in changed and "birth_date" not in data else None
    if born and born != person.birth_date:  # a corrected number brings its birth date
        person.birth_date = born
        changed.append("birth_date")
    if changed:
        save_audited(person, actor=actor, update_fields=[*changed, "updated_at"])
    if "registered_region" in changed:
        refresh_placements([person.pk])
    return person


@transaction.atomic
def employment_create(*, actor, person: Person, taking_over: bool = False, **data) -> Employment:
    """Add an assignment. ``taking_over`` is only for :func:`person_create` receiving someone
    who left another county (not yet visible to the actor); the station is still checked."""
    if not taking_over:
        ensure_can_edit(actor, person)
    _ensure_station_in_scope(actor, data["station"])
    employment = Employment(person=person, **{k: v for k, v in data.items() if k in EMPLOYMENT_FIELDS})
    save_audited(employment, actor=actor)
    refresh_placements([person.pk])
    return employment


@transaction.atomic
def employment_update(*, actor, employment: Employment, **data) -> Employment:
    """Change an assignment; ``person`` gives it to someone else (a correction in the admin)."""
    ensure_can_edit(actor, employment.person)
    _ensure_station_in_scope(actor, employment.station)
    if "station" in data:
        _ensure_station_in_scope(actor, data["station"])
    if "person" in data:
        ensure_can_edit(actor, data["person"])
    previous_person = employment.person_id
    changed = apply_changes(employment, data, (*EMPLOYMENT_FIELDS, "person"), ignore_unknown=True)
    if changed:
        save_audited(employment, actor=actor, update_fields=changed)
    if {"person", "station", "start_on"} & set(changed):  # what places someone; the end date does not
        refresh_placements({previous_person, employment.person_id})
    return employment


@transaction.atomic
def employment_delete(*, actor, employment: Employment) -> None:
    ensure_can_edit(actor, employment.person)
    delete_audited(employment, actor=actor)
    refresh_placements([employment.person_id])


@transaction.atomic
def certificate_add(*, actor, person: Person, **data) -> Certificate:
    ensure_can_edit(actor, person)
    certificate = Certificate(person=person, **{k: v for k, v in data.items() if k in CERTIFICATE_FIELDS})
    save_audited(certificate, actor=actor)
    return certificate


@transaction.atomic
def training_add(*, actor, person: Person, **data) -> TrainingRecord:
    ensure_can_edit(actor, person)
    record = TrainingRecord(person=person, **{k: v for k, v in data.items() if k in TRAINING_FIELDS})
    save_audited(record, actor=actor)
    return record


def record_disclosure(*, user, kind: str, subject: str, person: Person | None = None, count: int = 1) -> None:
    """Record one showing or export of full ID numbers (the caller has checked the permission)."""
    IdNumberDisclosure.objects.create(user=user, kind=kind, person=person, count=count,
                                      subject=mask_id_numbers_in_text(subject)[:200])


@transaction.atomic
def reported_figure_set(*, actor, region: Region, metric: str, year: int, value: int, source: str) -> ReportedFigure:
    """Enter or correct the figure a province reports for a region, metric and year, with its source."""
    if not can_enter_reported_figure(actor, region):
        raise PermissionDenied(_("填报数由省级民政部门录入本省区划的数据。"))
    figure = ReportedFigure.objects.filter(region=region, metric=metric, year=year).first() or ReportedFigure(
        region=region, metric=metric, year=year)
    figure.value, figure.source = value, source
    save_audited(figure, actor=actor, reason=_("人才队伍填报数"))
    return figure
