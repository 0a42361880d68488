"""Station registry screens: list with filters, detail, create, edit, status change, acceptance
check, Excel export and import."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from core import figures
from core.access import RuleRequiredMixin
from core.export_jobs import export_job
from core.importing import ImportView
from core.scope import get_visible_or_404
from core.xlsx import xlsx_response
from stations import permissions, selectors, services
from stations.filters import StationFilter
from stations.forms.stations import (
    AcceptanceCheckForm,
    StationCreateForm,
    StationForm,
    StationStatusForm,
    add_service_errors,
)
from stations.models import Station, StationKind, StationStatus
from stations.resources import RegionPopulationResource, StationResource
from stations.selectors.status_corrections import station_status_corrections
from stations.services.status_history import allowed_after, latest_status_record
from stations.services.villages import township_villages_ensure


class StationManagerRequiredMixin(RuleRequiredMixin):
    rule = permissions.can_manage_station


def form_kwargs_for_place(request) -> dict:
    """The station form's user; a village room posted with its township has that county's villages
    loaded first (the first time they are needed), so the form can list them."""
    if request.method == "POST" and request.POST.get("kind") == StationKind.VILLAGE_ROOM and request.POST.get("township"):
        township_villages_ensure(actor=request.user, township_code=request.POST["township"].strip())
    return {"user": request.user}


def filtered_stations(request):
    """The registry list as filtered on screen; the export uses the very same queryset. An invalid
    filter (e.g. a county outside the user's scope) shows nothing rather than being ignored."""
    filterset = StationFilter(request.GET or None, queryset=selectors.station_registry(user=request.user),
                              request=request)
    stations = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    return filterset, stations


class StationListView(LoginRequiredMixin, TemplateView):
    """The registry list. Its filters, count, rows and pages are cached per scope and address until a
    write to the registry (a station, its status, an acceptance check, a division) moves its counter:
    at month-end the registry stands still while every county opens this page again and again."""

    template_name = "stations/station_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=permissions.can_manage_station(self.request.user), query=self.request.GET.urlencode(),
            figures=figures.Fragment(self.request, "station-list", (figures.REGISTRY,), self.listing), **kwargs)

    def listing(self) -> dict:
        """What the cached part shows, worked out only when it is not in the cache."""
        filterset, stations = filtered_stations(self.request)
        stations = stations.only("name", "kind", "opened_on", "region__name", "region__parent__name")  # a row's
        paginator = Paginator(stations, self.paginate_by)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage as exc:  # as a list view answers a page that is not there
            raise Http404(_("没有这一页。")) from exc
        label_rows(page.object_list)
        return {"filter": filterset, "q": self.request.GET.get("q", ""), "paginator": paginator, "page_obj": page,
                "stations": page.object_list}


def label_rows(stations) -> None:
    """Each station on the page with the labels of its kind and of its status in force
    (``kind_label``, ``status_label``), looked up once for the page rather than once per row."""
    kinds, statuses = dict(StationKind.choices), dict(StationStatus.choices)
    for station in stations:
        station.kind_label = kinds.get(station.kind, station.kind)
        station.status_label = statuses.get(station.status_at, "")


class StationDetailView(LoginRequiredMixin, DetailView):
    template_name = "stations/station_detail.html"
    context_object_name = "station"

    def get_object(self, queryset=None):
        return get_visible_or_404(Station.objects.select_related("region"), self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        station = self.object
        acceptances = station.acceptances.select_related("checked_by").prefetch_related("item_results__item__checklist__document")
        status_changes = list(station.status_changes.select_related("changed_by", "voided_by")
                              .order_by("-effective_on", "-pk"))
        return super().get_context_data(
            status_today=station.status_on(timezone.localdate()),
            status_changes=status_changes,
            corrections=station_status_corrections(station),
            statuses=dict(StationStatus.choices),
            acceptances=acceptances.order_by("-checked_on", "-pk"),
            can_manage=permissions.can_manage_station(self.request.user, station),
            can_correct=bool(status_changes) and permissions.can_correct_status_change(
                self.request.user, status_changes[0]),
            **kwargs,
        )


class StationCreateView(StationManagerRequiredMixin, FormView):
    template_name = "stations/station_form.html"
    form_class = StationCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **form_kwargs_for_place(self.request)}

    def form_valid(self, form):
        try:
            station = services.station_create(
                actor=self.request.user, initial_status=form.cleaned_data["initial_status"],
                status_effective_on=form.cleaned_data["status_effective_on"], **form.station_data())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记社工站“%(name)s”。") % {"name": station.name})
        return redirect(station)


class StationUpdateView(StationManagerRequiredMixin, FormView):
    template_name = "stations/station_form.html"
    form_class = StationForm

    def dispatch(self, request, *args, **kwargs):
        self.station = get_visible_or_404(Station.objects.select_related("region"), request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **form_kwargs_for_place(self.request), "instance": self.station}

    def get_context_data(self, **kwargs):
        return super().get_context_data(station=self.station, **kwargs)

    def form_valid(self, form):
        station = Station.objects.get(pk=self.station.pk)  # the form has already touched self.station
        try:
            services.station_update(actor=self.request.user, station=station, **form.station_data())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return redirect(station)


class StationStatusChangeView(StationManagerRequiredMixin, FormView):
    template_name = "stations/station_status_form.html"
    form_class = StationStatusForm

    def dispatch(self, request, *args, **kwargs):
        self.station = get_visible_or_404(Station.objects.select_related("region"), request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "station": self.station}

    def get_context_data(self, **kwargs):
        latest = latest_status_record(self.station)
        return super().get_context_data(
            station=self.station, status_today=self.station.status_on(timezone.localdate()),
            statuses=dict(StationStatus.choices), latest=latest,
            allowed_next=allowed_after(latest.status) if latest else None, **kwargs)

    def form_valid(self, form):
        try:
            services.station_change_status(actor=self.request.user, station=self.station, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("状态已变更。"))
        return redirect(self.station)


