"""The home page's working overview: for the user's region, what needs attention now; for a
superuser the provinces' coverage, for a station head the month's report, for an evaluator the
evaluations waiting for their scores.

Every figure comes from a selector of the app whose list page it links to, counting the rows
that page's scoped selector gives with the arguments the page uses by default, so the number on
the overview is the number of rows the user finds after following the link. Nothing is queried
here. Labels are translated as they are computed, in the request's language (which the cached
overview's key holds too): plain strings, as a lazy one costs a new class each time the overview
is read back from the cache."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.selectors import TodoCounts, evaluation_todo_summary, todo_list
from core.dates import previous_month
from projects.selectors.contracts import contract_alert_summary
from stations.reports.selectors import report_completeness
from stations.reports.selectors.home import StationMonth, station_month
from stations.reports.selectors.lists import report_review_summary
from stations.roles import OFFICIAL_ROLES, Role
from stations.selectors.coverage import DASHBOARD_LEVELS, NATIONAL_CODE, CoverageRow, coverage_rows
from stations.selectors.coverage_national import national_dashboard
from workforce.selectors.alerts import people_alert_summary

OFFICIALS = OFFICIAL_ROLES
PEOPLE_ROLES = OFFICIALS | {Role.STATION_HEAD}
EVALUATION_ROLES = OFFICIALS | {Role.EVALUATOR}


@dataclass(frozen=True)
class Alert:
    key: str
    label: str
    count: int
    url: str
    hint: str = ""
    # "bad" when something is overdue, "warn" when it soon will be, "" when it is only work to do.
    severity: str = ""

    @property
    def tone(self) -> str:
        return self.severity if self.count else "ok"


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class Overview:
    on_date: datetime.date
    coverage: CoverageRow | None = None
    coverage_url: str = ""
    report_period: datetime.date | None = None
    alerts: list[Alert] = field(default_factory=list)
    expiring_contracts: list = field(default_factory=list)
    provinces: list[CoverageRow] = field(default_factory=list)  # a superuser's: each against its target
    station_month: StationMonth | None = None  # a station head's month
    to_score: list = field(default_factory=list)  # an evaluator's evaluations to score
    links: list[Link] = field(default_factory=list)  # the places a province official works from

    def alert(self, key: str) -> Alert | None:
        return next((alert for alert in self.alerts if alert.key == key), None)


def _url(name: str, **query) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


REGISTRY_PART, REPORTS_PART = "registry", "reports"


def overview(*, user, on_date: datetime.date, station_month_too: bool = True,
             parts: tuple[str, ...] = (REPORTS_PART, REGISTRY_PART)) -> Overview:
    """What the home page shows; each part only for the roles whose list page it links to. Without
    ``station_month_too``, a station head's month is left to :func:`add_station_month`.

    ``parts`` picks the figures computed from the monthly reports (the month's missing reports, the
    reports awaiting review) or from the registry (coverage, contracts, people, evaluations), so that each
    can be cached under its own family's counter and a report written recounts only the first:
    :func:`merge` puts the two back together as one overview would have been."""
    result = Overview(on_date=on_date)
    role = user.role
    region = user.home_region
    reports, registry = REPORTS_PART in parts, REGISTRY_PART in parts
    if user.is_superuser and region is None:
        if reports:
            _add_review_queue(result, user)
        if registry:
            _add_national(result, user, on_date)
    if role in OFFICIALS and region is not None:
        if registry:
            _add_coverage(result, region, on_date)
        if reports:
            _add_reports(result, user, region, on_date)
        if registry:
            _add_contracts(result, user, on_date)
    if registry:
        if role == Role.PROVINCE:
            _add_links(result, user, region.get_absolute_url())
        if role in PEOPLE_ROLES:
            _add_people(result, user, on_date)
        if role in EVALUATION_ROLES:
            _add_evaluations(result, user)
    if role == Role.STATION_HEAD and station_month_too:
        add_station_month(result, user, on_date)
    return result


def merge(reports: Overview, registry: Overview) -> Overview:
    """The two parts of :func:`overview` as one, in the order it gives them: the report alerts first."""
    return dataclasses.replace(registry, report_period=reports.report_period,
                               alerts=[*reports.alerts, *registry.alerts])


def add_station_month(result: Overview, user, on_date) -> None:
    result.station_month = station_month(user=user, today=on_date)


def _add_national(result: Overview, user, on_date) -> None:
    """Every province against its own target, and the places the administrator works from (the reports
    the counties have yet to review are the reports part's)."""
    result.provinces = national_dashboard(on_date=on_date).children
    result.coverage_url = reverse("stations:coverage-dashboard", args=[NATIONAL_CODE])
    _add_links(result, user, result.coverage_url)


def _add_links(result: Overview, user, coverage_url: str) -> None:
    result.links.append(Link(_("覆盖率看板"), coverage_url))
    if user.is_staff:
        result.links.append(Link(_("管理后台"), reverse("admin:index")))
    if user.has_perm("stations.view_target"):
        result.links.append(Link(_("覆盖率目标"), reverse("admin:stations_target_changelist")))


def _add_review_queue(result: Overview, user) -> None:
    queue = report_review_summary(user=user)
    label = _("待审核的月报") if user.role == Role.COUNTY else _("各县待审核的月报")
    result.alerts.append(Alert(key="reports_awaiting", label=label, count=queue.count,
                               url=_url("stations:report-list", status=queue.status), severity="warn"))


def _add_coverage(result: Overview, region, on_date) -> None:
    if region.level not in DASHBOARD_LEVELS:
        return
    result.coverage, _children = coverage_rows(region=region, on_date=on_date)
    result.coverage_url = region.get_absolute_url()


def _add_reports(result: Overview, user, region, on_date) -> None:
    period = previous_month(on_date)  # the month whose report is due now
    result.report_period = period
    completeness = report_completeness(user=user, region=region, period=period)
    month = f"{period:%Y-%m}"
    result.alerts.append(Alert(
        key="reports_missing", label=_("上月月报未报送"), count=completeness.total.missing,
        url=_url("stations:report-completeness", region=region.code, month=month),
        hint=_("应报 %(n)s 个站点") % {"n": completeness.total.expected},
        severity="bad" if completeness.deadline_passed else "warn"))
    _add_review_queue(result, user)


def _add_contracts(result: Overview, user, on_date) -> None:
    contracts = contract_alert_summary(user=user, today=on_date)
    result.expiring_contracts = contracts.expiring[:5]
    result.alerts.append(Alert(
        key="contracts_expiring", label=_("%(days)s 天内到期的合同") % {"days": contracts.days},
        count=len(contracts.expiring), url=_url("projects:contract-expiring"), severity="warn"))
    result.alerts.append(Alert(
        key="installments_overdue", label=_("有逾期未付款项的合同"), count=contracts.with_overdue_installments,
        url=_url("projects:contract-list", overdue="true"), severity="bad"))
    result.alerts.append(Alert(
        key="filings_overdue", label=_("逾期未备案的合同"), count=contracts.filings_overdue,
        url=_url("projects:contract-list", filing=contracts.filing_overdue_state), severity="bad"))
    result.alerts.append(Alert(
        key="filings_pending", label=_("已签订待备案的合同"), count=contracts.filings_pending,
        url=_url("projects:contract-list", filing=contracts.filing_pending_state), severity="warn"))


def _add_people(result: Overview, user, on_date) -> None:
    people = people_alert_summary(user=user, on_date=on_date)
    overdue = people.deadlines.overdue
    result.alerts.append(Alert(
        key="qualification_deadlines", label=_("取得专业资质期限将到或已过"), count=people.deadlines.due,
        url=_url("workforce:deadline-list"), hint=_("其中已逾期 %(n)s 人") % {"n": overdue} if overdue else "",
        severity="bad" if overdue else "warn"))
    result.alerts.append(Alert(
        key="training_shortfall", label=_("%(year)s 年继续教育学时不足") % {"year": on_date.year},
        count=people.training_shortfall, url=_url("workforce:shortfall-list"), severity="warn"))


def _add_evaluations(result: Overview, user) -> None:
    if user.role == Role.EVALUATOR:  # the evaluations themselves, each linked to its scoring page
        waiting = todo_list(user=user)
        result.to_score = waiting.to_score
        todo = TodoCounts(len(waiting.to_finalise), len(waiting.to_score))
    else:
        todo = evaluation_todo_summary(user=user)
    result.alerts.append(Alert(
        key="evaluations_waiting", label=_("待处理的评估"), count=todo.waiting, url=_url("assessments:todo"),
        hint=_("待确认 %(f)s，待评分 %(s)s") % {"f": todo.to_finalise, "s": todo.to_score},
        severity="warn"))
