"""Monthly report pages, included by ``stations/urls.py`` under ``reports/`` in the ``stations``
namespace (``stations:report-list``, …)."""

from django.urls import include, path

from stations.reports import views

# One report: filled, submitted, returned, approved, reopened
report_urls = [
    path("", views.report_detail_view, name="report-detail"),
    path("edit/", views.report_edit_view, name="report-edit"),
    path("submit/", views.report_submit_view, name="report-submit"),
    path("return/", views.report_return_view, name="report-return"),
    path("approve/", views.report_approve_view, name="report-approve"),
    path("reopen/", views.report_reopen_view, name="report-reopen"),
]

urlpatterns = [
    path("", views.report_list_view, name="report-list"),
    path("export/", views.report_export_view, name="report-export"),
    path("new/", views.report_create_view, name="report-create"),
    path("<int:pk>/", include(report_urls)),
    path("completeness/", views.report_completeness_view, name="report-completeness"),
    path("rollup/", views.report_rollup_view, name="report-rollup"),
    path("import/", views.report_import_view, name="report-import"),
    path("import/lines/", views.report_line_import_view, name="report-line-import"),
]
