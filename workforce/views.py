"""Screens for county staff (and, read-only, city and province officials and station heads)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from core.importing import ImportView
from core.scope import get_visible_or_404, scope_of
from core.xlsx import XlsxBook, xlsx_response
from stations.models import PREFIX_LENGTH, Region, RegionLevel, Station
from workforce import resources, selectors, services
from workforce.forms import (
    CertificateForm,
    EmploymentForm,
    PersonCreateForm,
    PersonForm,
    PersonUpdateForm,
    TrainingForm,
    apply_service_errors,
)
from workforce.models import (
    CertificateLevel,
    DisclosureKind,
    Employment,
    EmploymentRole,
    Person,
    StipendKind,
    can_edit_people,
    can_see_full_id_number,
)
from workforce.validators import mask_id_numbers_in_text

ZERO = Decimal("0.00")


def date_param(request, name="on") -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


def region_param(request) -> Region:
    """The region asked for (by code or prefix) if the user may see it, else their home region."""
    user = request.user
    visible = Region.objects.visible_to(user)
    asked = request.GET.get("region", "").strip()
    region = visible.by_code_or_prefix(asked).first() if asked else None
    if region is None:
        home = user.home_region if not user.is_superuser else None
        region = home if home is not None and visible.filter(pk=home.pk).exists() else None
    if region is None and scope_of(user).everything:
        region = Region.objects.filter(level="province").order_by("code").first()
    if region is None:
        raise Http404
    return region


class OfficialsOnlyMixin:
    """Region-wide figures are for province, city and county staff (and superusers)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (scope_of(user).everything or scope_of(user).prefix):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PersonListView(LoginRequiredMixin, ListView):
    template_name = "workforce/person_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        get = self.request.GET
        return selectors.person_list(user=self.request.user, search=get.get("q", "").strip(),
                                     role=get.get("role", ""), station_id=get.get("station", ""),
                                     level=get.get("level", ""), county=get.get("county", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["people"] = selectors.attach_placing_station(context["people"])
        return {**context, **self.place_filters(), "q": self.request.GET.get("q", ""), "roles": EmploymentRole.choices,
                "levels": CertificateLevel.choices, "filters": self.request.GET,
                "can_export_full_id": can_see_full_id_number(self.request.user),
                "can_edit": can_edit_people(self.request.user)}

    def place_filters(self) -> dict:
        """A county list for province and city staff; a station list once the list is down to one
        county (a county user's own, or the county chosen), not a province's thousand stations."""
        user, chosen = self.request.user, self.request.GET.get("county", "")
        scope = scope_of(user)
        above_county = bool(scope.prefix) and len(scope.prefix) < PREFIX_LENGTH[RegionLevel.COUNTY]
        counties = Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("code")
        stations = Station.objects.visible_to(user).order_by("region__code", "kind")
        if chosen:
            stations = stations.filter(region__code__startswith=chosen[:PREFIX_LENGTH[RegionLevel.COUNTY]])
        elif scope.everything or above_county:
            stations = Station.objects.none()
        return {"counties": counties if above_county else Region.objects.none(), "stations": stations}


class PersonDetailView(LoginRequiredMixin, TemplateView):
    """The ID number is masked; a holder of the permission may ask (POST) to see it in full,
    which is recorded."""

    template_name = "workforce/person_detail.html"
    show_full_id = False

    def post(self, request, *args, **kwargs):
        if not can_see_full_id_number(request.user):
            raise PermissionDenied
        self.show_full_id = True
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        person = get_visible_or_404(selectors.people_with_rule_data(Person.objects.select_related(
            "registered_region")), user, pk=self.kwargs["pk"])
        today = timezone.localdate()
        rules = selectors.person_rules(person, today)
        editable = can_edit_people(user)
        if self.show_full_id:
            services.record_disclosure(user=user, kind=DisclosureKind.PAGE, person=person, subject=person.name)
        return super().get_context_data(
            person=person, rules=rules, today=today, can_edit=editable,
            id_number=person.id_number if self.show_full_id else person.masked_id_number,
            can_show_full_id=can_see_full_id_number(user), showing_full_id=self.show_full_id,
            employments=sorted(person.employments.all(), key=lambda e: (e.start_on, e.pk), reverse=True),
            stipend_year=selectors.person_stipend_total(person=person, year=today.year),
            **kwargs)


class PersonEditMixin(LoginRequiredMixin):
    """Writes on a person: only someone allowed to edit the people placed in their county."""

    def get_person(self):
        person = get_visible_or_404(Person, self.request.user, pk=self.kwargs["pk"])
        if not can_edit_people(self.request.user):
            raise PermissionDenied
        return person

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" in self.kwargs:
            self.person = self.get_person()
        return super().dispatch(request, *args, **kwargs)

    def run_service(self, form, call):
        try:
            result = call()
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return redirect(result.get_absolute_url() if isinstance(result, Person) else self.person.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=getattr(self, "person", None), title=self.title, **kwargs)


class PersonCreateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = PersonCreateForm
    title = _("登记社工人员")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_edit_people(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        return self.run_service(form, lambda: services.person_create(
            actor=self.request.user, assignment=form.assignment(), **form.person_data()))


class PersonUpdateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = PersonUpdateForm
    title = _("修改人员信息")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Person.objects.get(pk=self.person.pk)}

    def form_valid(self, form):
        data = {key: form.cleaned_data[key] for key in PersonForm.Meta.fields}
        return self.run_service(form, lambda: services.person_update(actor=self.request.user, person=self.person,
                                                                     **data))


class EmploymentCreateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = EmploymentForm
    title = _("添加岗位安排")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        return self.run_service(form, lambda: services.employment_create(
            actor=self.request.user, person=self.person, **form.cleaned_data))


class EmploymentUpdateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = EmploymentForm
    title = _("修改岗位安排（如办理离岗）")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.employment = get_visible_or_404(Employment.objects.select_related("person", "station"),
                                                 request.user, pk=kwargs["employment_pk"])
            if self.employment.person_id != kwargs["pk"]:
                raise Http404
            self.person = get_visible_or_404(Person, request.user, pk=self.employment.person_id)
            if not can_edit_people(request.user):
                raise PermissionDenied
        return super(PersonEditMixin, self).dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": Employment.objects.get(
            pk=self.employment.pk)}

    def form_valid(self, form):
        return self.run_service(form, lambda: services.employment_update(
            actor=self.request.user, employment=self.employment, **form.cleaned_data))


class CertificateCreateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = CertificateForm
    title = _("添加职业水平证书")

    def form_valid(self, form):
        return self.run_service(form, lambda: services.certificate_add(
            actor=self.request.user, person=self.person, **form.cleaned_data))


class TrainingCreateView(PersonEditMixin, FormView):
    template_name = "workforce/person_form.html"
    form_class = TrainingForm
    title = _("添加培训记录")

    def form_valid(self, form):
        return self.run_service(form, lambda: services.training_add(
            actor=self.request.user, person=self.person, **form.cleaned_data))


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
            station=station, on_date=on_date, roster=roster,
            staffing=selectors.station_staffing_row(station=station, on_date=on_date), **kwargs)


class StaffingView(LoginRequiredMixin, TemplateView):
    template_name = "workforce/staffing.html"

    def get_context_data(self, **kwargs):
        on_date = date_param(self.request)
        only = self.request.GET.get("under") == "1"
        rows = selectors.station_staffing(user=self.request.user, on_date=on_date, only_under_staffed=only)
        return super().get_context_data(rows=rows, on_date=on_date, only=only,
                                        under=sum(1 for row in rows if row.gaps), **kwargs)


class DeadlineView(LoginRequiredMixin, TemplateView):
    template_name = "workforce/deadlines.html"

    def get_context_data(self, **kwargs):
        user, on_date = self.request.user, date_param(self.request)
        book = selectors.PolicyBook()
        deadlines = selectors.qualification_deadlines(user=user, on_date=on_date, book=book)
        return super().get_context_data(
            on_date=on_date, overdue=[r for r in deadlines if r.overdue], due=[r for r in deadlines if not r.overdue],
            deadline_total=len(deadlines),
            supervisors=selectors.supervisor_level_violations(user=user, on_date=on_date, book=book),
            flags=selectors.hiring_flag_list(user=user, on_date=on_date, book=book),
            levels=CertificateLevel.choices, **kwargs)


    def get(self, request, *args, **kwargs):
        if request.GET.get("format") != "xlsx":
            return super().get(request, *args, **kwargs)
        on_date = date_param(request)
        rows = selectors.qualification_deadlines(user=request.user, on_date=on_date)
        return xlsx_response(
            filename=f"资质期限预警-{on_date:%Y%m%d}.xlsx", title=_("取得专业资质期限预警"),
            headers=[_("姓名"), _("身份证号码"), _("服务站点"), _("岗位"), _("入职日期"), _("期限"), _("剩余天数"),
                     _("状态"), _("认可培训学时"), _("尚差学时")],
            rows=[[r.person.name, r.person.masked_id_number, r.assignment.station.name,
                   r.assignment.get_role_display(), r.hired_on, r.deadline, r.days_left,
                   _("已逾期") if r.overdue else _("即将到期"), r.recognised_hours, r.hours_needed] for r in rows],
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
                     _("尚差学时")],
            rows=[[r.person.name, r.person.masked_id_number, r.assignment.station.name,
                   r.assignment.get_role_display(), r.required, r.hours, r.short_by] for r in context["rows"]],
            meta=[(_("年度"), context["year"])])


class StipendView(LoginRequiredMixin, OfficialsOnlyMixin, TemplateView):
    template_name = "workforce/stipends.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        region = region_param(self.request)
        try:
            year = int(self.request.GET.get("year", today.year))
            month = int(self.request.GET["month"]) if self.request.GET.get("month") else None
        except ValueError:
            year, month = today.year, None
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


