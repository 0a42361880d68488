"""Who may do what to organisations, contracts, payments and filings (reading is decided by
``visible_to``). County staff buy and record on the screens; cities also record filings; the
province reads here and corrects in the admin.

Seeing an organisation is not changing it: a county sees the organisations registered in it, the
ones it entered or added from elsewhere and the ones holding its contracts, but only the
civil-affairs bureau where an organisation is registered (the county, or in the admin the province
above it) changes or deletes it.
"""

from __future__ import annotations

from core.scope import scope_of
from stations.models import Role

# The roles that keep the organisation register: county staff on the screens, the province in the admin.
ORGANISATION_KEEPERS = frozenset({Role.COUNTY, Role.PROVINCE})


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


def _keeps_register_of(user, region) -> bool:
    scope = scope_of(user)
    if scope.everything:
        return True
    if not scope.prefix or user.role not in ORGANISATION_KEEPERS:
        return False
    return region is None or region.code.startswith(scope.prefix)


def can_add_organisation(user, organisation=None) -> bool:
    """Register an organisation: county staff (in the admin, the province) for an organisation
    registered in their own region; without ``organisation``, whether they may register any."""
    return _keeps_register_of(user, getattr(organisation, "region", None))


def can_change_organisation(user, organisation=None) -> bool:
    """Edit an organisation: decided by where it is registered (``organisation.region``), not by who
    may see it. A county that contracts it, entered it or added it from elsewhere reads it only."""
    if organisation is None:
        return _keeps_register_of(user, None)
    return organisation.region_id is not None and _keeps_register_of(user, organisation.region)


def can_delete_organisation(user, organisation=None) -> bool:
    """Delete an organisation: whoever may change it (the service still refuses one with contracts)."""
    return can_change_organisation(user, organisation)


def can_add_known_organisation(user, obj=None) -> bool:
    """Add an organisation registered elsewhere to those a county may contract, by its credit
    code and exact name: county staff (a superuser sees every organisation already)."""
    scope = scope_of(user)
    return bool(scope.prefix) and user.role == Role.COUNTY


def _county_staff_in_scope(user) -> bool:
    scope = scope_of(user)
    return scope.everything or (bool(scope.prefix) and user.role == Role.COUNTY)


def can_import_organisation(user, obj=None) -> bool:
    """The Excel import of organisations: county staff (rows are scoped row by row)."""
    return _county_staff_in_scope(user)


def can_import_contract(user, obj=None) -> bool:
    """The Excel import of contracts: county staff (rows are scoped row by row)."""
    return _county_staff_in_scope(user)
