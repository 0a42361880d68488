"""Admin registrations, one module per topic."""

from stations.admin import (  # noqa: F401
    standards,
    stations,
    targets,
)
