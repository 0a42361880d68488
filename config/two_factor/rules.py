"""Who must sign in with a second factor."""

from django.conf import settings

from stations.roles import Role
from workforce.permissions import can_view_full_id_number


def second_factor_required(user) -> bool:
    """While ``TWO_FACTOR_REQUIRED`` is on: superusers, provincial officials and whoever may see
    ID-card numbers in full. Anyone else may still turn it on for themselves."""
    if not (settings.TWO_FACTOR_REQUIRED and user.is_authenticated):
        return False
    return bool(user.is_superuser or user.role == Role.PROVINCE or can_view_full_id_number(user))
