"""Who may do what to stations and regions (reading is decided by ``visible_to``).

Every rule is a ``can_<verb>_<entity>(user, obj=None)`` on the ``Role`` enum: services enforce
them, views ask them to refuse a page and to decide which buttons to show, imports ask them
before reading a file. With ``obj`` the answer also covers that record; without, it is whether
the user may do it to any record at all (the button on a list).
"""

from __future__ import annotations

from core.scope import scope_of
from stations.roles import OFFICIAL_ROLES, Role

STATION_MANAGING_ROLES = frozenset({Role.COUNTY, Role.PROVINCE})


def is_official(user) -> bool:
    """Civil-affairs staff of a province, city or county (not whether their scope is complete)."""
    return user.role in OFFICIAL_ROLES


def is_station_head(user) -> bool:
    return user.role == Role.STATION_HEAD


def _in_scope(scope, station) -> bool:
    return station is None or station.region.code.startswith(scope.prefix)


def can_manage_station(user, station=None) -> bool:
    """County staff register stations, change their status and check them against the standard;
    provincial officials (and superusers) may correct them. Within their own region."""
    scope = scope_of(user)
    if scope.everything:
        return True
    return bool(scope.prefix) and user.role in STATION_MANAGING_ROLES and _in_scope(scope, station)


def can_correct_status_change(user, change=None) -> bool:
    """County staff and the city and province above them (and superusers) correct or void a
    station's status records, within their own region; station heads do not."""
    scope = scope_of(user)
    if scope.everything:
        return True
    return bool(scope.prefix) and is_official(user) and _in_scope(scope, change.station if change else None)


def can_import_station(user, obj=None) -> bool:
    """The station register's Excel import: whoever manages stations (rows are scoped row by row)."""
    return can_manage_station(user)


def can_import_region_population(user, obj=None) -> bool:
    """Province, city and county staff load the resident population of the regions in their scope."""
    scope = scope_of(user)
    return scope.everything or (bool(scope.prefix) and is_official(user))


def can_view_regional_figures(user, obj=None) -> bool:
    """Region-wide figures (report completeness and roll-ups, the chain report, stipends, the
    workforce dashboard) are for province, city and county staff with a region, and superusers."""
    scope = scope_of(user)
    return scope.everything or (bool(scope.prefix) and is_official(user))


def can_edit_holiday_calendar(user, obj=None) -> bool:
    """The official holiday calendar is national: superusers keep it; everyone reads it."""
    return bool(user.is_active and user.is_superuser)
