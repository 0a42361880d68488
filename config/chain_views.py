"""The reporting-chain page: choose a county or city and a period, preview the key figures,
download the workbook the region sends up (a county's quarterly report to the city, a city's
semi-annual report to the province)."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View

from config.chain_report import chain_report
from config.chain_workbook import chain_workbook
from core.export_jobs import export_job
from stations.reports.selectors.chain import chain_regions
from stations.reports.views.common import OfficialsOnlyMixin


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def last_completed_period_end(kind: str, today: datetime.date) -> datetime.date:
    """The last day of the latest quarter (or half-year) that has ended: the one to report on."""
    months = 3 if kind == "quarter" else 6
    return datetime.date(today.year, (today.month - 1) // months * months + 1, 1) - datetime.timedelta(days=1)


def _period(request, kind: str) -> tuple[int, int]:
    """Year and number from ``?year=&n=``; by default the latest period that has ended."""
    default = last_completed_period_end(kind, timezone.localdate())
    year = min(max(_int(request.GET.get("year"), default.year), 2000), 2100)
    default_number = (default.month - 1) // 3 + 1 if kind == "quarter" else (1 if default.month <= 6 else 2)
    number = _int(request.GET.get("n"), default_number)
    return year, min(max(number, 1), 4 if kind == "quarter" else 2)


class ChainReportView(OfficialsOnlyMixin, View):
    def get(self, request):
        user = request.user
        picked = chain_regions(user=user, code=request.GET.get("region", "").strip())
        if picked.region is None:
            raise Http404
        region = picked.region
        kind = picked.kind  # what this level sends up; ``?kind=`` cannot change it
        year, number = _period(request, kind)
        report = chain_report(user=user, region=region, kind=kind, year=year, number=number)
        if request.GET.get("format") == "xlsx":
            return chain_workbook(report).response(f"{report.title}.xlsx")
        return render(request, "chain_report.html", {
            "report": report, "region": region, "regions": picked.choices, "year": year, "n": number,
            "numbers": range(1, 5 if kind == "quarter" else 3),
        })


# Every level's workbook is a job when queued: the report gathers figures from every app.
chain_report_view = export_job(gettext_lazy("逐级报告"), wide_only=False)(ChainReportView.as_view())

# Included by config/urls.py at /reports/chain/.
urlpatterns = [path("", chain_report_view, name="chain-report")]
