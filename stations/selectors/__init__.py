"""Reads for screens and exports, one module per topic; re-exported here."""

from stations.selectors.reports import (  # noqa: F401
    COMMAND_LINE,
    PERIOD_KINDS,
    completeness_csv_rows,
    expected_stations,
    period_range,
    report_completeness,
    report_deadline,
    report_list,
    report_rollup,
    reports_due,
)
from stations.selectors.stations import region_list, station_list  # noqa: F401
