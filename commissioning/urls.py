from django.urls import path

from . import views
from .opendata import views as opendata_views

app_name = "commissioning"

urlpatterns = [
    path("", views.index, name="index"),
    path("funding/", views.funding, name="funding"),
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/capacity/", views.capacity_edit, name="capacity_edit"),
    path(
        "services/<int:pk>/definitions/",
        views.service_definitions,
        name="service_definitions",
    ),
    path("services/<int:pk>/directory/", opendata_views.listing_preview, name="listing_preview"),
    path("services/<int:pk>/directory/edit/", opendata_views.listing_edit, name="listing_edit"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path(
        "contracts/<int:pk>/open-data/",
        opendata_views.contract_open_data,
        name="contract_open_data",
    ),
    path("contracts/<int:pk>/extensions/new/", views.extension_create, name="extension_create"),
    path("extensions/<int:pk>/edit/", views.extension_edit, name="extension_edit"),
    path("contracts/<int:pk>/years/new/", views.contract_year_create, name="contract_year_create"),
    path("contract-years/<int:pk>/edit/", views.contract_year_edit, name="contract_year_edit"),
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/new/", views.grant_create, name="grant_create"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/edit/", views.grant_edit, name="grant_edit"),
    path(
        "grants/<int:pk>/allocations/",
        views.grant_allocations_edit,
        name="grant_allocations_edit",
    ),
    path("export/contracts.csv", views.export_contracts, name="export_contracts"),
    path("export/contributions.csv", views.export_contributions, name="export_contributions"),
    path("export/allocations.csv", views.export_allocations, name="export_allocations"),
]
