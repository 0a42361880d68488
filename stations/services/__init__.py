"""Writes for the stations app. Each takes the acting user, validates, runs in a
transaction and leaves an audit record. One module per topic; re-exported here."""

from stations.reports.services import (  # noqa: F401
    REPORT_FIELDS,
    ReportConflict,
    report_approve,
    report_create,
    report_reopen,
    report_return,
    report_save,
    report_submit,
)
from stations.services.calendar import (  # noqa: F401
    adjusted_days_save,
    holiday_calendar_enter,
    holiday_calendar_seed,
    holiday_notice_delete,
    holiday_notice_save,
)
from stations.services.coverage import coverage_setting_set, target_set  # noqa: F401
from stations.services.policies import (  # noqa: F401
    policy_document_save,
    policy_rule_delete,
    policy_rule_save,
)
from stations.services.standards import (  # noqa: F401
    checklist_preview,
    station_check_standard,
    station_checklist,
)
from stations.services.stations import (  # noqa: F401
    STATION_FIELDS,
    station_change_status,
    station_create,
    station_record_acceptance,
    station_update,
)
from stations.services.status_history import (  # noqa: F401
    check_status_change,
    status_change_correct,
    status_change_void,
)
