"""Commissioned services as Open Referral UK 3.0 objects (the compiled schemas in
`schemas/open-referral-uk/`).

What a published service shows: its name, public description, who runs it, who it is for
(eligibility, ages), how to get help (telephone, website, how to refer yourself), languages,
cost, the areas it serves, opening hours and its categories. A service that is not safe
accommodation may also show one place people can visit.

**Safe accommodation never has a location here.** `service_at_locations` of a refuge, dispersed,
move-on or other safe accommodation or a sanctuary scheme is always empty, whatever its row
holds; the model and the database refuse to hold such an address in the first place (see
`CommissionedService`). Only the areas it serves are published.

Fields the UK profile leaves out but HSDS 3.0 itself defines are added where the directory needs
them and they cannot be said otherwise: `eligibility_description`, `application_process` (how
to refer yourself), `phones`, and `name` and `code` on `languages`. The compliance rules allow
properties that do not conflict with the specification.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from ..models import CommissionedService, OpeningTime
from .taxonomy import Taxonomy, Term, service_terms, stable_id, taxonomy_of

ACTIVE = "active"


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty optional values: the schemas type most fields as strings, never null."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def organization(provider) -> dict[str, Any]:
    return {
        "id": stable_id("organization", provider.pk),
        "name": provider.name,
        "description": f"{provider.name} provides services commissioned through the "
        f"{settings.COUNCIL_NAME} {settings.SERVICE_NAME}.",
    }


def taxonomy_term(term: Term) -> dict[str, Any]:
    taxonomy = taxonomy_of(term)
    return {
        "id": term.id,
        "name": term.name,
        "description": term.description,
        "taxonomy": taxonomy.name,
        "taxonomy_id": taxonomy.id,
        "term": term.name,
    }


def taxonomy(item: Taxonomy, *, with_terms: bool = False) -> dict[str, Any]:
    data = {"id": item.id, "name": item.name, "description": item.description, "version": "1"}
    if with_terms:
        data["taxonomy_terms"] = [taxonomy_term(term) for term in item.terms]
    return data


def _fees(service: CommissionedService) -> str:
    return "Free" if service.is_free else service.cost_description


def _last_modified(service: CommissionedService) -> str | None:
    when = service.directory_modified_at
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z") if when else None


def _one_to_one(service: CommissionedService) -> dict[str, Any]:
    """The fields a list shows: a service's own values and its organisation."""
    return _compact(
        {
            "id": str(service.directory_id),
            "organization_id": stable_id("organization", service.provider_id),
            "name": service.name,
            "description": service.public_description,
            "url": service.website,
            "status": ACTIVE,
            "fees": _fees(service),
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "last_modified": _last_modified(service),
            "eligibility_description": service.eligibility,
            "application_process": service.self_referral,
            "organization": organization(service.provider),
        }
    )


def service_summary(service: CommissionedService) -> dict[str, Any]:
    """One item of `/services` (service_list.json)."""
    return _one_to_one(service)


def _schedule(service: CommissionedService, row: OpeningTime) -> dict[str, Any]:
    hours = f"{row.opens_at:%H:%M}-{row.closes_at:%H:%M}"
    return {
        "id": stable_id("schedule", service.directory_id, row.days, hours),
        "service_id": str(service.directory_id),
        "freq": "WEEKLY",
        "byday": row.days,
        "opens_at": f"{row.opens_at:%H:%M}",
        "closes_at": f"{row.closes_at:%H:%M}",
        "description": row.describe(),
    }


def _service_areas(service: CommissionedService) -> list[dict[str, Any]]:
    return [
        {
            "id": stable_id("service_area", service.directory_id, area.code),
            "service_id": str(service.directory_id),
            "name": area.name,
            "service_area": area.name,
        }
        for area in service.areas.all()
    ]


def _languages(service: CommissionedService) -> list[dict[str, Any]]:
    return [
        {
            "id": stable_id("language", service.directory_id, code),
            "service_id": str(service.directory_id),
            "name": name,
            "code": code,
        }
        for code, name in zip(service.languages, service.language_names(), strict=True)
    ]


