from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from core.audit import save_audited
from stations.admin.filters import region_filter
from stations.models import CoverageSetting, Target
from stations.services.stations import _ensure_region_in_scope


class AuditedSaveMixin:
    """Admin saves validate, stay in the user's scope and record the user in the history."""

    region_attribute = "region"

    def save_model(self, request, obj, form, change):
        _ensure_region_in_scope(request.user, getattr(obj, self.region_attribute))
        save_audited(obj, actor=request.user, reason=form.cleaned_data.get("source", "") if form else "")


@admin.register(Target)
class TargetAdmin(ScopedAdminMixin, AuditedSaveMixin, SimpleHistoryAdmin):
    list_display = ("region", "metric", "value", "unit", "due_on", "source")
    list_filter = ("metric", "unit", region_filter("region__code"))
    search_fields = ("region__name", "region__code", "source")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
    date_hierarchy = "due_on"


@admin.register(CoverageSetting)
class CoverageSettingAdmin(ScopedAdminMixin, AuditedSaveMixin, SimpleHistoryAdmin):
    list_display = ("province", "include_other_township")
    search_fields = ("province__name", "province__code")
    region_attribute = "province"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "province" and field is not None:
            field.queryset = field.queryset.filter(level="province")
        return field
