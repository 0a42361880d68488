"""Excel import (with preview) and export of organisations and contracts. Exports use the
same scoped selectors and filters as the lists, with the import's column headers on the first
row, so an exported file can be edited and imported again (natural keys update, never duplicate)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View

from core.access import RuleRequiredMixin
from core.export_jobs import export_job
from core.importing import ImportView
from core.xlsx import XlsxBook
from projects import permissions
from projects.resources import ContractResource, OrganisationResource
from projects.selectors import contracts as selectors
from projects.views.contracts import ContractFilter
from projects.views.organisations import OrganisationFilter


def resource_workbook(resource, queryset, filename: str):
    book = XlsxBook()
    fields = resource.get_export_fields()
    book.add_table(title=filename, headers=[field.column_name for field in fields],
                   rows=([resource.export_field(field, instance, force_native_type=True) for field in fields]
                         for instance in queryset))
    return book.response(f"{filename}-{timezone.localdate().isoformat()}.xlsx")


class ContractExportView(RuleRequiredMixin, View):
    """Whole contracts (amounts, funding, every station, filing): not for a station head."""

    rule = permissions.can_view_whole_contract

    def get(self, request):
        contracts = selectors.contract_list(user=request.user, today=timezone.localdate())
        contracts = ContractFilter(request.GET, queryset=contracts, user=request.user).qs
        contracts = contracts.select_related("previous").prefetch_related("funding_lines", "stations__region")
        return resource_workbook(ContractResource(user=request.user), contracts, "购买服务合同")


class OrganisationExportView(LoginRequiredMixin, View):
    def get(self, request):
        organisations = OrganisationFilter(request.GET, queryset=selectors.organisation_list(user=request.user)).qs
        return resource_workbook(OrganisationResource(user=request.user), organisations.order_by("name"), "承接机构")


class OrganisationImportView(ImportView):
    resource_class = OrganisationResource
    title = gettext_lazy("导入承接机构")
    success_url = reverse_lazy("projects:organisation-list")
    permission = permissions.can_import_organisation


class ContractImportView(ImportView):
    resource_class = ContractResource
    title = gettext_lazy("导入购买服务合同")
    success_url = reverse_lazy("projects:contract-list")
    permission = permissions.can_import_contract


contract_export_view = export_job(gettext_lazy("购买服务合同"), page="projects:contract-list")(ContractExportView.as_view())
organisation_export_view = export_job(gettext_lazy("承接机构"), page="projects:organisation-list")(
    OrganisationExportView.as_view())
organisation_import_view = OrganisationImportView.as_view()
contract_import_view = ContractImportView.as_view()
