"""Stations' rosters and staffing, qualification deadlines, training shortfalls, stipends and the
region's workforce dashboard."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.export_jobs import export_job
from core.scope import get_visible_or_404
from core.xlsx import xlsx_response
from stations.models import Station
from workforce import selectors
from workforce.models import CertificateLevel, Person, StipendKind
from workforce.views.common import OfficialsOnlyMixin, date_param, region_param

ZERO = Decimal("0.00")


class RosterView(LoginRequiredMixin, TemplateView):
    template_name = "workforce/station_roster.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        station = get_visible_or_404(Station.objects.select_related("region"), user, pk=self.kwargs["station_pk"])
        on_date = date_param(self.request)
        roster = selectors.station_roster(station=station, on_date=on_date)
        # A past roster may list someone who has since moved to another county: not linked.
        visible = set(Person.objects.visible_to(user).filter(pk__in=[e.person_id for e in roster])
                      .values_list("pk", flat=True))
        for employment in roster:
            employment.person_visible = employment.person_id in visible
        return super().get_context_data(
            station=station, on_date=on_date, roster=roster, not_set=selectors.NOT_SET,
            staffing=selectors.station_staffing_row(station=station, on_date=on_date), **kwargs)


class StaffingView(LoginRequiredMixin, TemplateView):
    template_name = "workforce/staffing.html"

    def get_context_data(self, **kwargs):
        on_date = date_param(self.request)
        only = self.request.GET.get("under") == "1"
        rows = selectors.station_staffing(user=self.request.user, on_date=on_date, only_under_staffed=only)
        return super().get_context_data(rows=rows, on_date=on_date, only=only, not_set=selectors.NOT_SET,
                                        under=sum(1 for row in rows if row.gaps), **kwargs)


class DeadlineView(LoginRequiredMixin, TemplateView):
    template_name = "workforce/deadlines.html"

    def get_context_data(self, **kwargs):
        user, on_date = self.request.user, date_param(self.request)
        book = selectors.RuleBook()
        deadlines = selectors.qualification_deadlines(user=user, on_date=on_date, book=book)
        return super().get_context_data(
            on_date=on_date, overdue=[r for r in deadlines if r.overdue], due=[r for r in deadlines if not r.overdue],
            deadline_total=len(deadlines), warning_days=settings.QUALIFICATION_WARNING_DAYS,
            supervisors=selectors.supervisor_level_violations(user=user, on_date=on_date, book=book),
            projects=selectors.project_supervisor_violations(user=user, on_date=on_date, book=book),
            flags=selectors.hiring_flag_list(user=user, on_date=on_date, book=book),
            levels=CertificateLevel.choices, **kwargs)


    def get(self, request, *args, **kwargs):
        if request.GET.get("format") != "xlsx":
            return super().get(request, *args, **kwargs)
        on_date = date_param(request)
        rows = selectors.qualification_deadlines(user=request.user, on_date=on_date)
        return xlsx_response(
            filename=f"资质期限预警-{on_date:%Y%m%d}.xlsx", title=_("取得专业资质期限预警"),
            headers=[_("姓名"), _("身份证号码"), _("服务站点"), _("岗位"), _("入职日期"), _("期限起算日"), _("期限"),
                     _("剩余天数"), _("状态"), _("认可培训学时"), _("尚差学时"), _("依据")],
            rows=[[r.person.name, r.person.masked_id_number, r.assignment.station.name,
                   r.assignment.get_role_display(), r.hired_on, r.basis.starts_on,
                   r.deadline, r.days_left, _("已逾期") if r.overdue else _("即将到期"), r.recognised_hours,
                   "—" if r.hours_needed is None else r.hours_needed, r.citation]
                  for r in rows],
            meta=[(_("核查日期"), on_date)])


class ShortfallView(LoginRequiredMixin, TemplateView):
    template_name = "workforce/training_shortfall.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", today.year))
        except ValueError:
            year = today.year
        year = min(max(year, 2000), today.year)
        rows = selectors.continuing_education_shortfall(user=self.request.user, year=year, on_date=today)
        return super().get_context_data(rows=rows, year=year, years=range(today.year, today.year - 5, -1),
                                        running=year == today.year, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("format") != "xlsx":
            return super().render_to_response(context, **response_kwargs)
        return xlsx_response(
            filename=f"继续教育学时不足-{context['year']}.xlsx", title=_("继续教育学时不足"),
            headers=[_("姓名"), _("身份证号码"), _("服务站点"), _("岗位"), _("应完成学时"), _("已完成学时"),
                     _("尚差学时"), _("依据")],
            rows=[[r.person.name, r.person.masked_id_number, r.assignment.station.name,
                   r.assignment.get_role_display(), r.required, r.hours, r.short_by, r.citation]
                  for r in context["rows"]],
            meta=[(_("年度"), context["year"])])


class StipendView(OfficialsOnlyMixin, TemplateView):
    template_name = "workforce/stipends.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        region = region_param(self.request)
        try:
            year = int(self.request.GET.get("year", today.year))
            month = int(self.request.GET["month"]) if self.request.GET.get("month") else None
        except ValueError:
            year, month = today.year, None
        if not 2000 <= year <= today.year + 1:  # as the continuing-education page: a year it can compute
            year = today.year
        if month is not None and not 1 <= month <= 12:
            month = None
        report = selectors.region_stipends(user=self.request.user, region=region, year=year, month=month)
        kinds = StipendKind.choices
        # Someone who has since moved away is still owed for the months here, but is not linked.
        visible = set(Person.objects.visible_to(self.request.user).filter(
            pk__in=[row.person.pk for row in report.rows]).values_list("pk", flat=True))
        rows = [(row.person, row.person.pk in visible, [row.by_kind.get(kind, ZERO) for kind, _label in kinds],
                 row.total) for row in report.rows]
        totals = [report.totals_by_kind.get(kind, ZERO) for kind, _label in kinds]
        return super().get_context_data(report=report, kinds=kinds, rows=rows, totals=totals, year=year, month=month,
                                        months=range(1, 13), years=range(today.year, today.year - 5, -1), **kwargs)


class DashboardView(OfficialsOnlyMixin, TemplateView):
    template_name = "workforce/dashboard.html"

    def get_context_data(self, **kwargs):
        region = region_param(self.request)
        on_date = date_param(self.request)
        dashboard = selectors.workforce_dashboard(region=region, on_date=on_date)
        return super().get_context_data(
            dashboard=dashboard, on_date=on_date, not_set=selectors.NOT_SET,
            chart={"roles": [[str(label), n] for label, n in dashboard.by_role],
                   "levels": [[str(label), n] for label, n in dashboard.by_level]},
            **kwargs)


roster_view = RosterView.as_view()
staffing_view = StaffingView.as_view()
deadline_view = export_job(gettext_lazy("资质期限预警"))(DeadlineView.as_view())
shortfall_view = export_job(gettext_lazy("继续教育学时不足"))(ShortfallView.as_view())
stipend_view = StipendView.as_view()
dashboard_view = DashboardView.as_view()
