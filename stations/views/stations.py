
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from stations import selectors
from stations.importing import ImportView
from stations.models import Station, StationStatus
from stations.resources import RegionPopulationResource
from stations.scope import get_visible_or_404


class StationListView(LoginRequiredMixin, ListView):
    template_name = "stations/station_list.html"
    context_object_name = "stations"
    paginate_by = 50

    def get_queryset(self):
        return selectors.station_list(user=self.request.user, search=self.request.GET.get("q", "").strip())

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.request.GET.get("q", ""), statuses=dict(StationStatus.choices),
                                        **kwargs)


class StationDetailView(LoginRequiredMixin, DetailView):
    template_name = "stations/station_detail.html"
    context_object_name = "station"

    def get_object(self, queryset=None):
        return get_visible_or_404(Station.objects.select_related("region"), self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        station = self.object
        return super().get_context_data(
            status_today=station.status_on(timezone.localdate()),
            status_changes=station.status_changes.select_related("changed_by").order_by("-effective_on", "-pk"),
            statuses=dict(StationStatus.choices),
            **kwargs,
        )


station_list_view = StationListView.as_view()
station_detail_view = StationDetailView.as_view()


class RegionPopulationImportView(ImportView):
    resource_class = RegionPopulationResource
    title = gettext_lazy("导入常住人口")
    success_url = reverse_lazy("home")
    allowed_roles = ("province", "city", "county")


region_population_import_view = RegionPopulationImportView.as_view()
