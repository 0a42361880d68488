"""Corrections of a station's status records: correcting a record's status or date, or voiding it.

Their own action, separate from a new status change: county staff and the officials above them,
within their region, with a required reason; the station's page shows each correction."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.access import RuleRequiredMixin
from core.scope import get_visible_or_404
from stations import permissions, services
from stations.forms.stations import StatusCorrectionForm, StatusVoidForm, add_service_errors
from stations.models import StationStatusChange


class StatusCorrectionViewMixin(RuleRequiredMixin):
    """One status record of a station the user may see (else 404), for those who may correct."""

    rule = permissions.can_correct_status_change
    template_name = "stations/status_correction_form.html"
    title = ""

    @cached_property
    def change(self) -> StationStatusChange:
        return get_visible_or_404(StationStatusChange.objects.select_related("station__region", "changed_by"),
                                  self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "change": self.change}

    def get_context_data(self, **kwargs):
        station = self.change.station
        history = station.status_changes.select_related("changed_by", "voided_by").order_by("-effective_on", "-pk")
        return super().get_context_data(title=self.title, change=self.change, station=station, history=history,
                                        **kwargs)

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect(f"{self.change.station.get_absolute_url()}#status-history")


class StatusChangeCorrectView(StatusCorrectionViewMixin, FormView):
    form_class = StatusCorrectionForm
    title = gettext_lazy("更正状态记录")

    def form_valid(self, form):
        try:
            services.status_change_correct(actor=self.request.user, change=self.change, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return self.done(_("状态记录已更正，原记录保留在更正记录中。"))


class StatusChangeVoidView(StatusCorrectionViewMixin, FormView):
    form_class = StatusVoidForm
    title = gettext_lazy("作废状态记录")

    def form_valid(self, form):
        try:
            services.status_change_void(actor=self.request.user, change=self.change, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return self.done(_("状态记录已作废，不再计入站点状态和覆盖率。"))


status_change_correct_view = StatusChangeCorrectView.as_view()
status_change_void_view = StatusChangeVoidView.as_view()
