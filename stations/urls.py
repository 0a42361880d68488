from django.urls import path

from stations.views import coverage as coverage_views
from stations.views import stations as station_views

app_name = "stations"

urlpatterns = [
    path("", station_views.station_list_view, name="station-list"),
    path("<int:pk>/", station_views.station_detail_view, name="station-detail"),
    path("coverage/", coverage_views.coverage_home_view, name="coverage-home"),
    path("coverage/<str:code>/", coverage_views.coverage_dashboard_view, name="coverage-dashboard"),
    path("coverage/<str:code>/export/", coverage_views.coverage_export_view, name="coverage-export"),
    path("regions/population/import/", station_views.region_population_import_view, name="region-population-import"),
]
