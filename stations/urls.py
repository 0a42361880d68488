from django.urls import include, path

from stations.reports import urls as report_urls
from stations.views import coverage as coverage_views
from stations.views import region_search
from stations.views import stations as station_views
from stations.views import status_history as status_history_views

app_name = "stations"

# One station: its page, its edits, its status history and its acceptance checks
station_urls = [
    path("", station_views.station_detail_view, name="station-detail"),
    path("edit/", station_views.station_update_view, name="station-update"),
    path("status/", station_views.station_status_change_view, name="station-status"),
    path("acceptance/", station_views.station_acceptance_check_view, name="station-acceptance"),
]

# One status record of a station: its correction, or voiding it
status_change_urls = [
    path("correct/", status_history_views.status_change_correct_view, name="status-change-correct"),
    path("void/", status_history_views.status_change_void_view, name="status-change-void"),
]

# Coverage of townships against the targets, for one region
coverage_urls = [
    path("", coverage_views.coverage_dashboard_view, name="coverage-dashboard"),
    path("trends/", coverage_views.coverage_trends_view, name="coverage-trends"),
    path("export/", coverage_views.coverage_export_view, name="coverage-export"),
]

urlpatterns = [
    path("", station_views.station_list_view, name="station-list"),
    path("<int:pk>/", include(station_urls)),
    path("status-changes/<int:pk>/", include(status_change_urls)),
    path("new/", station_views.station_create_view, name="station-create"),
    path("regions/search/", region_search.region_search_view, name="region-search"),
    path("export/", station_views.station_export_view, name="station-export"),
    path("import/", station_views.station_import_view, name="station-import"),
    path("coverage/", coverage_views.coverage_home_view, name="coverage-home"),
    path("coverage/<str:code>/", include(coverage_urls)),
    path("regions/population/import/", station_views.region_population_import_view, name="region-population-import"),
    # Monthly reports
    path("reports/", include(report_urls)),
]
