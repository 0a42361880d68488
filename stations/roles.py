"""The roles a user may hold, and their permission groups. Provincial officials work in the admin
site; the apps whose records they keep there declare it on their ``AppConfig``
(``province_admin = True``), so this module names none of them."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE = "province", _("省级民政部门")
    CITY = "city", _("市级民政部门")
    COUNTY = "county", _("县级民政部门")
    STATION_HEAD = "station_head", _("站长")
    EVALUATOR = "evaluator", _("第三方评估机构")


OFFICIAL_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY})
# Granted to nobody by default: an administrator assigns it to a group of named people.
UNGRANTED_PERMISSIONS = ("view_full_id_number",)


def province_admin_apps() -> list[str]:
    """The labels of the apps that declare their records kept by provincial officials in the admin."""
    return sorted(config.label for config in apps.get_app_configs() if getattr(config, "province_admin", False))


def ensure_role_groups() -> dict[str, Group]:
    """Create or refresh one group per role. Province officials may view, add and
    change every record of the product's apps in the admin (rows still scoped);
    deletion stays with superusers."""
    groups = {}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=str(role.label))
        groups[role.value] = group
    province_perms = Permission.objects.filter(content_type__app_label__in=province_admin_apps()).exclude(
        codename__startswith="delete_").exclude(codename__in=UNGRANTED_PERMISSIONS)
    user_perms = Permission.objects.filter(content_type__app_label="stations", content_type__model="user",
                                           codename__in=["add_user", "change_user", "view_user"])
    province_perms = province_perms | user_perms
    groups[Role.PROVINCE].permissions.set(province_perms)
    return groups
