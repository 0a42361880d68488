"""Monthly report screens: station heads fill and submit, county staff review, officials
check completeness and roll-ups. Views are thin: selectors read, services write."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from core.dates import month_start, previous_month
from core.importing import ImportView
from core.scope import get_visible_or_404, scope_of
from stations import selectors, services
from stations.forms.reports import MonthlyReportForm, ReasonForm, line_formset
from stations.models import LINE_COUNT_FIELDS, MonthlyReport, MonthlyReportLine, Region, RegionLevel, ReportStatus, Role
from stations.report_workbooks import missing_stations_xlsx, rollup_title, rollup_workbook
from stations.resources_reports import MonthlyReportLineResource, MonthlyReportResource
from stations.selectors import (
    ROLLUP_FIELDS,
    report_history,
    with_deadlines,
)

REVIEW_ROLES = (Role.PROVINCE, Role.CITY, Role.COUNTY)


def parse_month(value: str | None, default: datetime.date) -> datetime.date:
    try:
        year, month = (int(part) for part in (value or "").split("-")[:2])
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return default


def last_month() -> datetime.date:
    return previous_month(timezone.localdate())


def chosen_region(request) -> Region:
    """The region named in ``?region=`` (code or prefix) if the user may see it, else their own."""
    user = request.user
    visible = Region.objects.visible_to(user)
    code = request.GET.get("region", "").strip()
    if code:
        region = visible.by_code_or_prefix(code).first()
    elif user.is_superuser and not user.region_id:
        region = visible.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    else:
        region = visible.filter(pk=getattr(user.home_region, "pk", None)).first()
    if region is None:
        raise Http404
    return region


class OfficialsOnlyMixin(LoginRequiredMixin):
    """Completeness and roll-ups are for civil-affairs staff (province, city, county)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
                user.is_superuser or (user.role in REVIEW_ROLES and not scope_of(user).nothing)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReportListView(LoginRequiredMixin, ListView):
    template_name = "stations/report_list.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self):
        period = parse_month(self.request.GET.get("month"), None) if self.request.GET.get("month") else None
        return selectors.report_list(user=self.request.user, period=period,
                                     status=self.request.GET.get("status", ""))

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["reports"] = with_deadlines(context["reports"])
        return context | dict(
            due=selectors.reports_due(user=user) if user.role == Role.STATION_HEAD else [],
            statuses=ReportStatus.choices, status=self.request.GET.get("status", ""),
            month=self.request.GET.get("month", ""))


class ReportCreateView(LoginRequiredMixin, View):
    """Open the draft for a month (POST ``period=YYYY-MM``), or go to it if it exists."""

    def post(self, request):
        user = request.user
        if not user.station_id:
            raise PermissionDenied
        period = parse_month(request.POST.get("period"), month_start(timezone.localdate()))
        existing = MonthlyReport.objects.visible_to(user).filter(station_id=user.station_id, period=period).first()
        if existing:
            return redirect("stations:report-edit", pk=existing.pk)
        try:
            report = services.report_create(actor=user, station=user.station, period=period)
        except ValidationError as exc:
            existing = MonthlyReport.objects.visible_to(user).filter(station_id=user.station_id, period=period).first()
            if existing:  # opened a moment ago in another tab
                return redirect("stations:report-edit", pk=existing.pk)
            messages.error(request, "；".join(exc.messages))
            return redirect("stations:report-list")
        return redirect("stations:report-edit", pk=report.pk)


class ReportDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        report = get_visible_or_404(MonthlyReport.objects.select_related(
            "station__region", "submitted_by", "reviewed_by"), request.user, pk=pk)
        user = request.user
        lines = list(report.lines.all())
        return render(request, "stations/report_detail.html", {
            "report": report, "lines": lines,
            "line_totals": {name: sum(getattr(line, name) for line in lines) for name in LINE_COUNT_FIELDS},
            "line_fields": [MonthlyReportLine._meta.get_field(name) for name in LINE_COUNT_FIELDS],
            "deadline": selectors.report_deadline(report.station, report.period),
            "can_edit": report.is_editable and services.can_edit_report(user, report.station),
            "can_review": services.can_review_report(user, report.station),
            "reason_form": ReasonForm(initial={"version": report.version}),
            "history": report_history(report),
        })


