"""Coverage dashboards: a region's coverage as of a date against its target, and its child regions."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core import figures
from core.export_jobs import export_job
from core.scope import scope_of
from core.xlsx import XlsxBook
from stations.forms.coverage import CoverageDateForm
from stations.light_cells import paint_lights
from stations.selectors.coverage import (
    DASHBOARD_LEVELS,
    coverage_dashboard,
    dashboard_region,
    national_region,
    target_bases,
)
from stations.selectors.coverage_trends import ORDERS, TREND_LEVELS, coverage_trends
from stations.selectors.lights import light_legend_text
from stations.selectors.policies import NOT_SET
from stations.selectors.status_corrections import status_corrections_after


class CoverageHomeView(LoginRequiredMixin, View):
    """The dashboard of the user's own region (a superuser without one starts at the national dashboard)."""

    def get(self, request):
        region = request.user.home_region
        if request.user.is_superuser and region is None:
            region = national_region()
        elif region is None or region.level not in DASHBOARD_LEVELS:
            raise Http404
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(f"{region.get_absolute_url()}{query}")


class CoverageDashboardMixin(LoginRequiredMixin):
    def get_dashboard(self):
        region = dashboard_region(user=self.request.user, code=self.kwargs["code"])
        form = CoverageDateForm(self.request.GET or None)
        return form, coverage_dashboard(region=region, on_date=form.on_date())


class CoverageDashboardView(CoverageDashboardMixin, TemplateView):
    template_name = "stations/coverage_dashboard.html"

    def get_context_data(self, **kwargs):
        """The scope is checked and the date read at once; the figures only when they are not cached."""
        region = dashboard_region(user=self.request.user, code=self.kwargs["code"])
        form = CoverageDateForm(self.request.GET or None)
        fragment = figures.Fragment(self.request, "coverage-dashboard", (figures.REGISTRY,),
                                    lambda: self.figures_context(region, form))
        return super().get_context_data(region=region, form=form, figures=fragment, **kwargs)

    def figures_context(self, region, form) -> dict:
        dashboard = coverage_dashboard(region=region, on_date=form.on_date())
        scope = scope_of(self.request.user)
        # Only the ancestors the user may open are links; the rest is plain text. 全国 heads the path of
        # those who may open it (superusers).
        breadcrumbs = [] if dashboard.national else [
            (ancestor, scope.everything or bool(scope.prefix and ancestor.code.startswith(scope.prefix)))
            for ancestor in dashboard.region.ancestors()
        ]
        if scope.everything and not dashboard.national:
            breadcrumbs.insert(0, (national_region(), True))
        chart = {
            "labels": [point.on_date.isoformat() for point in dashboard.chart],
            "coverage": [float(p.coverage_pct) if p.coverage_pct is not None else None for p in dashboard.chart],
            "target": [float(p.target_pct) if p.target_pct is not None else None for p in dashboard.chart],
        }
        return {
            "dashboard": dashboard, "summary": dashboard.summary, "breadcrumbs": breadcrumbs, "chart": chart,
            "drill_down": dashboard.region.level != "county", "trends": dashboard.region.level in TREND_LEVELS,
            "query": self.request.GET.urlencode(), "corrections": self.corrections_since(dashboard),
        }

    def corrections_since(self, dashboard):
        """For a past date: the corrections and late entries made since that changed its figures (None for
        today)."""
        if dashboard.on_date >= timezone.localdate():
            return None
        return status_corrections_after(user=self.request.user, on_date=dashboard.on_date,
                                        region=None if dashboard.national else dashboard.region)


coverage_home_view = CoverageHomeView.as_view()
coverage_dashboard_view = CoverageDashboardView.as_view()


COVERAGE_HEADERS = (
    gettext_lazy("区划"), gettext_lazy("代码"), gettext_lazy("应覆盖"), gettext_lazy("已覆盖"),
    gettext_lazy("覆盖率（%）"), gettext_lazy("目标（%）"), gettext_lazy("完成期限"), gettext_lazy("还需建站"),
    gettext_lazy("状态"),
)


COUNT_HEADERS = (gettext_lazy("每县最低站数"), gettext_lazy("尚差站数"))
STANDARD_HEADERS = (gettext_lazy("达标站覆盖"), gettext_lazy("达标率（%）"))
BASIS_HEADER = gettext_lazy("依据")


def standard_cells(row) -> list:
    """Townships covered by a station that passed the standard, and their share (本地政策未规定 where the
    province had no standard in force: no figure, not 0)."""
    return [row.standard_covered, row.standard_pct_shown]


def standard_meta(dashboard) -> tuple[str, str]:
    """The standard the 达标率 is measured against, for a sheet's heading."""
    standard = dashboard.summary.standard
    if standard is not None:
        return _("建设标准（达标率依据）"), f"“{standard.name}”{standard.citation}"
    if dashboard.national and dashboard.summary.standard_set:
        return _("建设标准（达标率依据）"), _("只计有施行中建设标准的省份，各省按本省标准验收")
    return _("建设标准（达标率依据）"), str(NOT_SET)


def coverage_table_rows(rows, *, count_columns=False):
    """The dashboard table's cells, as on screen (empty where the screen shows —); the light after the
    gap, then the 达标 figures, the targets' basis last."""
    table = []
    for row in rows:
        cells = [row.name, row.code, row.townships, row.covered, row.coverage_pct,
                 row.target.value if row.target else None, row.target.due_on if row.target else None,
                 row.gap_stations, row.light.label]
        if count_columns:
            cells += [row.count_target.value if row.count_target else None, row.count_gap]
        table.append([*cells, *standard_cells(row),
                      "；".join(target_bases([row.target, row.count_target if count_columns else None]))])
    return table


