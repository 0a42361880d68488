from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin, ServiceWritesAdminMixin
from core.audit import save_audited
from stations import services
from stations.admin.filters import region_filter
from stations.admin.policies import DocumentChoicesMixin
from stations.models import TARGET_LEVELS, CoverageSetting, Target
from stations.services.stations import ensure_region_in_scope


class AuditedSaveMixin(ServiceWritesAdminMixin):
    """Admin saves validate, stay in the user's scope and record the user in the history; a
    refusal is shown on the form."""

    region_attribute = "region"

    def save_model(self, request, obj, form, change):
        ensure_region_in_scope(request.user, getattr(obj, self.region_attribute))
        save_audited(obj, actor=request.user, reason=str(form.cleaned_data.get("document") or "") if form else "")


@admin.register(Target)
class TargetAdmin(DocumentChoicesMixin, ScopedAdminMixin, AuditedSaveMixin, SimpleHistoryAdmin):
    """A target belongs to a document of the target's own region, chosen among the documents the
    official keeps; the clause and quote say where in it the target is written."""

    list_display = ("region", "metric", "value", "unit", "due_on", "document", "clause")
    list_filter = ("metric", "unit", region_filter("region__code"))
    search_fields = ("region__name", "region__code", "document__title", "quote")
    autocomplete_fields = ("region",)
    list_select_related = ("region", "document")
    date_hierarchy = "due_on"
    fields = ("document", "region", "metric", "value", "unit", "due_on", "clause", "quote")
    document_levels = TARGET_LEVELS

    def save_model(self, request, obj, form, change):
        if change and {"region", "metric", "due_on"} & set(form.changed_data):
            super().save_model(request, obj, form, change)  # moving a target to another key: no service does that
            return
        obj.pk = services.target_set(actor=request.user, region=obj.region, metric=obj.metric, due_on=obj.due_on,
                                     value=obj.value, unit=obj.unit, document=obj.document,
                                     clause=obj.clause, quote=obj.quote).pk


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

    def save_model(self, request, obj, form, change):
        if change and "province" in form.changed_data:
            super().save_model(request, obj, form, change)  # moving a setting to another province
            return
        obj.pk = services.coverage_setting_set(actor=request.user, province=obj.province,
                                               include_other_township=obj.include_other_township).pk
