"""Fixtures for the open data tests: a published service, and a client that crawls the API."""

from __future__ import annotations

import json
from datetime import time

import pytest

from commissioning import services
from commissioning.constants import Language, ServiceType, Weekday
from tests.factories import AreaFactory, CommissionedServiceFactory, OrganisationFactory

ADDRESS = {
    "location_name": "Drop-in centre",
    "location_address": "1 Test Street",
    "location_town": "Testtown",
    "location_county": "Testshire",
    "location_postcode": "TT1 1TT",
}


def publish(service, by, **fields):
    """Fill in a complete listing for `service` and publish it."""
    if not service.areas.exists():
        service.areas.add(AreaFactory(name="Northvale"))
    listing = {
        "public_description": f"Help from {service.name}.",
        "phone": "0808 157 0000",
        "languages": [Language.ENGLISH],
        "opening_times": [
            services.OpeningTimeInput((Weekday.MONDAY, Weekday.TUESDAY), time(9), time(17))
        ],
    } | fields
    service = services.service_listing_update(by=by, service=service, **listing)
    return services.service_listing_publish(by=by, service=service, publish=True)


@pytest.fixture
def provider(db):
    return OrganisationFactory(name="Test Provider")


@pytest.fixture
def outreach(provider, commissioner):
    """A published outreach service with a drop-in centre people can visit."""
    service = CommissionedServiceFactory(
        name="Outreach", provider=provider, service_type=ServiceType.IDVA_OUTREACH
    )
    return publish(service, commissioner, **ADDRESS)


@pytest.fixture
def refuge(provider, commissioner):
    """A published refuge: the areas it serves, never an address."""
    service = CommissionedServiceFactory(
        name="Test Refuge", provider=provider, service_type=ServiceType.REFUGE
    )
    return publish(service, commissioner, self_referral="Call us.")


@pytest.fixture
def get_json(client):
    """GET a URL as an anonymous visitor; returns (response, parsed JSON)."""

    def get(url, **extra):
        response = client.get(url, **extra)
        return response, json.loads(response.content)

    return get
