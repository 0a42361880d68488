"""Admin for provincial officials: scoped like the screens; writes go through the services
(people, assignments, certificates, training; a refusal is shown on the form) or full validation
with an audit record (stipend rates, each from its policy document). ID numbers are masked on
every admin page (list, form, history); correcting one is done on the person's edit screen."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.admin import (
    ConcurrentEditAdminMixin,
    DependantsProtectedMixin,
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
    ServiceWritesAdminMixin,
)
from core.audit import save_audited
from workforce import services
from workforce.models import (
    Certificate,
    Employment,
    IdNumberDisclosure,
    Person,
    ReportedFigure,
    StipendPolicy,
    TrainingRecord,
)
from workforce.permissions import can_edit_person, can_enter_reported_figure
from workforce.validators import birth_year, mask_id_number, normalise_id_number


class AuditedAdminMixin(ServiceWritesAdminMixin, ConcurrentEditAdminMixin):
    def save_model(self, request, obj, form, change):
        save_audited(obj, actor=request.user)


def _person_of(obj):
    return obj if obj is None or isinstance(obj, Person) else obj.person


class PersonRuleMixin:
    """The register's records are changed by those :func:`can_edit_person` allows, in the admin
    as on the screens and in the services; the others may still view them."""

    def has_add_permission(self, request, *obj):  # an inline is asked about its parent, a model admin not
        return super().has_add_permission(request, *obj) and can_edit_person(request.user, _person_of(*obj or [None]))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit_person(request.user, _person_of(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_edit_person(request.user, _person_of(obj))


def _values(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def save_employment(actor, obj, person, changed_data) -> None:
    """A new assignment through ``employment_create``, a changed one through ``employment_update``."""
    if obj.pk is None:
        obj.pk = services.employment_create(actor=actor, person=person, **_values(obj, services.EMPLOYMENT_FIELDS)).pk
        return
    data = _values(obj, services.EMPLOYMENT_FIELDS)
    if "person" in changed_data:  # the assignment handed to someone else
        data["person"] = obj.person
    services.employment_update(actor=actor, employment=Employment.objects.get(pk=obj.pk), **data)


def save_person_record(actor, obj, person) -> None:
    """A certificate or training record: added through its service, corrected by an audited save
    that the person's editors may make."""
    if obj.pk is None:
        add = services.certificate_add if isinstance(obj, Certificate) else services.training_add
        fields = services.CERTIFICATE_FIELDS if isinstance(obj, Certificate) else services.TRAINING_FIELDS
        obj.pk = add(actor=actor, person=person, **_values(obj, fields)).pk
        return
    services.ensure_can_edit(actor, person)
    save_audited(obj, actor=actor)


class MaskedIdHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        if change.field == "id_number":
            return mask_id_number(value or "")
        if change.field == "birth_date":
            return birth_year(value)
        return super().prepare_delta_change_value(change, value)


class EmploymentInline(PersonRuleMixin, ScopedAdminMixin, admin.TabularInline):
    model = Employment
    extra = 0
    fields = ("station", "role", "employer", "start_on", "end_on")
    autocomplete_fields = ("station", "employer")


class CertificateInline(PersonRuleMixin, admin.TabularInline):
    model = Certificate
    extra = 0
    fields = ("level", "number", "obtained_on")


