"""The admin fails closed: an admin over rows, or offering choices, that nothing scopes refuses
to start unless it says why."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from core.admin import ScopedModelAdmin, scope_problems
from stations.models import Station, StationAcceptance, User


def test_an_admin_over_a_model_without_visible_to_is_refused():
    class GroupAdmin(ScopedModelAdmin):
        pass

    with pytest.raises(ImproperlyConfigured, match=r"auth\.Group has no visible_to"):
        admin.AdminSite().register(Group, GroupAdmin)


def test_an_unscoped_admin_that_says_why_is_registered():
    class GroupAdmin(ScopedModelAdmin):
        unscoped_reason = "a test"
        unscoped_choices = {"permissions": "a test"}

    site = admin.AdminSite()
    site.register(Group, GroupAdmin)
    assert site.is_registered(Group)


def test_a_form_choosing_among_unscoped_rows_is_refused_unless_named():
    class AcceptanceAdmin(ScopedModelAdmin):
        fields = ("station", "checked_on", "passed", "checked_by")

    with pytest.raises(ImproperlyConfigured, match=r"checked_by lists stations\.User"):
        admin.AdminSite().register(StationAcceptance, AcceptanceAdmin)

    class DeclaredAcceptanceAdmin(AcceptanceAdmin):
        unscoped_choices = {"checked_by": "a test"}

    assert scope_problems(DeclaredAcceptanceAdmin, StationAcceptance) == []


def test_an_inline_offering_choices_must_be_scoped():
    class ResultInline(admin.TabularInline):
        model = StationAcceptance
        fields = ("checked_on", "passed", "checked_by")

    class StationAdmin(ScopedModelAdmin):
        inlines = (ResultInline,)

    assert any("use ScopedAdminMixin" in problem for problem in scope_problems(StationAdmin, Station))


def test_a_choice_among_unscoped_rows_not_named_offers_nothing(rf, db):
    class AcceptanceAdmin(ScopedModelAdmin):
        readonly_fields = ("checked_by",)  # so the admin starts; a form may still offer it (a subclass, a hook)

    class NamedAcceptanceAdmin(AcceptanceAdmin):
        unscoped_choices = {"checked_by": "a test"}

    User.objects.create(username="someone")
    request = rf.get("/")
    request.user = User(is_superuser=True)
    db_field = StationAcceptance._meta.get_field("checked_by")
    site = admin.AdminSite()
    unnamed = AcceptanceAdmin(StationAcceptance, site).formfield_for_foreignkey(db_field, request)
    named = NamedAcceptanceAdmin(StationAcceptance, site).formfield_for_foreignkey(db_field, request)
    assert list(unnamed.queryset) == [] and named.queryset.exists()


def test_a_posted_past_version_is_refused_and_changes_nothing(hierarchy, client):
    """Reverting is off: the history page shows a past version, and posting its form saves nothing,
    even for a superuser (it would bypass the services and the read-only admins)."""
    from tests import builders
    from tests.workforce import builders as wb

    organisation = wb.organisation(hierarchy.county_a, name="旧名称社工服务中心")
    organisation.name = "新名称社工服务中心"
    organisation.save()
    first = organisation.history.earliest()
    client.force_login(builders.superuser())
    url = f"/admin/projects/organisation/{organisation.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "旧名称社工服务中心", "credit_code": organisation.credit_code,
                                 "region": hierarchy.county_a.pk, "is_local": "on"})
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "新名称社工服务中心" and organisation.history.count() == 2
