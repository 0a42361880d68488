"""Monthly reports and their service lines, from each covering station's first full month: nearly
all approved; the last month's still in every state, a few months never filed."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING

from core.dates import month_end, month_start, next_month
from scripts.national.plan import LINE_COMBOS, at, months
from scripts.national.tables import REPORT, REPORT_LINE, Rows
from scripts.national.writer import Writer

if TYPE_CHECKING:
    from scripts.national.generator import Generator


def write(g: Generator):
    """Reports and their lines go in alternately, a chunk at a time, so memory stays flat."""
    monthly = Monthly(g)
    rows = monthly.reports()
    while chunk := list(islice(rows, Writer.CHUNK)):
        g.writer.insert(REPORT, chunk)
        g.writer.insert(REPORT_LINE, monthly.lines.rows)
        monthly.lines.rows.clear()
    g.note("reports", monthly.count)
    g.note("report_lines", monthly.line_count)


class Monthly:
    def __init__(self, g: Generator):
        self.g = g
        self.rng = g.plan.rng("reports")
        self.lines = Rows(REPORT_LINE)  # emptied after each chunk; ids go on from line_count
        self.count = self.line_count = 0

    def reports(self) -> Iterator[tuple]:
        first, last = self.g.plan.first_period, self.g.plan.last_period
        for station, (_county, opened, until) in sorted(self.g.station_life.items()):
            start = max(first, next_month(month_start(opened)))
            stop = min(last, month_start(until)) if until else last
            for period in months(start, stop):
                draw = self.rng.random()
                if draw < (0.06 if period == last else 0.015):
                    continue  # never filed
                yield self.report(station, period, draw, recent=period == last)

    def report(self, station: int, period: datetime.date, draw: float, recent: bool) -> tuple:
        """The month's report (its service lines gathered in ``lines``)."""
        rng = self.rng
        status = ("draft" if draw < 0.12 else "submitted" if draw < 0.25 else "approved") if recent \
            else ("returned" if draw < 0.02 else "approved")
        created = at(month_end(period) + datetime.timedelta(days=rng.randint(1, 4)), 9)
        submitted = None if status == "draft" else created + datetime.timedelta(hours=rng.randint(2, 30))
        reviewed = submitted + datetime.timedelta(days=rng.randint(1, 6)) if status in ("approved", "returned") \
            else None
        self.count += 1
        volunteers = rng.randint(0, 40)
        row = REPORT.row(
            id=self.count, station_id=station, period=period, status=status, version=1, volunteers=volunteers,
            volunteer_hours=Decimal(volunteers * 3), organisations_incubated=rng.randint(0, 2),
            charity_yuan=Decimal(rng.randint(0, 40) * 500), charity_in_kind="", needs_records=rng.randint(0, 30),
            resource_entries=rng.randint(0, 20), training_hours=Decimal(rng.randint(0, 16)),
            highlights="开展政策宣传和入户走访。", problems="", next_plan="", first_submitted_at=submitted,
            submitted_at=submitted, return_reason="退回补充说明" if status == "returned" else "",
            reviewed_at=reviewed, created_at=created, updated_at=reviewed or submitted or created)
        self.service_lines(self.count)
        return row

    def service_lines(self, report_id: int):
        rng = self.rng
        for domain, group in rng.sample(LINE_COMBOS, rng.choice((1, 2, 2, 3))):
            active, opened_cases = rng.randint(0, 12), rng.randint(0, 4)
            self.line_count += 1
            self.lines.add(id=self.line_count, report_id=report_id, domain=domain, target_group=group,
                           person_times=rng.randint(10, 400), home_visits=rng.randint(0, 60),
                           cases_active_start=active, cases_opened=opened_cases,
                           cases_closed=rng.randint(0, active + opened_cases), group_sessions=rng.randint(0, 4),
                           community_activities=rng.randint(0, 3))
