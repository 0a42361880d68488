"""Reads for monthly reports, one module per topic; re-exported here."""

from stations.reports.selectors.completeness import (  # noqa: F401
    Completeness,
    CompletenessRow,
    DueReport,
    MissingStation,
    completeness_csv_rows,
    expected_stations,
    report_completeness,
    report_completeness_months,
    reports_due,
)
from stations.reports.selectors.deadlines import deadline_days, deadline_of, report_deadline, with_deadlines  # noqa: F401
from stations.reports.selectors.history import HistoryEntry, report_history  # noqa: F401
from stations.reports.selectors.lists import (  # noqa: F401
    COMMAND_LINE,
    LIST_FIGURES,
    CommandLineUser,
    report_list,
    report_totals,
    with_figures,
)
from stations.reports.selectors.rollups import (  # noqa: F401
    PERIOD_KINDS,
    REPORT_SUM_FIELDS,
    ROLLUP_FIELDS,
    ROLLUP_KEYS,
    period_range,
    report_rollup,
)
from stations.reports.selectors.window import SubmissionWindow, submission_window  # noqa: F401
