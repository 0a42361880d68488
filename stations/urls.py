from django.urls import path

from stations.views import coverage as coverage_views
from stations.views import stations as station_views

app_name = "stations"

urlpatterns = [
    path("", station_views.station_list_view, name="station-list"),
    path("<int:pk>/", station_views.station_detail_view, name="station-detail"),
    path("new/", station_views.station_create_view, name="station-create"),
    path("<int:pk>/edit/", station_views.station_update_view, name="station-update"),
    path("<int:pk>/status/", station_views.station_status_change_view, name="station-status"),
    path("<int:pk>/acceptance/", station_views.station_acceptance_check_view, name="station-acceptance"),
    path("export/", station_views.station_export_view, name="station-export"),
    path("import/", station_views.station_import_view, name="station-import"),
    path("coverage/", coverage_views.coverage_home_view, name="coverage-home"),
    path("coverage/<str:code>/", coverage_views.coverage_dashboard_view, name="coverage-dashboard"),
    path("coverage/<str:code>/export/", coverage_views.coverage_export_view, name="coverage-export"),
    path("regions/population/import/", station_views.region_population_import_view, name="region-population-import"),
]
