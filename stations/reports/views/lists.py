"""The report list, filtered on screen, and its Excel export of the same reports."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import ListView

from core.export_jobs import export_job
from core.form_renderer import render_jinja2
from core.scope import scope_of
from core.xlsx import XlsxBook
from stations import selectors
from stations.models import RegionLevel, ReportStatus, level_of_prefix
from stations.permissions import is_station_head
from stations.reports.filters import ReportFilter
from stations.reports.selectors import LIST_FIGURES, report_totals, with_figures
from stations.reports.selectors.deadlines import days_late, deadline_of, deadline_rules
from stations.reports.selectors.lists import figures_by_report


def filtered_reports(request):
    """The reports the user may see, as filtered on screen; the export reads the very same
    queryset. An invalid filter (a county or station outside the user's scope, a month that does
    not read) lists nothing rather than being ignored."""
    filterset = ReportFilter(request.GET or None, queryset=selectors.report_list(user=request.user),
                             request=request)
    reports = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    return filterset, reports


def _filter_summary(filterset) -> str:
    if not filterset.is_bound or not filterset.is_valid():
        return _("全部")
    shown = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, ""):
            continue
        field = filterset.form.fields[name]
        if name.startswith("month"):
            value = f"{value.year}年{value.month}月"
        elif isinstance(value, str) and name == "status":
            value = dict(field.choices).get(value, value)
        shown.append(f"{field.label}：{value}")
    return "；".join(shown) or _("全部")


# What a row of the list shows, read as plain values: no model objects for a page of 50 reports.
_ROW_FIELDS = ("pk", "period", "status", "first_submitted_at", "return_reason", "station__name",
               "station__region__code", "station__region__name", "station__region__parent__name")


def _url_with_pk(name: str):
    """``reverse(name, kwargs={"pk": pk})`` for every row of a page at the cost of one reverse()."""
    head, tail = reverse(name, kwargs={"pk": 0}).rsplit("/0/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


def _number(value: int) -> str:
    """An integer as the template would show it: plain digits unless thousands are grouped."""
    return number_format(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


def _list_rows(reports) -> list[dict]:
    """A page of reports as the table shows them, each value worked out and formatted here once,
    not per cell in the template: the figures and the deadline rules in one query each, one
    reverse() for the detail links, each deadline formatted once, the figures as text."""
    reports = list(reports)
    if not reports:
        return []
    figures = figures_by_report([report["pk"] for report in reports])
    no_figures = {f"figure_{name}": 0 for name, _label in LIST_FIGURES}
    rules = deadline_rules()
    detail_url = _url_with_pk("stations:report-detail")
    status_labels = {status: str(label) for status, label in ReportStatus.choices}
    deadline_labels = {}

    def row(report):
        period, status, submitted = report["period"], report["status"], report["first_submitted_at"]
        deadline = deadline_of(report["station__region__code"], period, rules)
        if deadline not in deadline_labels:
            deadline_labels[deadline] = date_format(deadline, "DATE_FORMAT")
        late = days_late(submitted, deadline)
        return {
            "url": detail_url(report["pk"]),
            "month_label": f"{period.year}年{period.month}月",
            "station_name": report["station__name"],
            "county_name": report["station__region__parent__name"] or "",
            "township_name": report["station__region__name"],
            "status": status,
            "status_label": status_labels.get(status, status),
            "deadline": deadline_labels[deadline],
            "first_submitted": date_format(timezone.localtime(submitted), "DATETIME_FORMAT") if submitted else "—",
            "late": ngettext("逾期 %(n)s 天", "逾期 %(n)s 天", late) % {"n": late} if late else "",
            "return_reason": Truncator(report["return_reason"]).chars(40) if status == ReportStatus.RETURNED else "",
            **{name: _number(value) for name, value in figures.get(report["pk"], no_figures).items()},
        }

    return [row(report) for report in reports]


def _station_options(stations, *, chosen) -> list[dict]:
    """The station filter's options as plain values, the chosen one marked."""
    return [{"pk": pk, "name": name, "selected": str(pk) == str(chosen)} for pk, name in stations.values_list("pk", "name")]


def _may_span_counties(user) -> bool:
    """Whether the user's scope can hold more than one county: only one above a county's can (a county's, a
    township's or a station's holds one at most), so the others are not counted."""
    scope = scope_of(user)
    return scope.everything or (scope.prefix is not None
                                and level_of_prefix(scope.prefix) in (RegionLevel.PROVINCE, RegionLevel.CITY))


class ReportListView(LoginRequiredMixin, ListView):
    template_name = "stations/report_list.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self):
        self.filterset, self.filtered = filtered_reports(self.request)
        self.totals = report_totals(reports=self.filtered)
        return self.filtered.values(*_ROW_FIELDS)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.count = self.totals["count"]  # counted with the totals: the pages need no count of their own
        return paginator

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["reports"] = _list_rows(context["reports"])
        context["rows"] = render_jinja2("stations/report_rows.html", {"reports": context["reports"]})
        form = self.filterset.form
        several_counties = _may_span_counties(user) and form.fields["county"].queryset[:2].count() > 1
        county = form.cleaned_data.get("county") if form.is_bound and form.is_valid() else None
        stations = form.fields["station"].queryset
        if county is not None:
            stations = stations.filter(region__code__startswith=county.prefix)
        query = self.request.GET.copy()
        query.pop("page", None)
        return context | dict(
            due=selectors.reports_due(user=user) if is_station_head(user) else [],
            filter=self.filterset, query=query.urlencode(),
            show_county=several_counties,
            # Stations to choose from: those of one county (the chosen one, or the user's only one); none shown for a single station.
            station_options=_station_options(stations, chosen=form["station"].value())
            if county is not None or not several_counties else None,
            figures=LIST_FIGURES,
            totals=self.totals if self.totals["count"] else None,
        )


def _export_row(report) -> list:
    region = report.station.region
    submitted = timezone.localtime(report.first_submitted_at) if report.first_submitted_at else None
    return [report.month_label, report.station.name, region.parent.name if region.parent else "", region.name,
            region.code, report.get_status_display(), report.deadline,
            submitted.strftime("%Y-%m-%d %H:%M") if submitted else "",
            *[getattr(report, f"figure_{name}") for name, _label in LIST_FIGURES],
            report.return_reason if report.status == ReportStatus.RETURNED else ""]


class ReportExportView(LoginRequiredMixin, View):
    """The report list as filtered on screen (every page of it), as an Excel file with the totals."""

    def get(self, request):
        filterset, filtered = filtered_reports(request)
        reports = selectors.with_deadlines(with_figures(filtered))
        headers = [_("月份"), _("社工站"), _("县（市、区）"), _("乡镇（街道）"), _("乡镇代码"), _("状态"), _("报送截止"),
                   _("首次报送"), *[str(label) for _name, label in LIST_FIGURES], _("退回原因")]
        rows = [_export_row(report) for report in reports]
        if reports:
            totals = report_totals(reports=filtered)
            rows.append([_("合计（%(n)s 份）") % {"n": len(reports)}, *[""] * 7,
                         *[totals[name] for name, _label in LIST_FIGURES], ""])
        book = XlsxBook()
        book.add_sheet(title=_("月度工作简报"), headers=headers, rows=rows,
                       meta=[(_("筛选条件"), _filter_summary(filterset))])
        return book.response(f"月度工作简报-{timezone.localdate().isoformat()}.xlsx")


report_list_view = ReportListView.as_view()


report_export_view = export_job(gettext_lazy("月度工作简报"), page="stations:report-list")(ReportExportView.as_view())
