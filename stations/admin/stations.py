from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from stations import services
from stations.admin_mixins import ScopedAdminMixin, ScopedModelAdmin
from stations.models import Region, Role, Station, StationAcceptance, StationStatusChange, User
from stations.roles import ensure_role_groups


class RegionLevelFilter(admin.SimpleListFilter):
    title = _("级别")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return Region._meta.get_field("level").choices

    def queryset(self, request, queryset):
        return queryset.filter(level=self.value()) if self.value() else queryset


@admin.register(Region)
class RegionAdmin(ScopedModelAdmin):
    list_display = ("code", "name", "level", "kind", "parent", "population")
    list_filter = (RegionLevelFilter, "kind")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    readonly_fields = ("code", "level", "parent")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Provincial officials create and manage the accounts of their province; they cannot grant
    superuser rights, raw permissions, or a region outside their own."""

    list_display = ("username", "last_name", "first_name", "role", "region", "station", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    autocomplete_fields = ("region", "station")
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("职责范围"), {"fields": ("role", "region", "station")}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("职责范围"), {"fields": ("role", "region", "station")}))
    limited_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("last_name", "first_name", "email")}),
        (_("职责范围"), {"fields": ("role", "region", "station", "is_active")}),
    )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return self.limited_fieldsets

    def get_queryset(self, request):
        queryset = super(ScopedAdminMixin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        scope = request.user.scope()
        if not scope.prefix:
            return queryset.none()
        return queryset.filter(is_superuser=False).filter(
            Q(region__code__startswith=scope.prefix) | Q(station__region__code__startswith=scope.prefix)
        )

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.is_superuser = False
            obj.is_staff = obj.role == Role.PROVINCE
        obj.full_clean(exclude=["password"])
        super().save_model(request, obj, form, change)
        if obj.role:
            obj.groups.set([ensure_role_groups()[obj.role]])


class StationStatusChangeInline(admin.TabularInline):
    model = StationStatusChange
    extra = 0
    can_delete = False
    fields = ("effective_on", "status", "reason", "changed_by", "recorded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Station)
class StationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "region", "co_location", "opened_on", "site_area_m2")
    list_filter = ("kind", "co_location")
    search_fields = ("name", "region__name", "region__code", "address")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
    inlines = (StationStatusChangeInline,)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.STATION_FIELDS if name in form.cleaned_data}
        if change:
            services.station_update(actor=request.user, station=obj, **data)
        else:
            form.instance = services.station_create(actor=request.user, **data)
            obj.pk = form.instance.pk


@admin.register(StationAcceptance)
class StationAcceptanceAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("station", "checked_on", "passed", "source", "checked_by")
    list_filter = ("passed",)
    search_fields = ("station__name", "station__region__name")
    autocomplete_fields = ("station",)
    readonly_fields = ("checked_by",)

    def save_model(self, request, obj, form, change):
        obj.checked_by = obj.checked_by or request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
