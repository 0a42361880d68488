"""Who is reminded of what, and the reminders written for a day: each user's things from the
sources for their role, stored once per (user, thing, day)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from config.models import Notification
from config.reminders import sources
from config.reminders.days import DueSpan
from config.reminders.sources import Thing
from stations.roles import OFFICIAL_ROLES, Role

Kind = Notification.Kind
# Officials above the county see one reminder per kind and due date (their counties act on each thing).
DIGEST_ROLES = frozenset({Role.PROVINCE, Role.CITY})


@dataclass(frozen=True)
class Source:
    kind: str
    roles: frozenset
    things: Callable[[object, datetime.date, list[DueSpan]], list[Thing]]
    digest: Callable[[int, datetime.date], tuple[str, str]] | None = None  # (count, due) -> (title, url)


def _qualification_digest(count: int, due: datetime.date) -> tuple[str, str]:
    return (_("%(n)s人取得专业资质期限为%(date)s") % {"n": count, "date": sources._date(due)},
            reverse("workforce:deadline-list"))


def _installment_digest(count: int, due: datetime.date) -> tuple[str, str]:
    return (_("%(n)s期合同付款应付日期为%(date)s，尚未付清") % {"n": count, "date": sources._date(due)},
            reverse("projects:contract-list"))


def _contract_digest(count: int, due: datetime.date) -> tuple[str, str]:
    return (_("%(n)s份合同的服务期至%(date)s结束") % {"n": count, "date": sources._date(due)},
            reverse("projects:contract-expiring"))


# The roles follow the home page: each is reminded of what its overview counts.
SOURCES = (
    Source(Kind.REPORT_DEADLINE, frozenset({Role.STATION_HEAD}), sources.report_deadline_things),
    Source(Kind.REPORT_COMPLETENESS, OFFICIAL_ROLES, sources.completeness_things),
    Source(Kind.QUALIFICATION_DEADLINE, OFFICIAL_ROLES | {Role.STATION_HEAD}, sources.qualification_things,
           _qualification_digest),
    Source(Kind.INSTALLMENT_DUE, OFFICIAL_ROLES, sources.installment_things, _installment_digest),
    Source(Kind.CONTRACT_ENDING, OFFICIAL_ROLES, sources.contract_things, _contract_digest),
)


def recipients():
    """Active users with a role whose reminders exist (evaluators have none)."""
    roles = {role for source in SOURCES for role in source.roles}
    return get_user_model().objects.filter(is_active=True, role__in=roles).select_related("region", "station__region").order_by("pk")


def _digested(user, things: list[Thing], digest) -> list[Thing]:
    """One thing per due date for a city or province official: how many fall due that day."""
    if digest is None or user.role not in DIGEST_ROLES:
        return things
    by_due = defaultdict(list)
    for thing in things:
        by_due[thing.due].append(thing)
    digests = []
    for due, due_things in sorted(by_due.items()):
        title, url = digest(len(due_things), due)
        body = "；".join(thing.title for thing in due_things[:10]) + (_("等") if len(due_things) > 10 else "")
        prefix = due_things[0].key.split(":", 1)[0]
        digests.append(Thing(f"{prefix}:region-{user.region_id}:{due:%Y-%m-%d}", due, title, body, url))
    return digests


def reminders_for(user, today: datetime.date, spans: list[DueSpan], seen: dict | None = None
                  ) -> list[Notification]:
    """The user's reminders of ``today`` (unsaved). ``seen``: the things already worked out this
    run for users of the same scope (role, region, station), who are reminded of the same things."""
    seen = {} if seen is None else seen
    notices = []
    for source in SOURCES:
        if user.role not in source.roles:
            continue
        scope = (source.kind, user.is_superuser, user.role, user.region_id, user.station_id)
        if scope not in seen:
            seen[scope] = _digested(user, source.things(user, today, spans), source.digest)
        for thing in seen[scope]:
            notices.append(Notification(user=user, kind=source.kind, key=thing.key[:120], day=today,
                                        due_date=thing.due, title=thing.title[:200], body=thing.body,
                                        url=thing.url[:300]))
    return notices
