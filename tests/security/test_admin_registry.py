"""Every admin on the site shows only rows and choices that are scoped, or says why not."""

from django.contrib import admin
from django.contrib.auth.models import Permission

from core.admin import ScopedAdminMixin, is_scoped_model, scope_problems
from stations.roles import ensure_role_groups, province_admin_apps

ADMIN_APPS = province_admin_apps()


def test_the_four_product_apps_declare_themselves_kept_in_the_admin():
    assert ADMIN_APPS == ["assessments", "projects", "stations", "workforce"]


def test_every_product_admin_is_scoped_or_says_why(db):
    product = {model: model_admin for model, model_admin in admin.site._registry.items()
               if model._meta.app_label in ADMIN_APPS}
    assert any(model._meta.model_name == "user" for model in product)
    for model, model_admin in product.items():
        assert isinstance(model_admin, ScopedAdminMixin), model_admin
        assert is_scoped_model(model) or model_admin.unscoped_reason, model_admin
        assert scope_problems(type(model_admin), model) == [], model_admin


def test_the_other_admins_are_for_superusers_only(db):
    others = {model._meta.app_label for model in admin.site._registry if model._meta.app_label not in ADMIN_APPS}
    assert others  # auth's groups and the login-throttling records
    granted = Permission.objects.filter(group__in=ensure_role_groups().values(), content_type__app_label__in=others)
    assert not granted.exists()
