from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from core.audit import save_audited
from stations.admin.filters import region_filter
from stations.admin.policies import DocumentChoicesMixin
from stations.admin.targets import AuditedSaveMixin
from stations.models import AcceptanceItemResult, RegionLevel, StandardChecklist, StandardItem


class StandardItemInline(admin.TabularInline):
    model = StandardItem
    extra = 1
    fields = ("position", "title", "requirement", "metric", "minimum", "clause", "quote")


@admin.register(StandardChecklist)
class StandardChecklistAdmin(DocumentChoicesMixin, ScopedAdminMixin, AuditedSaveMixin, SimpleHistoryAdmin):
    """A checklist belongs to a provincial document; the one in force on a date is that of the
    latest document in force then (``is_active`` switches a checklist off)."""

    list_display = ("name", "province", "is_active", "document", "clause")
    list_filter = ("is_active", region_filter("province__code", title=_("省份")))
    search_fields = ("name", "province__name", "items__title", "document__title")
    list_select_related = ("province", "document")
    fields = ("document", "province", "name", "description", "clause", "quote", "is_active")
    inlines = (StandardItemInline,)
    region_attribute = "province"
    document_levels = (RegionLevel.PROVINCE,)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "province" and field is not None:
            field.queryset = field.queryset.filter(level="province")
        return field

    def save_formset(self, request, form, formset, change):
        items = formset.save(commit=False)  # this also fills ``deleted_objects``
        for obj in formset.deleted_objects:
            obj._history_user = request.user
            obj.delete()
        for item in items:
            save_audited(item, actor=request.user)
        formset.save_m2m()


class AcceptanceItemResultInline(admin.TabularInline):
    """The item-by-item results of an acceptance check (recorded by the check, not edited)."""

    model = AcceptanceItemResult
    extra = 0
    can_delete = False
    fields = ("item", "met", "source", "measured")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False
