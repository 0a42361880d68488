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
    Certificate,
    Employment,
    IdNumberDisclosure,
    Person,
    TrainingRecord,
)
from workforce.permissions import can_edit_person
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


@transaction.atomic
def person_create(*, actor, assignment: dict | None = None, **data) -> Person:
    """Register a person, with their first assignment when given.

    A person already registered elsewhere (same ID number) who holds no assignment on
    the new start date is taken over: the new assignment is added to the existing record
    (a move between counties). Someone still in post elsewhere must first be released there.
    """
    if not can_edit_person(actor):
        raise PermissionDenied(_("只有县级民政部门可以登记社工人员。"))
    station = assignment["station"] if assignment else None
    if station is not None:
        _ensure_station_in_scope(actor, station)
    existing = Person.objects.filter(id_number=normalise_id_number(data.get("id_number", ""))).first()
    if existing is not None:
        # Someone the actor may not see: one answer for every refusal, so that it tells nothing about them.
        hidden = not Person.objects.visible_to(actor).filter(pk=existing.pk).exists()
        refusal = ValidationError({"id_number": _("无法以该身份证号码登记，请核对或联系上级民政部门。")})
        if assignment is None:
            raise refusal if hidden else ValidationError({"id_number": _("该身份证号码已登记。")})
        if data.get("name") and data["name"].strip() != existing.name:
            raise refusal if hidden else ValidationError({"name": _("该身份证号码已登记，姓名与登记的不一致，请核对。")})
        if Employment.objects.filter(person=existing).active_on(assignment["start_on"]).exists():
            raise refusal if hidden else ValidationError(
                {"id_number": _("此人已登记且在其他站点在岗，须由原单位先办理离岗。")})
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