@admin.register(Person)
class PersonAdmin(PersonRuleMixin, ScopedAdminMixin, AuditedAdminMixin, DependantsProtectedMixin, SimpleHistoryAdmin):
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

    @admin.display(description=_("出生年份"))
    def birth_year(self, obj):
        return obj.birth_year

    def get_exclude(self, request, obj=None):
        # A new person is registered with their number; an existing one shows it masked, and its
        # birth date (digits 7-14) as the year only.
        return ("id_number", "birth_date") if obj is not None else ()

    def get_readonly_fields(self, request, obj=None):
        return ("masked_id", "birth_year") if obj is not None else ()

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedIdHistoryHelper(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        if not change:
            return  # registered in save_related, with the first assignment the form brings
        data = {name: form.cleaned_data[name] for name in services.PERSON_FIELDS if name in form.cleaned_data}
        services.person_update(actor=request.user, person=Person.objects.get(pk=obj.pk),
                               registered_region=obj.registered_region, **data)

    def save_related(self, request, form, formsets, change):
        if not change:
            self._register(request, form, formsets)
        super().save_related(request, form, formsets, change)

    def _register(self, request, form, formsets):
        """``person_create``, given the form's first new assignment (which places the person and, for a
        superuser, decides the registering county). A number already registered does not get here:
        the form refuses it (``Person.unique_error_message``), in the same words as the screens."""
        employments = next(formset for formset in formsets if formset.model is Employment)
        first = next((f for f in employments.extra_forms if f.has_changed() and not f.cleaned_data.get("DELETE")),
                     None)
        assignment = None
        if first is not None:
            assignment = {k: v for k, v in first.cleaned_data.items() if k in services.EMPLOYMENT_FIELDS}
            employments.registered = first.instance
        data = {name: form.cleaned_data[name] for name in services.PERSON_FIELDS if name in form.cleaned_data}
        taken_over = Person.objects.filter(id_number=normalise_id_number(data.get("id_number", ""))).exists()
        person = services.person_create(actor=request.user, assignment=assignment, **data)
        if not taken_over and form.instance.registered_region != person.registered_region:
            services.person_update(actor=request.user, person=person, registered_region=form.instance.registered_region)
        form.instance.pk, form.instance._state.adding = person.pk, False

    def save_formset(self, request, form, formset, change):
        registered = getattr(formset, "registered", None)
        for instance in formset.save(commit=False):
            if instance is registered:
                continue
            if isinstance(instance, Employment):
                save_employment(request.user, instance, form.instance, changed_data=())
            else:
                save_person_record(request.user, instance, form.instance)
        for obj in formset.deleted_objects:
            if isinstance(obj, Employment):
                services.employment_delete(actor=request.user, employment=obj)
            else:
                obj._history_user = request.user
                obj.delete()


@admin.register(Employment)
class EmploymentAdmin(PersonRuleMixin, ScopedAdminMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("person", "station", "role", "employer", "start_on", "end_on")
    list_filter = ("role",)
    search_fields = ("person__name", "station__name", "station__region__code")
    autocomplete_fields = ("person", "station", "employer")
    list_select_related = ("person", "station", "employer")

    def save_model(self, request, obj, form, change):
        save_employment(request.user, obj, obj.person, form.changed_data)

    def delete_model(self, request, obj):
        services.employment_delete(actor=request.user, employment=obj)


@admin.register(Certificate)
class CertificateAdmin(PersonRuleMixin, ScopedAdminMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("person", "level", "number", "obtained_on")
    list_filter = ("level",)
    search_fields = ("person__name", "=number")
    autocomplete_fields = ("person",)
    list_select_related = ("person",)

    def save_model(self, request, obj, form, change):
        save_person_record(request.user, obj, obj.person)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(PersonRuleMixin, ScopedAdminMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("person", "held_on", "kind", "title", "provider", "hours")
    list_filter = ("kind",)
    search_fields = ("person__name", "title", "provider")
    autocomplete_fields = ("person",)
    list_select_related = ("person",)

    def save_model(self, request, obj, form, change):
        save_person_record(request.user, obj, obj.person)
    date_hierarchy = "held_on"


@admin.register(StipendPolicy)
class StipendPolicyAdmin(ScopedAdminMixin, AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("region", "kind", "level", "amount", "effective_from", "effective_to", "document", "clause")
    list_filter = ("kind", "level")
    search_fields = ("region__name", "region__code", "document__title", "quote")
    autocomplete_fields = ("region",)
    list_select_related = ("region", "document")
    fields = ("document", "region", "kind", "level", "amount", "effective_from", "effective_to", "clause", "quote")


@admin.register(ReportedFigure)
class ReportedFigureAdmin(ScopedAdminMixin, ServiceWritesAdminMixin, ConcurrentEditAdminMixin, SimpleHistoryAdmin):
    """The workforce figures a province reports (填报数), compared with its targets on the workforce
    dashboard; entered and corrected by its provincial officials through ``reported_figure_set``."""

    list_display = ("region", "metric", "year", "value", "source")
    list_filter = ("metric", "year")
    search_fields = ("region__name", "region__code", "source")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
    fields = ("region", "metric", "year", "value", "source")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and can_enter_reported_figure(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_enter_reported_figure(
            request.user, obj.region if obj is not None else None)

    def get_readonly_fields(self, request, obj=None):
        # A figure is corrected in its value and source; one of another region, metric or year is added.
        return ("region", "metric", "year") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = services.reported_figure_set(actor=request.user, region=obj.region, metric=obj.metric,
                                             year=obj.year, value=obj.value, source=obj.source)
        obj.pk = saved.pk


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