class DashboardView(LoginRequiredMixin, OfficialsOnlyMixin, TemplateView):
    template_name = "workforce/dashboard.html"

    def get_context_data(self, **kwargs):
        region = region_param(self.request)
        on_date = date_param(self.request)
        dashboard = selectors.workforce_dashboard(region=region, on_date=on_date)
        return super().get_context_data(
            dashboard=dashboard, on_date=on_date,
            chart={"roles": [[str(label), n] for label, n in dashboard.by_role],
                   "levels": [[str(label), n] for label, n in dashboard.by_level]},
            **kwargs)


def _masked(value):
    return mask_id_numbers_in_text(value) if isinstance(value, str) else value


class MaskedImportView(ImportView):
    """The preview and its error messages show ID numbers masked, like every other page. Only county
    staff register people, as on the screens (``can_edit_people``)."""

    allowed_roles = ("county",)

    def render_page(self, form=None, report=None, token=None):
        if report is not None:
            report.file_errors = [_masked(error) for error in report.file_errors]
            for row in report.rows:
                row.values = [_masked(value) for value in row.values]
                row.errors = [_masked(error) for error in row.errors]
        return super().render_page(form=form, report=report, token=token)


class PersonImportView(MaskedImportView):
    resource_class = resources.PersonResource
    title = gettext_lazy("导入社工人员")
    success_url = reverse_lazy("workforce:person-list")


class EmploymentImportView(MaskedImportView):
    resource_class = resources.EmploymentResource
    title = gettext_lazy("导入岗位安排")
    success_url = reverse_lazy("workforce:person-list")


class CertificateImportView(MaskedImportView):
    resource_class = resources.CertificateResource
    title = gettext_lazy("导入职业水平证书")
    success_url = reverse_lazy("workforce:person-list")


class TrainingImportView(MaskedImportView):
    resource_class = resources.TrainingResource
    title = gettext_lazy("导入培训记录")
    success_url = reverse_lazy("workforce:person-list")


EXPORTS = {
    "people": (resources.PersonResource, gettext_lazy("社工人员")),
    "employments": (resources.EmploymentResource, gettext_lazy("岗位安排")),
    "certificates": (resources.CertificateResource, gettext_lazy("职业水平证书")),
    "training": (resources.TrainingResource, gettext_lazy("培训记录")),
}


class ExportView(LoginRequiredMixin, View):
    """One registry as an .xlsx whose columns are the import's, so a corrected file can be
    re-imported. ID numbers are masked unless ``full_id=1`` is asked by a user allowed to see them."""

    def get(self, request, registry):
        if registry not in EXPORTS:
            raise Http404
        user = request.user
        full_ids = request.GET.get("full_id") == "1" and can_see_full_id_number(user)
        resource_class, title = EXPORTS[registry]
        resource = resource_class(user=user, full_ids=full_ids)
        get = request.GET
        querysets = {
            "people": lambda: selectors.person_list(user=user, search=get.get("q", "").strip(),
                                                    role=get.get("role", ""), station_id=get.get("station", ""),
                                                    level=get.get("level", ""), county=get.get("county", ""),
                                                    ).select_related("registered_region"),
            "employments": lambda: selectors.employment_list(user=user).order_by("person__name", "start_on", "pk"),
            "certificates": lambda: selectors.certificate_list(user=user).order_by("person__name", "number"),
            "training": lambda: selectors.training_list(user=user).order_by("person__name", "held_on", "pk"),
        }
        dataset = resource.export(queryset=querysets[registry]())
        if full_ids:
            services.record_disclosure(
                user=user, kind=DisclosureKind.EXPORT, count=len(dataset),
                subject=f"{title}（{request.GET.urlencode()}）" if request.GET else str(title))
        book = XlsxBook()
        book.add_table(title=str(title), headers=dataset.headers, rows=dataset)
        suffix = "" if full_ids else _("（身份证号已脱敏）")
        return book.response(f"{title}{suffix}-{timezone.localdate():%Y%m%d}.xlsx")


person_list_view = PersonListView.as_view()
person_detail_view = PersonDetailView.as_view()
person_create_view = PersonCreateView.as_view()
person_update_view = PersonUpdateView.as_view()
employment_create_view = EmploymentCreateView.as_view()
employment_update_view = EmploymentUpdateView.as_view()
certificate_create_view = CertificateCreateView.as_view()
training_create_view = TrainingCreateView.as_view()
roster_view = RosterView.as_view()
staffing_view = StaffingView.as_view()
deadline_view = DeadlineView.as_view()
shortfall_view = ShortfallView.as_view()
stipend_view = StipendView.as_view()
dashboard_view = DashboardView.as_view()
person_import_view = PersonImportView.as_view()
employment_import_view = EmploymentImportView.as_view()
certificate_import_view = CertificateImportView.as_view()
training_import_view = TrainingImportView.as_view()
export_view = ExportView.as_view()
