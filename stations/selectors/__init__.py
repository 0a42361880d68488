"""Reads for screens and exports, one module per topic; re-exported here."""

from stations.reports.selectors import (  # noqa: F401
    COMMAND_LINE,
    completeness_csv_rows,
    expected_stations,
    report_completeness,
    report_completeness_months,
    report_deadline,
    report_history,
    report_list,
    reports_due,
    with_deadlines,
)
from stations.reports.selectors.rollups import (  # noqa: F401
    PERIOD_KINDS,
    REPORT_SUM_FIELDS,
    ROLLUP_FIELDS,
    ROLLUP_KEYS,
    period_range,
    report_rollup,
)
from stations.selectors.stations import region_list, station_list, station_registry  # noqa: F401
