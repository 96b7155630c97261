"""The open URLs: Open Referral UK paths follow the standard's OpenAPI description exactly (no
trailing slashes), under one stub, /open-referral/."""

from django.urls import path

from . import api

open_referral_patterns = (
    [
        path("", api.api_root, name="root"),
        path("services", api.services, name="services"),
        path("services/<str:service_id>", api.service, name="service"),
        path("service_at_locations", api.service_at_locations, name="service_at_locations"),
        path(
            "service_at_locations/<str:service_at_location_id>",
            api.service_at_location,
            name="service_at_location",
        ),
        path("taxonomies", api.taxonomies, name="taxonomies"),
        path("taxonomies/<str:taxonomy_id>", api.taxonomy, name="taxonomy"),
        path("taxonomy_terms", api.taxonomy_terms, name="taxonomy_terms"),
        path("taxonomy_terms/<str:term_id>", api.taxonomy_term, name="taxonomy_term"),
    ],
    "open_referral",
)

open_data_patterns = (
    [
        path("", api.index, name="index"),
        path("contracts.json", api.contracts_package, name="contracts"),
        path("contracts/<str:ocid>.json", api.contract_package, name="contract"),
    ],
    "open_data",
)
