"""The reporting-chain page: choose a county or city and a period, preview the key figures,
download the workbook the region sends up (a county's quarterly report to the city, a city's
semi-annual report to the province)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views import View

from config.chain_report import CHAIN_KINDS, chain_report, chain_workbook
from core.scope import scope_of
from stations.models import PREFIX_LENGTH, Region, RegionLevel
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
        regions = Region.objects.visible_to(user).filter(level__in=list(CHAIN_KINDS)).order_by("code")
        code = request.GET.get("region", "").strip()
        if code:
            region = regions.by_code_or_prefix(code).first()
        else:
            region = (regions.filter(pk=getattr(user.home_region, "pk", None)).first()
                      or regions.filter(level=RegionLevel.CITY).first())
        if region is None:
            raise Http404
        kind = CHAIN_KINDS[region.level]  # what this level sends up; ``?kind=`` cannot change it
        year, number = _period(request, kind)
        report = chain_report(user=user, region=region, kind=kind, year=year, number=number)
        if request.GET.get("format") == "xlsx":
            return chain_workbook(report).response(f"{report.title}.xlsx")
        if scope_of(user).everything:  # every city, but only this province's counties (not all 2,850)
            province = region.code[:PREFIX_LENGTH[RegionLevel.PROVINCE]]
            regions = regions.filter(Q(level=RegionLevel.CITY) | Q(code__startswith=province))
        return render(request, "chain_report.html", {
            "report": report, "region": region, "regions": regions, "year": year, "n": number,
            "numbers": range(1, 5 if kind == "quarter" else 3),
        })


chain_report_view = ChainReportView.as_view()

# Included by config/urls.py at /reports/chain/.
urlpatterns = [path("", chain_report_view, name="chain-report")]
