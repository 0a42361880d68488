"""Reads for screens and exports, one module per topic; re-exported here."""

from stations.selectors.stations import region_list, station_list, station_registry  # noqa: F401
