"""Monthly report screens, one module per topic; the URL configuration reads the views from here."""

from stations.reports.views.entry import (  # noqa: F401
    report_approve_view,
    report_create_view,
    report_detail_view,
    report_edit_view,
    report_import_view,
    report_line_import_view,
    report_reopen_view,
    report_return_view,
    report_submit_view,
)
from stations.reports.views.lists import report_export_view, report_list_view  # noqa: F401
from stations.reports.views.overview import report_completeness_view, report_rollup_view  # noqa: F401