class ReportEditView(LoginRequiredMixin, View):
    template_name = "stations/report_form.html"

    def get_report(self):
        report = get_visible_or_404(MonthlyReport.objects.select_related("station__region"), self.request.user,
                                    pk=self.kwargs["pk"])
        if not services.can_edit_report(self.request.user, report.station):
            raise PermissionDenied(_("只有本站站长可以填报本站的月度报告。"))
        return report

    def render_form(self, report, form, formset):
        return render(self.request, self.template_name, {
            "report": report, "form": form, "formset": formset,
            "line_fields": [MonthlyReportLine._meta.get_field(name) for name in LINE_COUNT_FIELDS],
            "deadline": selectors.report_deadline(report.station, report.period),
        })

    def get(self, request, pk):
        report = self.get_report()
        if not report.is_editable:
            messages.warning(request, _("%(status)s的报告不能修改。") % {"status": report.get_status_display()})
            return redirect(report)
        return self.render_form(report, MonthlyReportForm(instance=report), line_formset(report=report))

    def post(self, request, pk):
        report = self.get_report()
        form = MonthlyReportForm(request.POST, instance=report)
        formset = line_formset(report=report, data=request.POST)
        if not (form.is_valid() and formset.is_valid()):
            messages.error(request, _("报告有填写错误，请按提示修改后再保存。"))
            return self.render_form(report, form, formset)
        data = {name: form.cleaned_data[name] for name in services.REPORT_FIELDS}
        try:
            saved = services.report_save(actor=request.user, report=report, data=data, lines=formset.lines(),
                                         expected_version=form.cleaned_data["version"])
            if "submit" in request.POST:
                services.report_submit(actor=request.user, report=saved, expected_version=saved.version)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.render_form(report, form, formset)
        if "submit" in request.POST:
            messages.success(request, _("%(month)s的报告已报送，等待县级民政部门审核。") % {"month": report.month_label})
            return redirect(report)
        messages.success(request, _("草稿已保存。"))
        return redirect("stations:report-edit", pk=report.pk)


class ReportActionView(LoginRequiredMixin, View):
    """Submit, return, approve or reopen: POST only, then back to the report."""

    action = ""
    needs_reason = False
    done_message = ""

    def post(self, request, pk):
        report = get_visible_or_404(MonthlyReport.objects.select_related("station__region"), request.user, pk=pk)
        form = ReasonForm(request.POST) if self.needs_reason else None
        version = request.POST.get("version")
        expected = int(version) if version and version.isdigit() else None
        service = getattr(services, f"report_{self.action}")
        kwargs = {"actor": request.user, "report": report, "expected_version": expected}
        if self.needs_reason:
            if not form.is_valid():
                messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
                return redirect(report)
            kwargs["reason"] = form.cleaned_data["reason"]
        try:
            service(**kwargs)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, self.done_message)
        return redirect(report)


class CompletenessView(OfficialsOnlyMixin, View):
    def get(self, request):
        region = chosen_region(request)
        period = parse_month(request.GET.get("month"), last_month())
        completeness = selectors.report_completeness(user=request.user, region=region, period=period)
        if request.GET.get("format") == "xlsx":
            return missing_stations_xlsx(completeness)
        return render(request, "stations/report_completeness.html", {
            "c": completeness, "region": region, "month": f"{period:%Y-%m}",
            "ancestors": _visible_ancestors(request.user, region),
        })


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


class ReportImportView(ImportView):
    """Counties that collect reports on paper load them here: first the reports, then their
    service lines. Review them afterwards like any other report."""

    resource_class = MonthlyReportResource
    title = gettext_lazy("导入纸质月报（主表）")
    success_url = reverse_lazy("stations:report-list")
    allowed_roles = ("county",)


class ReportLineImportView(ReportImportView):
    resource_class = MonthlyReportLineResource
    title = gettext_lazy("导入纸质月报（分领域服务数据）")


report_list_view = ReportListView.as_view()
report_create_view = ReportCreateView.as_view()
report_detail_view = ReportDetailView.as_view()
report_edit_view = ReportEditView.as_view()
report_submit_view = ReportActionView.as_view(action="submit", done_message=gettext_lazy("报告已报送。"))
report_return_view = ReportActionView.as_view(action="return", needs_reason=True, done_message=gettext_lazy("报告已退回站点。"))
report_approve_view = ReportActionView.as_view(action="approve", done_message=gettext_lazy("报告已审核通过。"))
report_reopen_view = ReportActionView.as_view(action="reopen", needs_reason=True,
                                              done_message=gettext_lazy("报告已重新打开，退回站点更正。"))
report_completeness_view = CompletenessView.as_view()
report_rollup_view = RollupView.as_view()
report_import_view = ReportImportView.as_view()
report_line_import_view = ReportLineImportView.as_view()
