"""The open endpoints: the Open Referral UK 3.0 API under /open-referral/, the OCDS packages
and the public page under /open-data/. Anyone may read them (see http.py).

Query parameters of `/services` and `/service_at_locations` that apply here: `search` (name,
description and eligibility), `page`, `per_page` (1 to 100, default 50), `taxonomy_term_id`,
`taxonomy_id`, `minimum_age`, `maximum_age`, `day` (MO to SU or the day's name), `start_time`
and `end_time` (HH:MM, matched against the same opening-hours row as `day`). `postcode` and
`proximity` need a postcode lookup this app does not have, and are ignored, like any parameter
the description does not define. A bad value is a 400 with a message saying what to send.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .. import metrics
from ..constants import Weekday
from . import oruk, selectors
from .http import ApiError, json_response, not_found, open_endpoint
from .ocds import release, release_package
from .taxonomy import TAXONOMIES, TAXONOMIES_BY_ID, TERMS_BY_ID

OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
DAY_NAMES = {choice.label.lower(): choice.value for choice in Weekday}


# Query parameters ----------------------------------------------------------------------------


def _whole_number(params, name: str, *, default: int, low: int, high: int | None = None) -> int:
    text = params.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < low or (high is not None and int(text) > high):
        top = f" to {high}" if high is not None else " or more"
        raise ApiError(400, f"{name} must be a whole number from {low}{top}.")
    return int(text)


def _age(params, name: str) -> Decimal | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        age = Decimal(text)
    except InvalidOperation:
        age = None
    if age is None or not age.is_finite() or not 0 <= age <= 150:
        raise ApiError(400, f"{name} must be an age in years, like 16.")
    return age


def _time(params, name: str) -> time | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ApiError(400, f"{name} must be a time of day, like 09:30.") from None


def _day(params) -> str:
    text = params.get("day", "").strip()
    if not text:
        return ""
    code = DAY_NAMES.get(text.lower(), text.upper())
    if code not in Weekday.values:
        raise ApiError(400, "day must be a day of the week, like MO or Monday.")
    return code


def _filters(params) -> selectors.ServiceFilters:
    return selectors.ServiceFilters(
        search=params.get("search", "").strip()[:200],
        taxonomy_term_id=params.get("taxonomy_term_id", "").strip(),
        taxonomy_id=params.get("taxonomy_id", "").strip(),
        minimum_age=_age(params, "minimum_age"),
        maximum_age=_age(params, "maximum_age"),
        day=_day(params),
        start_time=_time(params, "start_time"),
        end_time=_time(params, "end_time"),
    )


def _paginate(params, items, serialize) -> dict:
    number = _whole_number(params, "page", default=1, low=1)
    per_page = _whole_number(params, "per_page", default=DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE)
    total = len(items)
    start = (number - 1) * per_page
    contents = [serialize(item) for item in items[start : start + per_page]]
    return oruk.page(contents, total=total, number=number, per_page=per_page)


# Open Referral UK ----------------------------------------------------------------------------


@open_endpoint()
def api_root(request):
    return json_response(oruk.api_information(OPENAPI_URL))


@open_endpoint()
def services(request):
    found = list(selectors.filtered_services(_filters(request.GET)))
    return json_response(_paginate(request.GET, found, oruk.service_summary))


@open_endpoint()
def service(request, service_id: str):
    found = selectors.get_listed_service(service_id)
    if found is None:
        raise not_found("No service")
    return json_response(oruk.service_full(found))


@open_endpoint()
def service_at_locations(request):
    found = list(selectors.with_public_location(selectors.filtered_services(_filters(request.GET))))
    # The serializer gives None for safe accommodation whatever the query found.
    items = [item for s in found if (item := oruk.service_at_location(s, full=False)) is not None]
    return json_response(_paginate(request.GET, items, lambda item: item))


@open_endpoint()
def service_at_location(request, service_at_location_id: str):
    for candidate in selectors.with_public_location(selectors.listed_services()):
        if oruk.service_at_location_id(candidate) == service_at_location_id:
            item = oruk.service_at_location(candidate, full=True)
            if item is not None:
                return json_response(item)
    raise not_found("No service at a location")


@open_endpoint()
def taxonomies(request):
    return json_response(_paginate(request.GET, list(TAXONOMIES), oruk.taxonomy))


@open_endpoint()
def taxonomy(request, taxonomy_id: str):
    found = TAXONOMIES_BY_ID.get(taxonomy_id)
    if found is None:
        raise not_found("No taxonomy")
    return json_response(oruk.taxonomy(found, with_terms=True))


@open_endpoint()
def taxonomy_terms(request):
    terms = [term for taxonomy in TAXONOMIES for term in taxonomy.terms]
    return json_response(_paginate(request.GET, terms, oruk.taxonomy_term))


@open_endpoint()
def taxonomy_term(request, term_id: str):
    found = TERMS_BY_ID.get(term_id)
    if found is None:
        raise not_found("No taxonomy term")
    return json_response(oruk.taxonomy_term(found))


# Open Contracting ----------------------------------------------------------------------------


def contract_release(contract, today=None) -> dict:
    today = today or timezone.localdate()
    return release(
        contract,
        metrics.contract_funding(contract),
        metrics.contract_timeline(contract, today),
        changed_at=selectors.contract_changed_at(contract),
        today=today,
    )


def _package(request, contracts) -> dict:
    return release_package(
        [contract_release(contract) for contract in contracts],
        uri=request.build_absolute_uri(),
        policy_uri=request.build_absolute_uri(reverse("open_data:index")),
    )


@open_endpoint()
def contracts_package(request):
    published = list(selectors.published_contracts())
    if not published:
        raise ApiError(404, "No contracts are published yet.")
    return json_response(_package(request, published))


@open_endpoint()
def contract_package(request, ocid: str):
    found = selectors.get_published_contract(ocid)
    if found is None:
        raise not_found("No contract")
    return json_response(_package(request, [found]))


# The public page -----------------------------------------------------------------------------


@open_endpoint(is_json=False)
def index(request):
    contracts = list(selectors.published_contracts())
    return render(
        request,
        "commissioning/open_data_index.html",
        {
            "services": list(selectors.listed_services()),
            "contracts": [(c, selectors.ocid_for(c)) for c in contracts],
            "licence_name": settings.OPEN_DATA_LICENCE_NAME,
            "licence_url": settings.OPEN_DATA_LICENCE_URL,
            "taxonomies": TAXONOMIES,
        },
    )
