"""Lists of monthly reports as the screens and commands read them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from stations.models import MonthlyReport, ReportStatus


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


@dataclass(frozen=True)
class ReviewQueue:
    count: int
    status: str = ReportStatus.SUBMITTED  # the report list's status filter that lists them


def report_review_summary(*, user) -> ReviewQueue:
    """How many submitted reports wait for review in the user's report list."""
    return ReviewQueue(report_list(user=user, status=ReportStatus.SUBMITTED).count())
