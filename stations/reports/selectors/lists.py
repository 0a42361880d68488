"""Lists of monthly reports as the screens and commands read them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from stations.models import MonthlyReport, MonthlyReportLine, ReportStatus


class CommandLineUser:
    """The scope of a management command run by an operator on the server: everything."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = ""


COMMAND_LINE = CommandLineUser()


def report_list(*, user, period: datetime.date | None = None, status: str = "") -> QuerySet[MonthlyReport]:
    reports = MonthlyReport.objects.visible_to(user).select_related("station", "station__region",
                                                                    "station__region__parent")
    if period:
        reports = reports.for_period(period)
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-period", "station__region__code")


# The service figures the report list shows for each report and totals under it: the sums of the
# report's lines, with the cases still open at the month's end (opening stock + opened - closed).
LIST_FIGURES = (
    ("person_times", _("服务人次")),
    ("home_visits", _("入户走访（户次）")),
    ("cases_opened", _("本月新开个案")),
    ("cases_active_end", _("月末在案个案")),
    ("group_sessions", _("小组活动（节）")),
    ("community_activities", _("社区活动（场）")),
)


def _figure(name: str, prefix: str = ""):
    if name == "cases_active_end":
        expression = F(f"{prefix}cases_active_start") + F(f"{prefix}cases_opened") - F(f"{prefix}cases_closed")
        return Sum(expression, default=0)
    return Sum(f"{prefix}{name}", default=0)


def with_figures(reports: QuerySet[MonthlyReport]) -> QuerySet[MonthlyReport]:
    """Each report with its lines' sums as ``figure_<name>`` (grouped in the database)."""
    return reports.annotate(**{f"figure_{name}": _figure(name, "lines__") for name, _label in LIST_FIGURES})


def figures_by_report(report_ids) -> dict[int, dict[str, int]]:
    """The figures of ``LIST_FIGURES`` for each of a few reports (a page of the list), as
    {report id: {"figure_<name>": sum}}, named as :func:`with_figures` names them; a report
    without lines is left out. The ids come from reports read through the user's scope (every
    line of a report is as visible as the report), so the lines are not scoped again. One query,
    over those reports' lines only."""
    sums = MonthlyReportLine.objects.filter(report_id__in=report_ids).order_by().values("report_id").annotate(
        **{f"figure_{name}": _figure(name) for name, _label in LIST_FIGURES})
    return {row.pop("report_id"): row for row in sums}


def report_totals(*, reports: QuerySet[MonthlyReport]) -> dict:
    """The figures of ``LIST_FIGURES`` summed over every report of ``reports`` (all pages of the
    list as filtered), with ``count``, the number of those reports. One query, over the reports
    and their lines: ``reports`` are read through the user's scope (every line of a report is as
    visible as the report) and filtered on the report, its station or their regions only, so no
    line is counted twice."""
    # Aliases unlike the fields: an aggregate named like a field would shadow it in F().
    sums = reports.order_by().aggregate(count=Count("pk", distinct=True),
                                        **{f"sum_{name}": _figure(name, "lines__") for name, _label in LIST_FIGURES})
    return {key.removeprefix("sum_"): value for key, value in sums.items()}


@dataclass(frozen=True)
class ReviewQueue:
    count: int
    status: str = ReportStatus.SUBMITTED  # the report list's status filter that lists them


def report_review_summary(*, user) -> ReviewQueue:
    """How many submitted reports wait for review in the user's report list."""
    return ReviewQueue(report_list(user=user, status=ReportStatus.SUBMITTED).count())
