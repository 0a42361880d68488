from django.urls import path

from projects.views import contracts, exchange, organisations, records, regions

app_name = "projects"

urlpatterns = [
    path("contracts/", contracts.contract_list_view, name="contract-list"),
    path("contracts/export/", exchange.contract_export_view, name="contract-export"),
    path("contracts/import/", exchange.contract_import_view, name="contract-import"),
    path("organisations/export/", exchange.organisation_export_view, name="organisation-export"),
    path("organisations/import/", exchange.organisation_import_view, name="organisation-import"),
    path("contracts/new/", contracts.contract_create_view, name="contract-create"),
    path("contracts/expiring/", contracts.contract_expiring_view, name="contract-expiring"),
    path("contracts/<int:pk>/", contracts.contract_detail_view, name="contract-detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_update_view, name="contract-update"),
    path("contracts/<int:pk>/payments/new/", records.payment_create_view, name="payment-create"),
    path("contracts/<int:pk>/not-renewable/", contracts.contract_not_renewable_view, name="contract-not-renewable"),
    path("contracts/<int:pk>/filing/", records.filing_update_view, name="filing-update"),
    path("filings/", records.filing_list_view, name="filing-list"),
    path("organisations/", organisations.organisation_list_view, name="organisation-list"),
    path("organisations/new/", organisations.organisation_create_view, name="organisation-create"),
    path("organisations/<int:pk>/", organisations.organisation_detail_view, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_update_view, name="organisation-update"),
    path("organisations/<int:pk>/delete/", organisations.organisation_delete_view, name="organisation-delete"),
    path("counties/", regions.county_overview_view, name="county-overview"),
    path("counties/<str:code>/", regions.county_detail_view, name="county-detail"),
    path("counties/<str:code>/spending/", regions.spending_set_view, name="spending-set"),
]
