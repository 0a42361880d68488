"""Who may do what to organisations, contracts, payments and filings (reading is decided by
``visible_to``). County staff buy and record on the screens; cities also record filings; the
province reads here and corrects in the admin."""

from __future__ import annotations

from core.scope import scope_of
from stations.models import Role


def can_manage_purchases(user, obj=None) -> bool:
    """Register organisations, create and change contracts, record payments and spending."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.COUNTY)


def can_record_contract_filing(user, contract=None) -> bool:
    """Contracts are filed (备案) with the city: county and city staff record the filing."""
    return can_manage_purchases(user) or (user.is_authenticated and user.role == Role.CITY)


def can_view_whole_contract(user, contract=None) -> bool:
    """The whole of a contract (its amount, every station, funding lines, payment schedule,
    payments, filing, history, exports): superusers, province, city and county staff, and the
    contractor's own people (an evaluator sees the contracts their organisation holds). A station
    head sees only their own station's part (:func:`projects.selectors.contracts.contract_station_part`)."""
    scope = scope_of(user)
    return scope.everything or bool(scope.prefix) or bool(scope.organisation_id)


def _county_staff_in_scope(user) -> bool:
    scope = scope_of(user)
    return scope.everything or (bool(scope.prefix) and user.role == Role.COUNTY)


def can_import_organisation(user, obj=None) -> bool:
    """The Excel import of organisations: county staff (rows are scoped row by row)."""
    return _county_staff_in_scope(user)


def can_import_contract(user, obj=None) -> bool:
    """The Excel import of contracts: county staff (rows are scoped row by row)."""
    return _county_staff_in_scope(user)
