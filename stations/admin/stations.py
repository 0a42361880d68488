from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin, ServiceWritesAdminMixin
from core.audit import save_audited
from stations import services
from stations.admin.filters import MeetsStandardFilter, StationStatusTodayFilter, region_filter
from stations.admin.standards import AcceptanceItemResultInline
from stations.models import Role, Station, StationAcceptance, StationStatus, StationStatusChange, User
from stations.roles import ensure_role_groups


@admin.register(User)
class UserAdmin(ScopedAdminMixin, ServiceWritesAdminMixin, DjangoUserAdmin):
    """Provincial officials create and manage the accounts of their province; they cannot grant
    superuser rights, raw permissions, or a region outside their own."""

    unscoped_reason = "accounts have no visible_to: get_queryset keeps those placed in the official's region"
    unscoped_choices = {
        "groups": "only a superuser's form has it (officials get the limited fieldsets)",
        "user_permissions": "only a superuser's form has it (officials get the limited fieldsets)",
    }
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

    def has_delete_permission(self, request, obj=None):
        # An account is deactivated, never deleted: its name stays on the change and sign-in
        # records it left (deleting it would blank the actor of every change it made).
        return False

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
    fields = ("effective_on", "status", "reason", "changed_by", "recorded_at", "voided", "voided_reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class StationAdminForm(forms.ModelForm):
    """The station's fields plus an optional dated status change with its reason. The change follows
    the same rule as everywhere (``check_status_change``): its refusal comes back on these fields.
    Correcting or voiding a past record is done on the station's page."""

    new_status = forms.ChoiceField(label=_("变更状态为"), choices=[("", "---------"), *StationStatus.choices],
                                   required=False)
    status_effective_on = forms.DateField(label=_("状态生效日期"), required=False)
    status_reason = forms.CharField(label=_("变更原因"), max_length=200, required=False)

    class Meta:
        model = Station
        fields = services.STATION_FIELDS

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_status") and not cleaned.get("status_effective_on"):
            self.add_error("status_effective_on", _("变更状态时必须填写生效日期。"))
        if cleaned.get("new_status") and not cleaned.get("status_reason"):
            self.add_error("status_reason", _("变更状态时必须填写原因。"))
        return cleaned


@admin.register(Station)
class StationAdmin(ScopedAdminMixin, ServiceWritesAdminMixin, SimpleHistoryAdmin):
    form = StationAdminForm
    refusal_fields = {"effective_on": "status_effective_on", "status": "new_status", "reason": "status_reason"}
    list_display = ("name", "kind", "region", "co_location", "opened_on", "site_area_m2")
    list_filter = (StationStatusTodayFilter, "kind", region_filter("region__code"), "region__kind", MeetsStandardFilter,
                   "co_location")
    search_fields = ("name", "region__name", "region__code", "address")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
    inlines = (StationStatusChangeInline,)
    show_full_result_count = False  # no second COUNT(*) over every station in scope

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.STATION_FIELDS if name in form.cleaned_data}
        new_status = form.cleaned_data.get("new_status")
        if change:
            station = Station.objects.get(pk=obj.pk)
            services.station_update(actor=request.user, station=station, **data)
            if new_status:
                services.station_change_status(actor=request.user, station=station, status=new_status,
                                               effective_on=form.cleaned_data["status_effective_on"],
                                               reason=form.cleaned_data["status_reason"])
        else:
            extra = {}
            if new_status:
                extra = {"initial_status": new_status, "status_effective_on": form.cleaned_data["status_effective_on"]}
            form.instance = services.station_create(actor=request.user, **data, **extra)
            obj.pk = form.instance.pk


@admin.register(StationAcceptance)
class StationAcceptanceAdmin(ScopedAdminMixin, ServiceWritesAdminMixin, SimpleHistoryAdmin):
    list_display = ("station", "checked_on", "passed", "source", "checked_by")
    list_filter = ("passed", region_filter("station__region__code"))
    inlines = (AcceptanceItemResultInline,)
    search_fields = ("station__name", "station__region__name")
    autocomplete_fields = ("station",)
    readonly_fields = ("checked_by",)

    def save_model(self, request, obj, form, change):
        if change:  # correcting a recorded check: no service does that
            obj.checked_by = obj.checked_by or request.user
            save_audited(obj, actor=request.user)
            return
        obj.pk = services.station_record_acceptance(
            actor=request.user, station=obj.station, checked_on=obj.checked_on, passed=obj.passed, source=obj.source,
            notes=obj.notes).pk