class CoverageExportView(CoverageDashboardMixin, View):
    """The dashboard's tables as an Excel workbook, same scope and same date as the page."""

    def get(self, request, *args, **kwargs):
        _form, dashboard = self.get_dashboard()
        region, on_date = dashboard.region, dashboard.on_date
        meta = [(_("区划"), region.name if dashboard.national else f"{region.name}（{region.code}）"),
                (_("统计日期"), on_date), (_("状态说明"), light_legend_text()), standard_meta(dashboard)]
        if dashboard.national:
            meta.append((_("各省距本省目标还需建站合计"), dashboard.children_gap))
        book = XlsxBook()
        headers = [str(h) for h in COVERAGE_HEADERS]
        light_column = len(headers)
        standard_headers = [str(h) for h in STANDARD_HEADERS]
        paint_lights(book.add_sheet(title=_("覆盖率汇总"), headers=[*headers, *standard_headers, str(BASIS_HEADER)],
                                    rows=coverage_table_rows([dashboard.summary]), meta=meta), light_column)
        count_columns = dashboard.has_count_targets
        paint_lights(book.add_sheet(
            title=_("下级区划"),
            headers=[*headers, *([str(h) for h in COUNT_HEADERS] if count_columns else []), *standard_headers,
                     str(BASIS_HEADER)],
            rows=coverage_table_rows(dashboard.children, count_columns=count_columns), meta=meta), light_column)
        if region.level == "county":
            book.add_sheet(title=_("未覆盖乡镇（街道）"), headers=[_("乡镇（街道）"), _("代码")],
                           rows=[[row.name, row.code] for row in dashboard.uncovered_townships], meta=meta)
        book.add_sheet(title=_("覆盖率变化"),
                       headers=[_("日期"), _("应覆盖"), _("已覆盖"), _("覆盖率（%）"), _("目标（%）"), BASIS_HEADER],
                       rows=[[p.on_date, p.townships, p.covered, p.coverage_pct, p.target_pct,
                              p.target.citation if p.target else ""] for p in dashboard.chart], meta=meta)
        return book.response(f"{region.name}社工站覆盖率-{on_date.isoformat()}.xlsx")


coverage_export_view = export_job(gettext_lazy("社工站覆盖率"), page="stations:coverage-dashboard",
                                  page_kwargs=("code",))(CoverageExportView.as_view())


TREND_ORDER_LABELS = dict(zip(ORDERS, (gettext_lazy("最落后在前"), gettext_lazy("按区划代码"),
                                       gettext_lazy("覆盖率从低到高")), strict=True))


class CoverageTrendsView(LoginRequiredMixin, TemplateView):
    """A province's cities and counties (or a city's counties) with trend sparklines and traffic lights;
    ``?format=xlsx`` exports the same table. A county or the nation has no such table: its dashboard instead."""

    template_name = "stations/coverage_trends.html"

    def get(self, request, *args, **kwargs):
        region = dashboard_region(user=request.user, code=kwargs["code"])
        at_query = urlencode({"at": request.GET["at"]}) if request.GET.get("at") else ""
        if region.level not in TREND_LEVELS:  # a county, or the nation: its dashboard instead
            return redirect(f"{region.get_absolute_url()}{'?' if at_query else ''}{at_query}")
        form = CoverageDateForm(request.GET or None)
        order = request.GET.get("sort") if request.GET.get("sort") in ORDERS else ORDERS[0]

        def compute_trends():
            return coverage_trends(user=request.user, region=region, on_date=form.on_date(), order=order)

        if request.GET.get("format") == "xlsx":
            trends = compute_trends()
            return trends_workbook(trends).response(
                f"{region.name}社工站覆盖率趋势-{trends.on_date.isoformat()}.xlsx")
        query = request.GET.copy()
        query["format"] = "xlsx"

        def figures_context() -> dict:
            trends = compute_trends()
            return {"trends": trends, "all_rows": [trends.summary, *trends.rows]}

        return self.render_to_response(self.get_context_data(
            region=region, form=form, order=order, orders=TREND_ORDER_LABELS.items(), at_query=at_query,
            export_query=query.urlencode(),
            figures=figures.Fragment(request, "coverage-trends", (figures.REGISTRY,), figures_context)))


def trends_workbook(trends) -> XlsxBook:
    region = trends.region
    meta = [(_("区划"), f"{region.name}（{region.code}）"), (_("统计日期"), trends.on_date),
            (_("状态说明"), light_legend_text())]
    headers = [_("区划"), _("代码"), _("级别"), _("状态"), _("应覆盖"), _("已覆盖"), _("覆盖率（%）"), _("目标（%）"),
               _("完成期限"), _("还需建站"), BASIS_HEADER, *(_("%(date)s 覆盖率（%%）") % {"date": d.isoformat()}
                                                             for d in trends.dates)]
    rows = [[row.name, row.code, row.level_label, row.light.label, row.townships, row.covered, row.coverage_pct,
             row.target.value if row.target else None, row.target.due_on if row.target else None, row.gap_stations,
             row.target.citation if row.target else "", *(point.coverage_pct for point in row.trend)]
            for row in [trends.summary, *trends.rows]]
    book = XlsxBook()
    paint_lights(book.add_sheet(title=_("覆盖率趋势与状态"), headers=headers, rows=rows, meta=meta), 4)
    return book


coverage_trends_view = export_job(gettext_lazy("社工站覆盖率趋势"))(CoverageTrendsView.as_view())
