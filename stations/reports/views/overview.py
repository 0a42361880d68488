"""Officials' pages over many reports: completeness and roll-ups, with their workbooks."""

from __future__ import annotations

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import figures
from core.export_jobs import export_job
from stations import selectors
from stations.models import Region, RegionLevel
from stations.reports.views.common import OfficialsOnlyMixin, chosen_region, last_month, parse_month
from stations.reports.workbooks import missing_stations_xlsx, rollup_title, rollup_workbook
from stations.selectors import (
    ROLLUP_FIELDS,
)


class CompletenessView(OfficialsOnlyMixin, View):
    def get(self, request):
        region = chosen_region(request)
        period = parse_month(request.GET.get("month"), last_month())

        def compute():
            return selectors.report_completeness(user=request.user, region=region, period=period)

        if request.GET.get("format") == "xlsx":
            return missing_stations_xlsx(compute())
        fragment = figures.Fragment(request, "report-completeness", (figures.REPORTS, figures.REGISTRY), lambda: {
            "c": compute(), "ancestors": _visible_ancestors(request.user, region)})
        return render(request, "stations/report_completeness.html", {
            "region": region, "period": period, "month": f"{period:%Y-%m}", "figures": fragment})


def _visible_ancestors(user, region):
    """The breadcrumb above a region, only as far up as the user may go."""
    codes = [a.code for a in region.ancestors()]
    return Region.objects.visible_to(user).filter(code__in=codes).order_by("code")


def rollup_params(request):
    default = last_month()
    kind = request.GET.get("kind", "quarter")
    if kind not in selectors.PERIOD_KINDS:
        kind = "quarter"
    try:
        year = int(request.GET.get("year", default.year))
    except ValueError:
        year = default.year
    default_number = {"month": default.month, "quarter": (default.month - 1) // 3 + 1,
                      "half": 1 if default.month <= 6 else 2, "year": 1}[kind]
    try:
        number = int(request.GET.get("n", default_number))
    except ValueError:
        number = default_number
    year = min(max(year, 2000), 2100)
    return kind, year, number


class RollupView(OfficialsOnlyMixin, View):
    def get(self, request):
        region = chosen_region(request)
        kind, year, number = rollup_params(request)
        first, last, label = selectors.period_range(kind, year, number)
        rollup = selectors.report_rollup(user=request.user, region=region, first=first, last=last, label=label)
        if request.GET.get("format") == "xlsx":
            return rollup_workbook(rollup, kind=kind, user=request.user).response(
                f"{rollup_title(rollup, kind)}.xlsx")
        return render(request, "stations/report_rollup.html", {
            "rollup": rollup, "region": region, "kind": kind, "year": year, "n": number,
            "kinds": selectors.PERIOD_KINDS.items(), "title": rollup_title(rollup, kind),
            "rollup_fields": ROLLUP_FIELDS, "ancestors": _visible_ancestors(request.user, region),
            "upward_report": _upward_report(region, first),
            "chart": _chart_data(rollup),
        })


def _chart_data(rollup) -> dict:
    domains = []
    for cell in rollup.cells:
        if cell.domain_label not in domains:
            domains.append(cell.domain_label)
    groups = []
    for cell in rollup.cells:
        if cell.group_label not in groups:
            groups.append(cell.group_label)
    values = {(c.domain_label, c.group_label): c.sums["person_times"] for c in rollup.cells}
    return {"labels": domains, "datasets": [
        {"label": group, "data": [values.get((domain, group), 0) for domain in domains]} for group in groups]}


def _upward_report(region: Region, first: datetime.date) -> dict | None:
    """The report this region sends up the chain for the period containing ``first`` (the
    reporting-chain workbook): a county's quarterly report to the city, a city's semi-annual
    report to the province."""
    if region.level == RegionLevel.COUNTY:
        kind, number, label = "quarter", (first.month - 1) // 3 + 1, _("下载季度报告（报市）")
    elif region.level == RegionLevel.CITY:
        kind, number, label = "half", 1 if first.month <= 6 else 2, _("下载半年报告（报省）")
    else:
        return None
    query = urlencode({"region": region.code, "kind": kind, "year": first.year, "n": number, "format": "xlsx"})
    return {"url": f"{reverse('chain-report')}?{query}", "label": label}


report_completeness_view = export_job(gettext_lazy("未报送月报的社工站"))(CompletenessView.as_view())


report_rollup_view = export_job(gettext_lazy("社工站服务汇总"))(RollupView.as_view())
