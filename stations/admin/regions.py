from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdminMixin, ServiceWritesAdminMixin
from stations.models import Region, RegionChange, RegionVersion
from stations.services import regions as region_services


class RegionLevelFilter(admin.SimpleListFilter):
    title = _("级别")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return Region._meta.get_field("level").choices

    def queryset(self, request, queryset):
        return queryset.filter(level=self.value()) if self.value() else queryset


class RegionAdminForm(forms.ModelForm):
    """The region's fields plus the day a new name or kind takes effect: the figures of every day
    before it keep the old ones."""

    effective_on = forms.DateField(
        label=_("名称、类型变更的生效日期"), required=False, initial=timezone.localdate,
        help_text=_("修改名称或类型时必填：自该日起使用新的名称和类型，此前各日的覆盖率等统计保持不变。"))
    change_reason = forms.CharField(label=_("变更依据"), max_length=200, required=False,
                                    help_text=_("如批准撤乡设镇的文件名称和文号。"))

    class Meta:
        model = Region
        fields = ("code", "name", "level", "kind", "parent", "population", "valid_from", "valid_to", "successor")


class RegionVersionInline(admin.TabularInline):
    model = RegionVersion
    extra = 0
    can_delete = False
    fields = ("name", "kind", "valid_from", "valid_to")
    readonly_fields = fields
    verbose_name_plural = _("此前的名称和类型")

    def has_add_permission(self, request, obj=None):
        return False


class RegionChangeInline(admin.TabularInline):
    model = RegionChange
    extra = 0
    can_delete = False
    fields = ("effective_on", "changes", "source", "changed_by", "recorded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, ServiceWritesAdminMixin, admin.ModelAdmin):
    form = RegionAdminForm
    list_display = ("code", "name", "level", "kind", "parent", "population", "valid_from", "valid_to")
    list_filter = (RegionLevelFilter, "kind")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "successor")
    list_select_related = ("parent",)
    # Dates of use and successors come from dated division loads, never from a hand edit.
    readonly_fields = ("code", "level", "parent", "valid_from", "valid_to", "successor")
    inlines = (RegionVersionInline, RegionChangeInline)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)  # a new division: no service adds one by hand
            return
        region_services.region_update(actor=request.user, region=Region.objects.get(pk=obj.pk),
                                      effective_on=form.cleaned_data.get("effective_on"),
                                      reason=form.cleaned_data.get("change_reason", ""),
                                      **{name: getattr(obj, name) for name in region_services.REGION_FIELDS})