class StationAcceptanceCheckView(StationManagerRequiredMixin, FormView):
    """A dated acceptance check, item by item, against the checklist in force on the check date
    (the latest document governing the station's province then); the page names its basis."""

    template_name = "stations/station_acceptance_form.html"
    form_class = AcceptanceCheckForm

    def dispatch(self, request, *args, **kwargs):
        self.station = get_visible_or_404(Station.objects.select_related("region"), request.user, pk=kwargs["pk"])
        self.on_date = self.check_date()
        self.checklist = services.station_checklist(self.station, self.on_date)
        return super().dispatch(request, *args, **kwargs)

    def check_date(self):
        """The date posted, or asked for (``?checked_on=``), when valid; else today."""
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        form = AcceptanceCheckForm(data or None, checks=[])
        if form.is_bound and form.is_valid():
            return form.cleaned_data["checked_on"]
        return timezone.localdate()

    def get_initial(self):
        return {"checked_on": self.on_date}

    def get_form_kwargs(self):
        checks = services.checklist_preview(station=self.station, checklist=self.checklist,
                                            on_date=self.on_date) if self.checklist else []
        return {**super().get_form_kwargs(), "checks": checks}

    def get_context_data(self, **kwargs):
        return super().get_context_data(station=self.station, checklist=self.checklist, on_date=self.on_date,
                                         **kwargs)

    def form_valid(self, form):
        if self.checklist is None:
            form.add_error(None, _("%(date)s 本省没有施行中的建设标准（本地政策未规定），无法验收。") % {
                "date": self.on_date.isoformat()})
            return self.form_invalid(form)
        if form.cleaned_data.get("checklist") != self.checklist.pk:
            # The date was changed on the form: the items ticked were another standard's.
            form.add_error(None, _("%(date)s 适用的建设标准是“%(name)s”，与页面原先显示的不同；请按下列条目重新核对后提交。") % {
                "date": self.on_date.isoformat(), "name": self.checklist.name})
            return self.form_invalid(form)
        try:
            acceptance = services.station_check_standard(
                actor=self.request.user, station=self.station, checklist=self.checklist,
                checked_on=form.cleaned_data["checked_on"], ticks=form.ticks(), notes=form.cleaned_data["notes"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        verdict = _("达标") if acceptance.passed else _("未达标")
        messages.success(self.request, _("验收结果已记录：%(verdict)s（%(basis)s）。") % {
            "verdict": verdict, "basis": self.checklist.citation})
        return redirect(self.station)


STATION_EXPORT_HEADERS = (
    gettext_lazy("站点编号"), gettext_lazy("站点名称"), gettext_lazy("类型"), gettext_lazy("县（市、区）"), gettext_lazy("所在区划"),
    gettext_lazy("区划代码"), gettext_lazy("当前状态"), gettext_lazy("挂牌日期"), gettext_lazy("场地面积（平方米）"),
    gettext_lazy("验收达标"),
)


def describe_filters(filterset) -> list[str]:
    """The filters in force, as the user chose them ("当前状态：运营")."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    described = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, ""):
            continue
        field = filterset.form.fields[name]
        shown = dict(field.choices).get(value, value) if isinstance(value, str) and hasattr(field, "choices") else value
        described.append(f"{field.label}：{shown}")
    return described


class StationExportView(LoginRequiredMixin, View):
    """The station list as filtered on screen, as an Excel file (same scoped queryset)."""

    def get(self, request):
        filterset, stations = filtered_stations(request)
        statuses = dict(StationStatus.choices)
        yes_no = {True: _("是"), False: _("否"), None: _("未验收")}
        rows = [
            [s.pk, s.name, s.get_kind_display(), s.region.parent.name if s.region.parent else "", s.region.name,
             s.region.code, statuses.get(s.status_at, ""), s.opened_on, s.site_area_m2, yes_no[s.meets_standard]]
            for s in stations
        ]
        active = describe_filters(filterset)
        return xlsx_response(filename=f"社工站名单-{timezone.localdate().isoformat()}.xlsx", title=_("社工站名单"),
                             headers=[str(h) for h in STATION_EXPORT_HEADERS], rows=rows,
                             meta=[(_("筛选条件"), "；".join(active) or _("全部"))])


class StationImportView(ImportView):
    resource_class = StationResource
    title = gettext_lazy("导入社工站")
    success_url = reverse_lazy("stations:station-list")
    permission = permissions.can_import_station
    max_rows = 50_000  # StationResource checks rows in memory and writes in bulk (over 1,000 rows a second)
    key_help = gettext_lazy("修改已有站点：在“站点编号”列填写该站点的编号（见站点详情页或导出的社工站名单）；"
                            "站点编号留空的行一律作为新站点登记。")


station_list_view = StationListView.as_view()
station_detail_view = StationDetailView.as_view()
station_create_view = StationCreateView.as_view()
station_update_view = StationUpdateView.as_view()
station_status_change_view = StationStatusChangeView.as_view()
station_acceptance_check_view = StationAcceptanceCheckView.as_view()
station_export_view = export_job(gettext_lazy("社工站名单"), page="stations:station-list")(StationExportView.as_view())
station_import_view = StationImportView.as_view()


class RegionPopulationImportView(ImportView):
    resource_class = RegionPopulationResource
    title = gettext_lazy("导入常住人口")
    success_url = reverse_lazy("home")
    permission = permissions.can_import_region_population


region_population_import_view = RegionPopulationImportView.as_view()
