"""Expected GET status per role for this app's URLs. See test_matrix.py for the columns.

Commissioners (and admins) change things; performance leads read everything; committee members
and clerks read only the funding splits and grant allocations; officers see nothing here.

The open data (Open Referral UK under /open-referral/, OCDS and the public page under
/open-data/) answers everyone, signed in or not: those are the only URLs besides the sign-in
page that anonymous visitors reach (tests/partnership/test_anonymous_urls.py).
"""

from commissioning.models import Contract, ContractExtension, ContractYear, FundingStream
from commissioning.opendata import oruk
from commissioning.opendata.selectors import listed_services, ocid_for, with_public_location
from commissioning.opendata.taxonomy import SERVICE_TYPES

# anonymous, officer, performance lead, commissioner, committee member, clerk, admin
READ = (302, 403, 200, 200, 403, 403, 200)
EDIT = (302, 403, 403, 200, 403, 403, 200)
FUNDING = (302, 403, 200, 200, 200, 200, 200)
OPEN = (200, 200, 200, 200, 200, 200, 200)

EXPECTED: dict = {
    "commissioning:index": READ,
    "commissioning:funding": FUNDING,
    "commissioning:service_list": READ,
    "commissioning:service_create": EDIT,
    "commissioning:service_detail": READ,
    "commissioning:service_edit": EDIT,
    "commissioning:capacity_edit": EDIT,
    # Definitions a board signs off: kept by commissioners and performance leads.
    "commissioning:service_definitions": READ,
    "commissioning:contract_list": READ,
    "commissioning:contract_create": EDIT,
    "commissioning:contract_detail": READ,
    "commissioning:contract_edit": EDIT,
    "commissioning:extension_create": EDIT,
    "commissioning:extension_edit": EDIT,
    "commissioning:contract_year_create": EDIT,
    "commissioning:contract_year_edit": EDIT,
    "commissioning:grant_list": READ,
    "commissioning:grant_create": EDIT,
    "commissioning:grant_detail": READ,
    "commissioning:grant_edit": EDIT,
    "commissioning:grant_allocations_edit": EDIT,
    "commissioning:export_contracts": READ,
    "commissioning:export_contributions": FUNDING,
    "commissioning:export_allocations": FUNDING,
    "commissioning:listing_preview": READ,
    "commissioning:listing_edit": EDIT,
    "commissioning:contract_open_data": READ,
    "open_referral:root": OPEN,
    "open_referral:services": OPEN,
    "open_referral:service": OPEN,
    "open_referral:service_at_locations": OPEN,
    "open_referral:service_at_location": OPEN,
    "open_referral:taxonomies": OPEN,
    "open_referral:taxonomy": OPEN,
    "open_referral:taxonomy_terms": OPEN,
    "open_referral:taxonomy_term": OPEN,
    "open_data:index": OPEN,
    "open_data:contracts": OPEN,
    "open_data:contract": OPEN,
}


def _service(ctx):
    return {"pk": ctx.extra["services"][0].pk}


def _contract(ctx):
    return {"pk": Contract.objects.get(reference="ESX-DA-2018-01").pk}


def _extension(ctx):
    return {"pk": ContractExtension.objects.filter(contract__reference="ESX-DA-2018-01")[0].pk}


def _year(ctx):
    return {
        "pk": ContractYear.objects.get(contract__reference="ESX-DA-2018-01", financial_year=2020).pk
    }


def _grant(ctx):
    return {"pk": FundingStream.objects.order_by("pk")[0].pk}


def _listed_service(ctx):
    return {"service_id": str(listed_services()[0].directory_id)}


def _service_at_location(ctx):
    service = with_public_location(listed_services())[0]
    return {"service_at_location_id": oruk.service_at_location_id(service)}


def _published_contract(ctx):
    return {"ocid": ocid_for(Contract.objects.get(reference="ESX-DA-2018-01"))}


# URL name -> function(demo context) -> kwargs, for URLs that take arguments.
KWARGS: dict = {
    "commissioning:listing_preview": _service,
    "commissioning:listing_edit": _service,
    "commissioning:contract_open_data": _contract,
    "open_referral:service": _listed_service,
    "open_referral:service_at_location": _service_at_location,
    "open_referral:taxonomy": lambda ctx: {"taxonomy_id": SERVICE_TYPES.id},
    "open_referral:taxonomy_term": lambda ctx: {"term_id": SERVICE_TYPES.terms[0].id},
    "open_data:contract": _published_contract,
    "commissioning:service_detail": _service,
    "commissioning:service_edit": _service,
    "commissioning:capacity_edit": _service,
    "commissioning:service_definitions": _service,
    "commissioning:contract_detail": _contract,
    "commissioning:contract_edit": _contract,
    "commissioning:extension_create": _contract,
    "commissioning:contract_year_create": _contract,
    "commissioning:extension_edit": _extension,
    "commissioning:contract_year_edit": _year,
    "commissioning:grant_detail": _grant,
    "commissioning:grant_edit": _grant,
    "commissioning:grant_allocations_edit": _grant,
}
