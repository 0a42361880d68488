from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Contract, Organisation, OrganisationMember, PaymentInstallment
from stations.admin_mixins import ScopedAdminMixin


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "region", "is_local", "rating", "rating_year", "has_party_organisation")
    list_filter = ("is_local", "rating", "has_party_organisation")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("region",)


@admin.register(OrganisationMember)
class OrganisationMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")

    def get_queryset(self, request):
        organisations = Organisation.objects.visible_to(request.user)
        return super().get_queryset(request).filter(organisation__in=organisations)


class PaymentInstallmentInline(admin.TabularInline):
    model = PaymentInstallment
    extra = 0
    fields = ("sequence", "trigger", "percentage", "amount", "triggered_on", "due_on")


@admin.register(Contract)
class ContractAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("number", "title", "purchaser", "contractor", "starts_on", "ends_on", "amount", "renewable")
    list_filter = ("renewable",)
    search_fields = ("number", "title", "contractor__name")
    autocomplete_fields = ("purchaser", "contractor", "stations", "previous")
    inlines = (PaymentInstallmentInline,)
