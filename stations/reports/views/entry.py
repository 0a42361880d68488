"""Monthly report screens for one report: station heads fill and submit, county staff review;
imports of reports and lines. Views are thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.dates import month_start
from core.importing import ImportView
from core.scope import get_visible_or_404
from stations import selectors, services
from stations.models import LINE_COUNT_FIELDS, MonthlyReport, MonthlyReportLine
from stations.reports import permissions
from stations.reports.forms import MonthlyReportForm, ReasonForm, line_formset
from stations.reports.resources import MonthlyReportLineResource, MonthlyReportResource
from stations.reports.selectors import submission_window
from stations.reports.views.common import parse_month
from stations.selectors import (
    report_history,
)


class ReportCreateView(LoginRequiredMixin, View):
    """Open the draft for a month (POST ``period=YYYY-MM``), or go to it if it exists."""

    def post(self, request):
        user = request.user
        if not user.station_id:
            raise PermissionDenied
        period = parse_month(request.POST.get("period"), month_start(timezone.localdate()))
        existing = self.existing_pk(user, period)
        if existing:
            return redirect("stations:report-edit", pk=existing)
        try:
            report = services.report_create(actor=user, station=user.station, period=period)
        except ValidationError as exc:
            existing = self.existing_pk(user, period)
            if existing:  # opened a moment ago in another tab
                return redirect("stations:report-edit", pk=existing)
            messages.error(request, "；".join(exc.messages))
            return redirect("stations:report-list")
        return redirect("stations:report-edit", pk=report.pk)

    @staticmethod
    def existing_pk(user, period) -> int | None:
        reports = MonthlyReport.objects.visible_to(user).filter(station_id=user.station_id, period=period)
        return reports.values_list("pk", flat=True).first()


class ReportDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        report = get_visible_or_404(MonthlyReport.objects.select_related(
            "station__region", "submitted_by", "reviewed_by"), request.user, pk=pk)
        user = request.user
        lines = list(report.lines.all())
        return render(request, "stations/report_detail.html", {
            "report": report, "lines": lines,
            "line_totals": {name: sum(getattr(line, name) for line in lines)
                            for name in (*LINE_COUNT_FIELDS, "cases_active_end")},
            "line_fields": [MonthlyReportLine._meta.get_field(name) for name in LINE_COUNT_FIELDS],
            "deadline": selectors.report_deadline(report.station, report.period),
            "can_edit": report.is_editable and permissions.can_edit_report(user, report),
            "window": submission_window(report.station.region, report.period) if report.is_editable else None,
            "can_review": permissions.can_review_report(user, report),
            "reason_form": ReasonForm(initial={"version": report.version}),
            "history": report_history(report),
        })


class ReportEditView(LoginRequiredMixin, View):
    template_name = "stations/report_form.html"

    def get_report(self):
        report = get_visible_or_404(MonthlyReport.objects.select_related("station__region"), self.request.user,
                                    pk=self.kwargs["pk"])
        if not permissions.can_edit_report(self.request.user, report):
            raise PermissionDenied(_("只有本站站长可以填报本站的月度报告。"))
        return report

    def render_form(self, report, form, formset):
        return render(self.request, self.template_name, {
            "report": report, "form": form, "formset": formset,
            "line_fields": [MonthlyReportLine._meta.get_field(name) for name in LINE_COUNT_FIELDS],
            "deadline": selectors.report_deadline(report.station, report.period),
            "window": submission_window(report.station.region, report.period),
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
                window = submission_window(report.station.region, report.period)
                if not window.is_open:
                    # The draft is kept; the month cannot be sent before its window opens.
                    messages.warning(request, f"{_('草稿已保存。')}{window.refusal}")
                    return redirect("stations:report-edit", pk=report.pk)
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


class ReportImportView(ImportView):
    """Counties that collect reports on paper load them here: first the reports, then their
    service lines. Review them afterwards like any other report."""

    resource_class = MonthlyReportResource
    title = gettext_lazy("导入纸质月报（主表）")
    success_url = reverse_lazy("stations:report-list")
    permission = permissions.can_import_report


class ReportLineImportView(ReportImportView):
    resource_class = MonthlyReportLineResource
    title = gettext_lazy("导入纸质月报（分领域服务数据）")


report_create_view = ReportCreateView.as_view()


report_detail_view = ReportDetailView.as_view()


report_edit_view = ReportEditView.as_view()


report_submit_view = ReportActionView.as_view(action="submit", done_message=gettext_lazy("报告已报送。"))


report_return_view = ReportActionView.as_view(action="return", needs_reason=True, done_message=gettext_lazy("报告已退回站点。"))


report_approve_view = ReportActionView.as_view(action="approve", done_message=gettext_lazy("报告已审核通过。"))


report_reopen_view = ReportActionView.as_view(action="reopen", needs_reason=True,
                                              done_message=gettext_lazy("报告已重新打开，退回站点更正。"))


report_import_view = ReportImportView.as_view()


report_line_import_view = ReportLineImportView.as_view()
