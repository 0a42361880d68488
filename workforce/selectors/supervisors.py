"""Projects whose purchaser's document requires a supervisor of a certificate level
(``supervisor.min_level``) and that have none of that level on the date: no supervisor at all,
or only supervisors below the level. A project's supervisors are the people assigned as
supervisors at its stations on the date, employed by its contractor (or with no employer
recorded)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch

from projects.models import Contract
from workforce.models import Certificate, Employment, EmploymentRole
from workforce.selectors.policies import RuleBook, RuleInForce
from workforce.selectors.qualification import highest_level_on


@dataclass
class ProjectSupervisorRow:
    contract: Contract
    required_level: int
    rule: RuleInForce
    # (assignment, highest certificate level on the date or None) of each supervisor found
    supervisors: list[tuple[Employment, int | None]] = field(default_factory=list)

    @property
    def unstaffed(self) -> bool:
        """No supervisor at all (rather than supervisors below the level)."""
        return not self.supervisors

    @property
    def citation(self) -> str:
        return self.rule.citation


def _supervisors_by_station(station_ids, on_date: datetime.date) -> dict[int, list[Employment]]:
    rows = (Employment.objects.active_on(on_date).filter(role=EmploymentRole.SUPERVISOR, station_id__in=station_ids)
            .select_related("person", "station")
            .prefetch_related(Prefetch("person__certificates", queryset=Certificate.objects.order_by("obtained_on")))
            .order_by("person__name", "pk"))
    found: dict[int, list[Employment]] = {}
    for assignment in rows:
        found.setdefault(assignment.station_id, []).append(assignment)
    return found


def project_supervisor_violations(*, user, on_date: datetime.date,
                                  book: RuleBook | None = None) -> list[ProjectSupervisorRow]:
    """Projects (contracts the user may see, in service on the date) that the document in force
    for the purchaser at the project's start requires a supervisor of a level for, without one of
    that level on the date; none where no document sets a level. A fixed number of queries."""
    book = book or RuleBook()
    contracts = list(Contract.objects.visible_to(user).active_on(on_date)
                     .select_related("purchaser", "contractor").prefetch_related("stations")
                     .order_by("purchaser__code", "number"))
    required = {}
    for contract in contracts:
        rule = book.rule(contract.purchaser.code, "supervisor.min_level", contract.starts_on)
        if rule is not None:
            required[contract.pk] = rule
    by_station = _supervisors_by_station({s.pk for c in contracts if c.pk in required for s in c.stations.all()},
                                         on_date)
    rows = []
    for contract in (c for c in contracts if c.pk in required):
        level = int(required[contract.pk].value)
        supervisors = [(a, highest_level_on(a.person, on_date)) for station in contract.stations.all()
                       for a in by_station.get(station.pk, ())
                       if a.employer_id in (None, contract.contractor_id)]
        if not any((found or 0) >= level for _assignment, found in supervisors):
            rows.append(ProjectSupervisorRow(contract, level, required[contract.pk], supervisors))
    return rows
