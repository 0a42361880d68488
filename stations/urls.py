from django.urls import path

from stations.reports import views as report_views
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
    path("coverage/<str:code>/trends/", coverage_views.coverage_trends_view, name="coverage-trends"),
    path("coverage/<str:code>/export/", coverage_views.coverage_export_view, name="coverage-export"),
    path("regions/population/import/", station_views.region_population_import_view, name="region-population-import"),
    path("reports/", report_views.report_list_view, name="report-list"),
    path("reports/new/", report_views.report_create_view, name="report-create"),
    path("reports/<int:pk>/", report_views.report_detail_view, name="report-detail"),
    path("reports/<int:pk>/edit/", report_views.report_edit_view, name="report-edit"),
    path("reports/<int:pk>/submit/", report_views.report_submit_view, name="report-submit"),
    path("reports/<int:pk>/return/", report_views.report_return_view, name="report-return"),
    path("reports/<int:pk>/approve/", report_views.report_approve_view, name="report-approve"),
    path("reports/<int:pk>/reopen/", report_views.report_reopen_view, name="report-reopen"),
    path("reports/completeness/", report_views.report_completeness_view, name="report-completeness"),
    path("reports/rollup/", report_views.report_rollup_view, name="report-rollup"),
    path("reports/import/", report_views.report_import_view, name="report-import"),
    path("reports/import/lines/", report_views.report_line_import_view, name="report-line-import"),
]
