"""What each person is owed under the stipend rates of the policy documents, month by month,
exact to the fen, and the rates (with their documents) each amount comes from.

Rules (stated once, used everywhere):
- A month is judged at its last day: the person must hold an assignment then; the
  assignment's station places them in a region; their level is the highest certificate
  obtained by then.
- For each monthly kind, the rate is the one in force on that day for that level from the
  nearest region (own region before its ancestors) that sets one; within that region, the
  rate of the latest document in force. A rate is in force while its document is and within
  its own dates.
- A one-off award is owed in the month a certificate is obtained, at the rate in force on
  the day obtained, if the person holds an assignment at that month's end.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from stations.models.regions import ancestor_codes
from workforce.models import (
    MONTHLY_STIPEND_KINDS,
    CertificateLevel,
    Employment,
    Person,
    StipendKind,
    StipendPolicy,
)

ZERO = Decimal("0.00")


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class StipendLine:
    person_id: int
    month: datetime.date  # first day of the month
    region_code: str
    kind: str
    level: int
    amount: Decimal
    rate: StipendPolicy = field(compare=False, repr=False)

    @property
    def kind_label(self) -> str:
        return StipendKind(self.kind).label


@dataclass(frozen=True)
class RateUsed:
    """A rate some amount was computed from, and its basis (依据)."""

    rate: StipendPolicy

    @property
    def label(self) -> str:
        rate = self.rate
        return f"{rate.region.name} {rate.get_kind_display()} {rate.get_level_display()} {rate.amount}"

    @property
    def citation(self) -> str:
        return self.rate.citation

    @property
    def amount(self) -> Decimal:
        return self.rate.amount


def stipend_rates_in_force(*, region_code: str, on_date: datetime.date, documents=None) -> list[RateUsed]:
    """Every rate (kind × level) in force for the region on the date, with its basis; only rates of
    ``documents`` (ids) when given."""
    rows = StipendPolicy.objects.filter(region__code__in=ancestor_codes(region_code)).select_related(
        "region", "document")
    if documents is not None:
        rows = rows.filter(document__in=documents)
    book = RateBook(rows)
    found = (book.rate(kind, level, region_code, on_date) for kind in StipendKind.values
             for level in CertificateLevel.values)
    return [RateUsed(rate) for rate in found if rate is not None]


def rates_used(lines) -> list[RateUsed]:
    """The distinct rates behind these lines, by region, kind, level and start."""
    rates = {line.rate.pk: line.rate for line in lines}.values()
    return [RateUsed(rate) for rate in sorted(rates, key=lambda r: (r.region.code, r.kind, r.level,
                                                                        r.effective_from, r.pk))]


class RateBook:
    def __init__(self, policies):
        self._rows = defaultdict(list)
        for policy in policies:
            self._rows[(policy.kind, policy.level)].append(policy)

    def rate(self, kind: str, level: int, region_code: str, on_date: datetime.date) -> StipendPolicy | None:
        ancestors = ancestor_codes(region_code)
        candidates = [p for p in self._rows[(kind, level)] if p.region.code in ancestors and p.in_force_on(on_date)]
        return max(candidates, key=lambda p: (len(p.region.prefix), p.document.effective_from, p.document.pk,
                                              p.effective_from, p.pk)) if candidates else None


def _placement(employments, on_date: datetime.date) -> str | None:
    active = [e for e in employments if e.is_active_on(on_date)]
    if not active:
        return None
    return max(active, key=lambda e: (e.start_on, e.pk)).station.region.code


def stipend_lines(*, person_ids, year: int, months=range(1, 13)) -> list[StipendLine]:
    """Every amount owed to these people in the given months of a year (three queries)."""
    employments = defaultdict(list)
    for employment in Employment.objects.filter(person_id__in=person_ids).select_related("station__region"):
        employments[employment.person_id].append(employment)
    people = Person.objects.filter(pk__in=person_ids).prefetch_related("certificates")
    book = RateBook(StipendPolicy.objects.select_related("region", "document__region").filter(
        effective_from__lte=datetime.date(year, 12, 31)).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=datetime.date(year, 1, 1))))
    lines = []
    for person in people:
        certificates = list(person.certificates.all())
        for month in months:
            end = month_end(year, month)
            code = _placement(employments[person.pk], end)
            if code is None:
                continue
            held = [c.level for c in certificates if c.obtained_on <= end]
            if held:
                for kind in MONTHLY_STIPEND_KINDS:
                    rate = book.rate(kind, max(held), code, end)
                    if rate is not None and rate.amount:
                        lines.append(StipendLine(person.pk, end.replace(day=1), code, kind, max(held), rate.amount,
                                                 rate))
            for cert in certificates:
                if (cert.obtained_on.year, cert.obtained_on.month) == (year, month):
                    rate = book.rate(StipendKind.ONE_OFF_AWARD, cert.level, code, cert.obtained_on)
                    if rate is not None and rate.amount:
                        lines.append(StipendLine(person.pk, end.replace(day=1), code, StipendKind.ONE_OFF_AWARD,
                                                 cert.level, rate.amount, rate))
    return sorted(lines, key=lambda line: (line.person_id, line.month, line.kind))


def person_stipend_total(*, person: Person, year: int, month: int | None = None) -> Decimal:
    return person_stipends(person=person, year=year, month=month).total


@dataclass
class PersonStipends:
    total: Decimal
    rates: list[RateUsed]


def person_stipends(*, person: Person, year: int, month: int | None = None) -> PersonStipends:
    """What one person is owed for a year (or a month of it), and the rates it comes from."""
    months = [month] if month else range(1, 13)
    lines = stipend_lines(person_ids=[person.pk], year=year, months=months)
    return PersonStipends(sum((line.amount for line in lines), ZERO), rates_used(lines))


@dataclass
class StipendSummaryRow:
    person: Person
    by_kind: dict
    total: Decimal


@dataclass
class StipendReport:
    region: object
    year: int
    month: int | None
    rows: list[StipendSummaryRow]
    totals_by_kind: dict
    total: Decimal
    rates: list[RateUsed]  # the rates the amounts come from, each with its document


def region_stipends(*, user, region, year: int, month: int | None = None) -> StipendReport:
    """Amounts owed for a year (or one month of it) to the people placed in ``region`` in
    each month, per person and in total. People who moved count for each region only for
    the months they were placed there."""
    months = [month] if month else list(range(1, 13))
    start, end = datetime.date(year, months[0], 1), month_end(year, months[-1])
    in_region = (Employment.objects.visible_to(user).filter(station__region__code__startswith=region.prefix)
                 .overlapping(start, end).values_list("person_id", flat=True))
    lines = [line for line in stipend_lines(person_ids=set(in_region), year=year, months=months)
             if line.region_code.startswith(region.prefix)]
    per_person = defaultdict(lambda: defaultdict(lambda: ZERO))
    totals_by_kind = defaultdict(lambda: ZERO)
    for line in lines:
        per_person[line.person_id][line.kind] += line.amount
        totals_by_kind[line.kind] += line.amount
    people = Person.objects.in_bulk(list(per_person))
    rows = [StipendSummaryRow(people[pid], dict(kinds), sum(kinds.values(), ZERO)) for pid, kinds in per_person.items()]
    rows.sort(key=lambda row: (row.person.name, row.person.pk))
    return StipendReport(region, year, month, rows, dict(totals_by_kind), sum(totals_by_kind.values(), ZERO),
                         rates_used(lines))