def _phones(service: CommissionedService) -> list[dict[str, Any]]:
    if not service.phone:
        return []
    return [{"id": stable_id("phone", service.directory_id), "number": service.phone}]


def _cost_options(service: CommissionedService) -> list[dict[str, Any]]:
    option = {"id": stable_id("cost_option", service.directory_id), "option": _fees(service)}
    if service.is_free:
        option |= {"amount": 0, "amount_description": "No charge"}
    return [option]


def _attributes(service: CommissionedService) -> list[dict[str, Any]]:
    return [
        {
            "id": stable_id("attribute", service.directory_id, term.id),
            "link_id": str(service.directory_id),
            "link_type": "service",
            "taxonomy_term_id": term.id,
            "taxonomy_term": taxonomy_term(term),
        }
        for term in service_terms(service.service_type, service.client_group)
    ]


def _funding(service: CommissionedService) -> list[dict[str, Any]]:
    return [
        {
            "id": stable_id("funding", service.directory_id),
            "service_id": str(service.directory_id),
            "source": f"Commissioned through the {settings.COUNCIL_NAME} {settings.SERVICE_NAME}.",
        }
    ]


def location(service: CommissionedService, *, with_address: bool = True) -> dict[str, Any] | None:
    """The place people can visit, or None. Always None for safe accommodation."""
    if service.is_safe_accommodation or not service.has_public_location:
        return None
    location_id = stable_id("location", service.directory_id)
    data = {
        "id": location_id,
        "location_type": "physical",
        "name": service.location_name or service.name,
    }
    if with_address:
        data["addresses"] = [
            {
                "id": stable_id("address", service.directory_id),
                "location_id": location_id,
                "address_1": service.location_address,
                "city": service.location_town,
                "state_province": service.location_county,
                "postal_code": service.location_postcode.upper(),
                "country": "GB",
                "address_type": "physical",
            }
        ]
    return data


def service_at_location_id(service: CommissionedService) -> str:
    return stable_id("service_at_location", service.directory_id)


def _nested(service: CommissionedService) -> dict[str, Any]:
    """Everything about a service except where it is."""
    return _one_to_one(service) | _compact(
        {
            "schedules": [_schedule(service, row) for row in service.opening_times.all()],
            "service_areas": _service_areas(service),
            "languages": _languages(service),
            "phones": _phones(service),
            "funding": _funding(service),
            "cost_options": _cost_options(service),
            "attributes": _attributes(service),
        }
    )


def service_full(service: CommissionedService) -> dict[str, Any]:
    """`/services/{id}`: the fully nested service (service.json)."""
    data = _nested(service)
    place = location(service)
    data["service_at_locations"] = (
        [
            {
                "id": service_at_location_id(service),
                "service_id": str(service.directory_id),
                "location_id": place["id"],
                "location": place,
            }
        ]
        if place
        else []
    )
    return data


def service_at_location(service: CommissionedService, *, full: bool) -> dict[str, Any] | None:
    """`/service_at_locations` items (full=False) and `/{id}` (full=True); None without one."""
    place = location(service, with_address=full)
    if place is None:
        return None
    return {
        "id": service_at_location_id(service),
        "service_id": str(service.directory_id),
        "location_id": place["id"],
        "location": place,
        "service": _nested(service) if full else _one_to_one(service),
    }


def api_information(openapi_url: str) -> dict[str, str]:
    """`/`: which version and profile this API implements."""
    return {
        "version": "3.0",
        "profile": "https://github.com/openreferral/uk-profile",
        "openapi_url": openapi_url,
    }


def page(contents: list[dict[str, Any]], *, total: int, number: int, per_page: int) -> dict:
    """A page of a paginated list, in the OpenAPI description's `Page` shape."""
    total_pages = -(-total // per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def now_iso() -> str:
    return datetime.now(UTC).isoformat()
