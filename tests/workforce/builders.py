"""Workforce test data, built through the workforce services."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from projects.models import Organisation
from projects.validators import credit_code_check_character
from tests import builders
from workforce import services
from workforce.models import EmploymentRole, TrainingKind
from workforce.validators import id_check_character

_serial = itertools.count(101)


def id_number(region6: str = "420525", born: str = "19900101", serial: str | None = None) -> str:
    serial = serial or f"{next(_serial) % 1000:03d}"
    body = f"{region6}{born}{serial}"[:17]
    return body + id_check_character(body)


def organisation(region, name="远安县社会工作服务中心", body="52420525MJH00000"):
    body17 = (body + "1")[:17]
    org = Organisation(name=name, credit_code=body17 + credit_code_check_character(body17), region=region)
    org.full_clean()
    org.save()
    return org


def person(*, station=None, actor=None, name="王芳", role=EmploymentRole.RESIDENT,
           start_on=datetime.date(2024, 1, 1), end_on=None, employer=None, **data):
    actor = actor or builders.superuser()
    data.setdefault("id_number", id_number())
    assignment = None
    if station is not None:
        assignment = {"station": station, "role": role, "start_on": start_on, "end_on": end_on, "employer": employer}
    return services.person_create(actor=actor, assignment=assignment, name=name, **data)


def assign(person, station, *, role=EmploymentRole.RESIDENT, start_on, end_on=None, actor=None):
    return services.employment_create(actor=actor or builders.superuser(), person=person, station=station,
                                      role=role, start_on=start_on, end_on=end_on)


def certify(person, level, obtained_on, number=None, actor=None):
    return services.certificate_add(actor=actor or builders.superuser(), person=person, level=level,
                                    number=number or f"ZS{next(_serial):08d}", obtained_on=obtained_on)


def train(person, held_on, hours, kind=TrainingKind.CONTINUING, title=None, actor=None):
    return services.training_add(actor=actor or builders.superuser(), person=person, held_on=held_on,
                                 hours=Decimal(str(hours)), kind=kind, title=title or f"培训{next(_serial)}")


def grant_full_id_numbers(user):
    """Give ``user`` the (normally ungranted) permission to see and export full ID numbers."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_full_id_number",
                                                     content_type__app_label="workforce"))
    return type(user).objects.get(pk=user.pk)  # a fresh object: no stale permission cache


def document(region, *, key=None, title=None, effective_from=datetime.date(2020, 1, 1), number="", rules=None,
             actor=None, **extra):
    """A policy document of ``region`` with its rules ({key: value} or {key: (value, clause, quote)})."""
    from core.audit import save_audited
    from stations.models import PolicyDocument, PolicyRule

    actor = actor or builders.superuser()
    doc = PolicyDocument(key=key or f"DOC-{next(_serial)}", title=title or f"{region.name}社工人才文件",
                         effective_from=effective_from, number=number, region=region, **extra)
    save_audited(doc, actor=actor)
    for rule_key, value in (rules or {}).items():
        value, clause, quote = value if isinstance(value, tuple) else (value, "", "")
        save_audited(PolicyRule(document=doc, key=rule_key, value=value, clause=clause, quote=quote), actor=actor)
    return doc


def stipend(doc, kind, level, amount, *, effective_from=None, effective_to=None, clause="", quote="", actor=None):
    """A stipend rate of the document, saved with full validation."""
    from core.audit import save_audited
    from workforce.models import StipendPolicy

    rate = StipendPolicy(document=doc, kind=kind, level=level, amount=Decimal(str(amount)),
                         effective_from=effective_from, effective_to=effective_to, clause=clause, quote=quote)
    save_audited(rate, actor=actor or builders.superuser())
    return rate
