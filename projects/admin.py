"""The admin for provincial officials: scoped like the screens; writes go through the services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    ConcurrentEditAdminMixin,
    DependantsProtectedMixin,
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
    ServiceWritesAdminMixin,
)
from core.dates import PROVISIONAL_NOTE, is_provisional
from projects import permissions, services
from projects.models import (
    Contract,
    ContractEvaluation,
    FundingLine,
    MinimumWage,
    Organisation,
    OrganisationMember,
    Payment,
    PaymentInstallment,
    SocialAssistanceSpending,
)
from projects.services.organisations import ORGANISATION_FIELDS
from stations.models import Region, RegionLevel


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, ServiceWritesAdminMixin, ConcurrentEditAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "region", "is_local", "rating", "rating_year", "has_party_organisation")
    list_filter = ("is_local", "rating", "has_party_organisation")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("region",)
    exclude = ("added_in",)

    # Seeing an organisation (registered here, entered here, contracted here) is not changing it:
    # only where it is registered (projects.permissions).
    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.can_add_organisation(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or permissions.can_change_organisation(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or permissions.can_delete_organisation(request.user, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class CreditCodeCheckedForm(form_class):
            def clean(self):
                data = super().clean()
                if data.get("credit_code") and "credit_code" not in self.errors:
                    probe = Organisation(pk=self.instance.pk, credit_code=data["credit_code"].strip().upper())
                    try:
                        services.organisations.ensure_credit_code_free(request.user, probe)
                    except ValidationError as refusal:
                        self.add_error(None, refusal)
                return data

        return CreditCodeCheckedForm

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in ORGANISATION_FIELDS if field in form.cleaned_data}
        if change:
            services.organisation_update(actor=request.user, organisation=Organisation.objects.get(pk=obj.pk), **data)
        else:
            obj.pk = services.organisation_create(actor=request.user, **data).pk

    def delete_model(self, request, obj):
        services.organisation_delete(actor=request.user, organisation=obj)

    def delete_queryset(self, request, queryset):
        for organisation in queryset:
            try:
                services.organisation_delete(actor=request.user, organisation=organisation)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)


@admin.register(OrganisationMember)
class OrganisationMemberAdmin(ScopedAdminMixin, admin.ModelAdmin):
    unscoped_reason = "memberships have no visible_to: get_queryset keeps those of organisations the user may see"
    unscoped_choices = {"user": "offers the accounts the user admin shows, scoped there"}
    list_display = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = self.admin_site.get_model_admin(db_field.related_model).get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        organisations = Organisation.objects.visible_to(request.user)
        return super().get_queryset(request).filter(organisation__in=organisations)


class FundingLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FundingLine
    fields = ("source", "amount")
    readonly_fields = fields
    extra = 0


def _with_provisional_note(start, due_on) -> str:
    """A working-day deadline, marked where it counts through unpublished holiday arrangements."""
    if due_on is None:
        return "-"
    if is_provisional(start, due_on):
        return f"{due_on:%Y-%m-%d}（{PROVISIONAL_NOTE}）"
    return f"{due_on:%Y-%m-%d}"


class PaymentInstallmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PaymentInstallment
    extra = 0
    fields = ("sequence", "trigger", "percentage", "amount", "triggered_on", "due_display")
    readonly_fields = fields

    @admin.display(description=_("付款期限"))
    def due_display(self, installment):
        return _with_provisional_note(installment.triggered_on, installment.due_on)


class PurchaserCountyFilter(admin.SimpleListFilter):
    """Filter by county (or city) among the regions the official may see."""

    title = _("购买方")
    parameter_name = "purchaser_region"

    def lookups(self, request, model_admin):
        regions = Region.objects.visible_to(request.user).filter(
            level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).order_by("code")
        return [(region.code, region.name) for region in regions[:300]]

    def queryset(self, request, queryset):
        region = Region.objects.visible_to(request.user).filter(code=self.value()).first() if self.value() else None
        return queryset.filter(purchaser__code__startswith=region.prefix) if region else queryset


@admin.register(Contract)
class ContractAdmin(ScopedAdminMixin, ServiceWritesAdminMixin, ConcurrentEditAdminMixin, DependantsProtectedMixin,
                    SimpleHistoryAdmin):
    """Contracts are created on the contract screen (funding lines and schedule belong
    together); here the province reads them and corrects filing and renewal facts."""

    list_display = ("number", "title", "purchaser", "contractor", "starts_on", "ends_on", "amount", "filed_on",
                    "renewable")
    list_filter = (PurchaserCountyFilter, "renewable", "starts_on")
    search_fields = ("number", "title", "contractor__name", "purchaser__name")
    list_select_related = ("purchaser", "contractor")
    readonly_fields = ("purchaser", "contractor", "number", "stations", "amount", "award_notice_on", "signed_on",
                       "starts_on", "ends_on", "previous", "filing_due_display", "service_domains", "target_groups")
    fields = (*readonly_fields, "title", "personnel_cost", "operations_cost", "other_cost", "monthly_wage",
              "social_workers_per_station", "filed_on", "filing_reference", "renewable", "not_renewable_reason")
    inlines = (FundingLineInline, PaymentInstallmentInline)
    dependants = ("funding_lines",)

    @admin.display(description=_("备案截止日期"))
    def filing_due_display(self, contract):
        return _with_provisional_note(contract.signed_on, contract.filing_due_on)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in form.changed_data}
        services.contract_update(actor=request.user, contract=Contract.objects.get(pk=obj.pk), **data)


@admin.register(Payment)
class PaymentAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("installment", "paid_on", "amount", "reference", "recorded_by")
    search_fields = ("installment__contract__number", "reference")
    list_select_related = ("installment__contract", "recorded_by")
    date_hierarchy = "paid_on"


@admin.register(ContractEvaluation)
class ContractEvaluationAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("contract", "kind_label", "evaluated_on", "score", "grade", "passed")
    list_filter = ("passed",)
    search_fields = ("contract__number", "reference")


@admin.register(SocialAssistanceSpending)
class SocialAssistanceSpendingAdmin(ScopedAdminMixin, ServiceWritesAdminMixin, ConcurrentEditAdminMixin,
                                    SimpleHistoryAdmin):
    list_display = ("region", "year", "amount", "source")
    list_filter = ("year",)
    autocomplete_fields = ("region",)
    search_fields = ("region__name", "region__code")

    def save_model(self, request, obj, form, change):
        saved = services.spending_set(actor=request.user, region=obj.region, year=obj.year, amount=obj.amount,
                                      source=obj.source)
        obj.pk = saved.pk




@admin.register(MinimumWage)
class MinimumWageAdmin(ScopedAdminMixin, ServiceWritesAdminMixin, ConcurrentEditAdminMixin, SimpleHistoryAdmin):
    list_display = ("region", "year", "monthly_amount", "source")
    list_filter = ("year",)
    autocomplete_fields = ("region",)
    search_fields = ("region__name", "region__code")

    def save_model(self, request, obj, form, change):
        saved = services.minimum_wage_set(actor=request.user, region=obj.region, year=obj.year,
                                          monthly_amount=obj.monthly_amount, source=obj.source)
        obj.pk = saved.pk
