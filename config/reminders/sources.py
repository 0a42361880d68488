"""What each role is reminded of, read through the same selectors as the pages the reminders link
to (so a reminder names what the user finds there), scoped by the user like every read.

Each source gives the things falling due on the days a reminder is sent for (``DueSpan``), as
``Thing`` rows: one per station, person, installment or contract. City and province officials
get one reminder per kind and day instead of one per thing (``config.reminders.compose``)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from config.reminders.days import DueSpan, span_of
from core.dates import month_start, previous_month
from projects.selectors.contracts import contract_expiring
from projects.selectors.installments import installments_due
from stations.models.regions import ancestor_codes
from stations.reports.selectors import deadline_days, report_completeness
from stations.reports.selectors.completeness import reports_due
from workforce.selectors.qualification import qualification_deadlines


@dataclass(frozen=True)
class Thing:
    key: str  # names the thing, e.g. "report:12:2026-11"
    due: datetime.date
    title: str
    body: str
    url: str


def _date(day: datetime.date) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def _month(period: datetime.date) -> str:
    return _("%(year)s年%(month)s月") % {"year": period.year, "month": period.month}


def _when(due: datetime.date, today: datetime.date) -> str:
    return _("今天") if due == today else _date(due)


def deadline_stated(township_code: str, days: dict[str, int]) -> bool:
    """Whether the township or a region above it states a filing deadline (``ReportDeadline``).
    Where none does, the pages show the calendar's default; no one has set a deadline there, so
    nobody is reminded of it."""
    return any(code in days for code in ancestor_codes(township_code))


def report_deadline_things(user, today: datetime.date, spans: list[DueSpan]) -> list[Thing]:
    """A station head: the months whose report is not yet submitted (no report, a draft or a
    returned one) and whose deadline is reminded of today: the report list's ``reports_due``."""
    station = user.station
    if station is None or not deadline_stated(station.region.code, deadline_days(station.region)):
        return []
    things = []
    for due in reports_due(user=user):
        if span_of(due.deadline, spans) is None:
            continue
        if due.report is None:
            state, url = _("尚未填报"), reverse("stations:report-list")
        else:
            state, url = due.report.get_status_display(), reverse("stations:report-edit", args=[due.report.pk])
        title = _("%(month)s月报%(when)s截止报送") % {"month": _month(due.period), "when": _when(due.deadline, today)}
        body = _("%(station)s %(month)s的月度报告须在%(date)s（含）前报送，当前状态：%(state)s。") % {
            "station": station.name, "month": _month(due.period), "date": _date(due.deadline), "state": state}
        things.append(Thing(f"report:{station.pk}:{due.period:%Y-%m}", due.deadline, title, body, url))
    return things


def completeness_things(user, today: datetime.date, spans: list[DueSpan]) -> list[Thing]:
    """An official: per month and deadline reminded of today, the stations in the user's region
    whose report is not yet submitted (the completeness page's missing stations)."""
    region = user.region
    days = deadline_days(region)
    if not days:
        return []
    things = []
    for period in (previous_month(today), month_start(today)):
        missing = defaultdict(list)
        for station in report_completeness(user=user, region=region, period=period).missing:
            if deadline_stated(station.township_code, days) and span_of(station.deadline, spans):
                missing[station.deadline].append(station.name)
        for due, names in sorted(missing.items()):
            shown = "、".join(names[:5]) + (_("等") if len(names) > 5 else "")
            title = _("%(n)s个站点%(month)s月报尚未报送，%(when)s截止") % {
                "n": len(names), "month": _month(period), "when": _when(due, today)}
            body = _("%(region)s尚未报送%(month)s月报的站点：%(names)s。截止日期：%(date)s。") % {
                "region": region.name, "month": _month(period), "names": shown, "date": _date(due)}
            url = reverse("stations:report-completeness") + "?" + urlencode(
                {"region": region.code, "month": f"{period:%Y-%m}"})
            things.append(Thing(f"completeness:{region.pk}:{period:%Y-%m}:{due:%Y-%m-%d}", due, title, body, url))
    return things


def qualification_things(user, today: datetime.date, spans: list[DueSpan]) -> list[Thing]:
    """People in the user's scope not yet qualified whose deadline is reminded of today: the
    deadline list's rows."""
    things = []
    for row in qualification_deadlines(user=user, on_date=today):
        if span_of(row.deadline, spans) is None:
            continue
        person = row.person
        title = _("%(name)s取得专业资质期限%(when)s到期") % {"name": person.name, "when": _when(row.deadline, today)}
        body = _("%(name)s（%(station)s）须在%(date)s前取得社会工作专业资质。%(basis)s") % {
            "name": person.name, "station": row.assignment.station.name if row.assignment else "",
            "date": _date(row.deadline), "basis": row.citation}
        things.append(Thing(f"qualification:{person.pk}:{row.deadline:%Y-%m-%d}", row.deadline, title, body,
                            person.get_absolute_url()))
    return things


def _due_between(spans: list[DueSpan]) -> tuple[datetime.date, datetime.date]:
    return min(span.first for span in spans), max(span.last for span in spans)


def installment_things(user, today: datetime.date, spans: list[DueSpan]) -> list[Thing]:
    """Installments of contracts the user sees, not fully paid, whose due date is reminded of today."""
    first, last = _due_between(spans)
    installments = installments_due(user=user, first=first, last=last, today=today)
    things = []
    for installment in installments:
        if span_of(installment.due_on, spans) is None:
            continue
        contract = installment.contract
        title = _("合同%(number)s第%(seq)s期付款%(when)s到期") % {
            "number": contract.number, "seq": installment.sequence, "when": _when(installment.due_on, today)}
        body = _("《%(title)s》第%(seq)s期（%(trigger)s）应付%(amount)s元，尚未付清，应付日期%(date)s。") % {
            "title": contract.title, "seq": installment.sequence, "trigger": installment.get_trigger_display(),
            "amount": installment.amount, "date": _date(installment.due_on)}
        things.append(Thing(f"installment:{installment.pk}:{installment.due_on:%Y-%m-%d}", installment.due_on,
                            title, body, contract.get_absolute_url()))
    return things


def contract_things(user, today: datetime.date, spans: list[DueSpan]) -> list[Thing]:
    """Contracts the user sees whose service ends on a day reminded of today (the expiring list's rows)."""
    first, last = _due_between(spans)
    things = []
    for contract in contract_expiring(user=user, today=today, days=(last - today).days).filter(ends_on__gte=first):
        if span_of(contract.ends_on, spans) is None:
            continue
        title = _("合同%(number)s%(when)s到期") % {"number": contract.number, "when": _when(contract.ends_on, today)}
        body = _("《%(title)s》（承接机构：%(contractor)s）的服务期至%(date)s结束。") % {
            "title": contract.title, "contractor": contract.contractor.name, "date": _date(contract.ends_on)}
        things.append(Thing(f"contract:{contract.pk}:{contract.ends_on:%Y-%m-%d}", contract.ends_on, title, body,
                            contract.get_absolute_url()))
    return things
