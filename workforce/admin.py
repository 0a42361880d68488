"""Admin for provincial officials: scoped like the screens; writes go through the services
(people) or full validation with an audit record (policies)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from stations.admin_mixins import ScopedAdminMixin
from stations.audit import save_audited
from workforce.models import (
    Certificate,
    Employment,
    Person,
    StipendPolicy,
    TrainingRecord,
    WorkforcePolicy,
    can_see_full_id_number,
)


class AuditedAdminMixin:
    def save_model(self, request, obj, form, change):
        save_audited(obj, actor=request.user)


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
class PersonAdmin(ScopedAdminMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "gender", "education", "social_work_degree", "phone")
    list_filter = ("gender", "education", "social_work_degree", "local_hukou")
    search_fields = ("name", "=id_number", "phone")
    autocomplete_fields = ("registered_region",)
    inlines = (EmploymentInline, CertificateInline)
    show_full_result_count = False  # the count needs every person's placement: do it once

    def get_list_display(self, request):
        show_full = can_see_full_id_number(request.user)

        @admin.display(description=_("身份证号码"))
        def id_number(obj):
            return obj.id_number if show_full else obj.masked_id_number

        return ("name", "gender", id_number, "education", "social_work_degree", "phone")

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
