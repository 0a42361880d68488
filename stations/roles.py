"""Permission groups for the roles. Provincial officials work in the admin site."""

from django.contrib.auth.models import Group, Permission

from stations.models import Role

ADMIN_APPS = ("stations", "projects", "workforce", "assessments")
# Granted to nobody by default: an administrator assigns it to a group of named people.
UNGRANTED_PERMISSIONS = ("view_full_id_number",)


def ensure_role_groups() -> dict[str, Group]:
    """Create or refresh one group per role. Province officials may view, add and
    change every record of the product's apps in the admin (rows still scoped);
    deletion stays with superusers."""
    groups = {}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=str(role.label))
        groups[role.value] = group
    province_perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS).exclude(
        codename__startswith="delete_").exclude(codename__in=UNGRANTED_PERMISSIONS)
    user_perms = Permission.objects.filter(content_type__app_label="stations", content_type__model="user",
                                           codename__in=["add_user", "change_user", "view_user"])
    province_perms = province_perms | user_perms
    groups[Role.PROVINCE].permissions.set(province_perms)
    return groups
