"""Admin registrations, one module per topic."""

from stations.admin import stations  # noqa: F401
