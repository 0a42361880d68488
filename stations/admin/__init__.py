"""Admin registrations, one module per topic; the monthly reports' admin lives with them."""

from stations.admin import (  # noqa: F401
    calendar,
    policies,
    regions,
    standards,
    stations,
    targets,
)
from stations.reports import admin as reports  # noqa: F401
