"""Who may do what to the workforce registry (reading is decided by ``visible_to``)."""

from __future__ import annotations

from core.scope import scope_of
from stations.models import Role
from workforce.models import FULL_ID_PERMISSION, Person


def can_view_full_id_number(user, person=None) -> bool:
    """ID numbers are masked everywhere; holders of the permission (granted to nobody by
    default, assigned through an admin group) may ask to see or export them in full, for the
    people they can see at all, and every such disclosure is recorded (``IdNumberDisclosure``)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(FULL_ID_PERMISSION))


def can_edit_person(user, person=None) -> bool:
    """County staff keep the registry of the people placed in their county (and superusers):
    register, change, assign, add certificates and training. With ``person``: that person too."""
    scope = scope_of(user)
    if not (scope.everything or (bool(scope.prefix) and user.role == Role.COUNTY)):
        return False
    return person is None or Person.objects.visible_to(user).filter(pk=person.pk).exists()


def can_import_person(user, obj=None) -> bool:
    """The Excel imports of people, assignments, certificates and training: whoever keeps the
    registry on the screens (rows are scoped row by row)."""
    return can_edit_person(user)


def can_enter_reported_figure(user, region=None) -> bool:
    """The workforce figures a province reports (``ReportedFigure``) are entered by its provincial
    officials (and superusers); with ``region``: a region of their province."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if not (scope.prefix and user.role == Role.PROVINCE):
        return False
    return region is None or region.code.startswith(scope.prefix)
