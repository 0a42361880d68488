"""Admin for provincial officials: scoped like the screens; writes go through the services
(people) or full validation with an audit record (policies). ID numbers are masked on every
admin page (list, form, history); correcting one is done on the person's edit screen."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.admin import (
    ConcurrentEditAdminMixin,
    DependantsProtectedMixin,
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
)
from core.audit import save_audited
from workforce.models import (
    Certificate,
    Employment,
    IdNumberDisclosure,
    Person,
    StipendPolicy,
    TrainingRecord,
    WorkforcePolicy,
)
from workforce.validators import mask_id_number


class AuditedAdminMixin(ConcurrentEditAdminMixin):
    def save_model(self, request, obj, form, change):
        save_audited(obj, actor=request.user)


class MaskedIdHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        if change.field == "id_number":
            return mask_id_number(value or "")
        return super().prepare_delta_change_value(change, value)


class EmploymentInline(ScopedAdminMixin, admin.TabularInline):
    model = Employment
    extra = 0
    fields = ("station", "role", "employer", "start_on", "end_on")
    autocomplete_fields = ("station", "employer")


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    fields = ("level", "number", "obtained_on")


@admin.register(Person)
class PersonAdmin(ScopedAdminMixin, AuditedAdminMixin, DependantsProtectedMixin, SimpleHistoryAdmin):
    list_display = ("name", "gender", "masked_id", "education", "social_work_degree", "phone")
    list_filter = ("gender", "education", "social_work_degree", "local_hukou")
    search_fields = ("name", "=id_number", "phone")
    autocomplete_fields = ("registered_region",)
    inlines = (EmploymentInline, CertificateInline)
    dependants = ("employments", "certificates", "trainings")
    show_full_result_count = False  # the count needs every person's placement: do it once

    @admin.display(description=_("身份证号码"))
    def masked_id(self, obj):
        return obj.masked_id_number

    def get_exclude(self, request, obj=None):
        # A new person is registered with their number; an existing one shows it masked.
        return ("id_number",) if obj is not None else ()

    def get_readonly_fields(self, request, obj=None):
        return ("masked_id",) if obj is not None else ()

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedIdHistoryHelper(self.model, historical_record)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            save_audited(instance, actor=request.user)
        for obj in formset.deleted_objects:
            obj._history_user = request.user
            obj.delete()


@admin.register(Employment)
class EmploymentAdmin(ScopedAdminMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("person", "station", "role", "employer", "start_on", "end_on")
    list_filter = ("role",)
    search_fields = ("person__name", "station__name", "station__region__code")
    autocomplete_fields = ("person", "station", "employer")
    list_select_related = ("person", "station", "employer")


@admin.register(Certificate)
class CertificateAdmin(ScopedAdminMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("person", "level", "number", "obtained_on")
    list_filter = ("level",)
    search_fields = ("person__name", "=number")
    autocomplete_fields = ("person",)
    list_select_related = ("person",)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ScopedAdminMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("person", "held_on", "kind", "title", "provider", "hours")
    list_filter = ("kind",)
    search_fields = ("person__name", "title", "provider")
    autocomplete_fields = ("person",)
    list_select_related = ("person",)
    date_hierarchy = "held_on"


@admin.register(WorkforcePolicy)
class WorkforcePolicyAdmin(ScopedAdminMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("region", "qualification_training_hours", "qualification_deadline_years",
                    "continuing_education_hours", "max_hiring_age", "min_education", "supervisor_min_level",
                    "staffing_mode")
    search_fields = ("region__name", "region__code")
    autocomplete_fields = ("region",)


@admin.register(StipendPolicy)
class StipendPolicyAdmin(ScopedAdminMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("region", "kind", "level", "amount", "effective_from", "effective_to", "source")
    list_filter = ("kind", "level")
    search_fields = ("region__name", "region__code", "source")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)


@admin.register(IdNumberDisclosure)
class IdNumberDisclosureAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The record of full ID-number disclosures: read-only, and only the disclosures made by the
    accounts the official may see (those of their own region)."""

    unscoped_reason = "disclosures have no visible_to: get_queryset keeps those made by accounts the user admin shows"
    list_display = ("at", "user", "kind", "subject", "count")
    list_filter = ("kind",)
    search_fields = ("user__username", "subject")
    list_select_related = ("user",)
    date_hierarchy = "at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        users = self.admin_site.get_model_admin(IdNumberDisclosure._meta.get_field("user").related_model)
        return queryset.filter(user__in=users.get_queryset(request))
