"""Lists of monthly reports as the screens and commands read them."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.db import connection, connections, router
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
    over those reports' lines only, written once per process: the ORM took longer to build it than
    the database to run it."""
    report_ids = list(report_ids)
    if not report_ids:
        return {}
    sql, names = _figures_statement()
    placeholders = ", ".join(["%s"] * len(report_ids))
    with connections[router.db_for_read(MonthlyReportLine)].cursor() as cursor:
        cursor.execute(sql.replace("%(ids)s", placeholders), report_ids)
        rows = cursor.fetchall()
    return {row[0]: {f"figure_{name}": int(value) for name, value in zip(names, row[1:], strict=True)} for row in rows}


@functools.cache
def _figures_statement() -> tuple[str, tuple[str, ...]]:
    """``SELECT report, SUM(…) per figure FROM lines WHERE report IN (%(ids)s) GROUP BY report``: the sums
    :func:`_figure` defines, cases still open at the month's end as opening stock + opened - closed."""
    meta = MonthlyReportLine._meta

    def column(name: str) -> str:
        return connection.ops.quote_name(meta.get_field(name).column)

    sums = []
    for name, _label in LIST_FIGURES:
        if name == "cases_active_end":
            sums.append(f"COALESCE(SUM({column('cases_active_start')} + {column('cases_opened')}"
                        f" - {column('cases_closed')}), 0)")
        else:
            sums.append(f"COALESCE(SUM({column(name)}), 0)")
    report = column("report")
    sql = (f"SELECT {report}, {', '.join(sums)} FROM {connection.ops.quote_name(meta.db_table)}"
           f" WHERE {report} IN (%(ids)s) GROUP BY {report}")
    return sql, tuple(name for name, _label in LIST_FIGURES)


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
