"""Who may do what to monthly reports (reading is decided by ``visible_to``).

- the station head of the report's station creates, edits (draft or returned only) and submits;
- county staff of the station's county (and superusers) return, approve and reopen;
- county staff load paper reports by Excel import;
- completeness and roll-ups are ``stations.permissions.can_view_regional_figures``.

Whether the report's status allows the step is the service's business, not the rule's.
"""

from __future__ import annotations

from core.scope import scope_of
from stations.models import Role
from stations.permissions import is_station_head


def can_create_report(user, station=None) -> bool:
    """A station head opens the drafts of their own station (superusers any station's)."""
    if user.is_superuser:
        return True
    return is_station_head(user) and (station is None or user.station_id == station.pk)


def can_edit_report(user, report=None) -> bool:
    return can_create_report(user, None if report is None else report.station)


def can_submit_report(user, report=None) -> bool:
    return can_edit_report(user, report)


def can_review_report(user, report=None) -> bool:
    """Return, approve or reopen: county staff of the report's county (and superusers)."""
    if user.is_superuser:
        return True
    if not (user.role == Role.COUNTY and user.region_id):
        return False
    return report is None or report.station.region.code.startswith(user.region.prefix)


def can_import_report(user, obj=None) -> bool:
    """Counties that collect reports on paper load them (rows are scoped row by row)."""
    scope = scope_of(user)
    return scope.everything or (bool(scope.prefix) and user.role == Role.COUNTY)
