"""Admin registrations, one module per topic."""

from stations.admin import reports, stations  # noqa: F401
