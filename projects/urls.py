from django.urls import include, path

from projects.views import checks, contracts, exchange, organisations, records, regions

app_name = "projects"

# Purchase-of-service contracts, their payments and their filing with the city
contract_urls = [
    path("", contracts.contract_list_view, name="contract-list"),
    path("export/", exchange.contract_export_view, name="contract-export"),
    path("import/", exchange.contract_import_view, name="contract-import"),
    path("new/", contracts.contract_create_view, name="contract-create"),
    path("expiring/", contracts.contract_expiring_view, name="contract-expiring"),
    path("<int:pk>/", contracts.contract_detail_view, name="contract-detail"),
    path("<int:pk>/edit/", contracts.contract_update_view, name="contract-update"),
    path("<int:pk>/payments/new/", records.payment_create_view, name="payment-create"),
    path("<int:pk>/not-renewable/", contracts.contract_not_renewable_view, name="contract-not-renewable"),
    path("<int:pk>/filing/", records.filing_update_view, name="filing-update"),
]

organisation_urls = [
    path("", organisations.organisation_list_view, name="organisation-list"),
    path("export/", exchange.organisation_export_view, name="organisation-export"),
    path("import/", exchange.organisation_import_view, name="organisation-import"),
    path("new/", organisations.organisation_create_view, name="organisation-create"),
    path("add-known/", organisations.organisation_add_known_view, name="organisation-add-known"),
    path("<int:pk>/", organisations.organisation_detail_view, name="organisation-detail"),
    path("<int:pk>/edit/", organisations.organisation_update_view, name="organisation-update"),
    path("<int:pk>/delete/", organisations.organisation_delete_view, name="organisation-delete"),
]

urlpatterns = [
    path("contracts/", include(contract_urls)),
    path("filings/", records.filing_list_view, name="filing-list"),
    path("organisations/", include(organisation_urls)),
    # Purchases county by county
    path("counties/", regions.county_overview_view, name="county-overview"),
    path("counties/assistance-share/", regions.assistance_share_check_view, name="assistance-share-check"),
    path("counties/contract-check/", checks.contract_check_view, name="contract-check"),
    path("counties/<str:code>/", regions.county_detail_view, name="county-detail"),
    path("counties/<str:code>/spending/", regions.spending_set_view, name="spending-set"),
    path("counties/<str:code>/minimum-wage/", regions.minimum_wage_set_view, name="minimum-wage-set"),
]
