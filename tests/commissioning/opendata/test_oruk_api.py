"""The Open Referral UK API: every answer valid against the UK profile's schemas, open to
anyone with CORS, throttled and cached, and never a refuge's address."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.urls import reverse

from commissioning import services
from commissioning.constants import SAFE_ACCOMMODATION_TYPES, ServiceType, Weekday
from commissioning.models import CommissionedService
from commissioning.opendata import oruk
from commissioning.opendata.taxonomy import CLIENT_GROUPS, SERVICE_TYPES
from partnership.demo import seed_demo
from tests.commissioning.opendata import schemas
from tests.commissioning.opendata.conftest import ADDRESS
from tests.factories import CommissionedServiceFactory

POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", re.IGNORECASE)
LIST_SCHEMAS = {
    "open_referral:services": "compiled/service_list.json",
    "open_referral:service_at_locations": "compiled/service_at_location_list.json",
    "open_referral:taxonomies": "taxonomy.json",
    "open_referral:taxonomy_terms": "taxonomy_term.json",
}
ITEM_SCHEMAS = {
    "open_referral:service": "compiled/service.json",
    # The OpenAPI description names service.json for this path too, which cannot be meant: a
    # service at a location is validated against its own compiled schema.
    "open_referral:service_at_location": "compiled/service_at_location.json",
    "open_referral:taxonomy": "taxonomy.json",
    "open_referral:taxonomy_term": "taxonomy_term.json",
}


def strings(value):
    """Every string anywhere in a JSON value."""
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def assert_valid_list(name, data):
    assert not schemas.errors(schemas.page(), data)
    for item in data["contents"]:
        assert not schemas.errors(schemas.oruk(LIST_SCHEMAS[name]), item), item


class Crawler:
    """Requests every endpoint as an anonymous visitor, checking each answer on the way."""

    def __init__(self, get_json):
        self.get_json = get_json
        self.answers = []

    def get(self, url):
        response, data = self.get_json(url)
        assert response.status_code == 200, (url, data)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Content-Type"] == "application/json"
        self.answers.append((url, data))
        return data

    def listing(self, name, **query):
        """Every page of a list, two items a page, each page validated; all the items."""
        items, number = [], 1
        while True:
            params = "&".join(
                f"{k}={v}" for k, v in {**query, "per_page": 2, "page": number}.items()
            )
            data = self.get(f"{reverse(name)}?{params}")
            assert_valid_list(name, data)
            items += data["contents"]
            if data["last_page"] or not data["contents"]:
                return items
            number += 1

    def item(self, name, **kwargs):
        data = self.get(reverse(name, kwargs=kwargs))
        assert not schemas.errors(schemas.oruk(ITEM_SCHEMAS[name]), data), data
        return data


@pytest.mark.django_db
def test_every_answer_for_the_demo_data_is_valid_and_holds_no_safe_accommodation_address(
    get_json,
):
    seed_demo(referrals=0, seed=7)
    crawl = Crawler(get_json)
    root = crawl.get(reverse("open_referral:root"))
    assert root["version"] == "3.0"

    listed = crawl.listing("open_referral:services")
    full = [crawl.item("open_referral:service", service_id=s["id"]) for s in listed]
    at_locations = crawl.listing("open_referral:service_at_locations")
    for item in at_locations:
        crawl.item("open_referral:service_at_location", service_at_location_id=item["id"])
    for taxonomy in crawl.listing("open_referral:taxonomies"):
        crawl.item("open_referral:taxonomy", taxonomy_id=taxonomy["id"])
    for term in crawl.listing("open_referral:taxonomy_terms"):
        crawl.item("open_referral:taxonomy_term", term_id=term["id"])
    for term in (SERVICE_TYPES.terms[4], CLIENT_GROUPS.terms[0]):
        crawl.listing("open_referral:services", taxonomy_term_id=term.id)
        crawl.listing("open_referral:service_at_locations", taxonomy_term_id=term.id)
    crawl.listing("open_referral:services", day="SU", start_time="00:00")

    published = CommissionedService.objects.filter(directory_published=True, is_active=True)
    assert {s["name"] for s in listed} == set(published.values_list("name", flat=True))
    safe = {
        str(s.directory_id) for s in published.filter(service_type__in=SAFE_ACCOMMODATION_TYPES)
    }
    assert safe, "the demo publishes a refuge, so this test has something to check"
    for service in full:
        if service["id"] in safe:
            assert service["service_at_locations"] == []
            assert not [text for text in strings(service) if POSTCODE.search(text)]
            assert service["service_areas"], "a refuge shows the areas it serves"
    assert not {item["service_id"] for item in at_locations} & safe
    # The only postcodes anywhere are those of places people are meant to visit.
    visitable = {s.location_postcode.upper() for s in published.exclude(location_postcode="")}
    found = {
        match.upper()
        for _url, data in crawl.answers
        for text in strings(data)
        for match in POSTCODE.findall(text)
    }
    assert found == visitable
    assert visitable, "the demo publishes one drop-in centre"


@pytest.mark.django_db
def test_a_safe_accommodation_row_holding_an_address_still_publishes_none(provider):
    """The serializer's own check, should an address ever get past the model and database."""
    service = CommissionedService(
        name="Refuge", provider=provider, service_type=ServiceType.REFUGE, **ADDRESS
    )
    assert oruk.location(service) is None
    assert oruk.service_at_location(service, full=True) is None
    service.service_type = ServiceType.IDVA_OUTREACH
    assert oruk.location(service)["addresses"][0]["postal_code"] == "TT1 1TT"


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "unpublished", "stopped"])
def test_services_not_in_the_directory_are_absent_and_their_ids_are_not_found(
    state, outreach, commissioner, get_json
):
    if state == "draft":
        service = CommissionedServiceFactory(name="Draft", provider=outreach.provider)
        services.service_listing_update(
            by=commissioner, service=service, public_description="Draft", **ADDRESS
        )
    elif state == "unpublished":
        service = services.service_listing_publish(by=commissioner, service=outreach, publish=False)
    else:
        service = services.service_update(by=commissioner, service=outreach, is_active=False)
    sal_id = oruk.service_at_location_id(service)
    for name, kwargs in (
        ("open_referral:service", {"service_id": service.directory_id}),
        ("open_referral:service_at_location", {"service_at_location_id": sal_id}),
    ):
        response, data = get_json(reverse(name, kwargs=kwargs))
        assert response.status_code == 404
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "not published" in data["error"]
    for name in ("open_referral:services", "open_referral:service_at_locations"):
        _, data = get_json(reverse(name))
        assert str(service.directory_id) not in {
            item.get("service_id", item["id"]) for item in data["contents"]
        }
        assert data["total_items"] == (0 if state != "draft" else 1)


@pytest.mark.django_db
def test_an_unknown_or_malformed_id_is_not_found(get_json):
    for name, kwargs in (
        ("open_referral:service", {"service_id": "not-a-uuid"}),
        ("open_referral:service", {"service_id": "00000000-0000-0000-0000-000000000000"}),
        ("open_referral:taxonomy", {"taxonomy_id": "nope"}),
        ("open_referral:taxonomy_term", {"term_id": "nope"}),
    ):
        response, _ = get_json(reverse(name, kwargs=kwargs))
        assert response.status_code == 404


@pytest.mark.django_db
def test_ids_are_stable_uuids(outreach, get_json):
    _, first = get_json(reverse("open_referral:service", args=[outreach.directory_id]))
    _, again = get_json(reverse("open_referral:service", args=[outreach.directory_id]) + "?x=1")
    assert first == again
    assert first["id"] == str(outreach.directory_id)
    assert first["service_at_locations"][0]["id"] == oruk.service_at_location_id(outreach)


@pytest.mark.django_db
def test_filters_find_the_services_that_match(outreach, refuge, commissioner, get_json):
    services.service_listing_update(
        by=commissioner,
        service=refuge,
        minimum_age=18,
        opening_times=[services.OpeningTimeInput(tuple(Weekday.values), time(0), time(23, 59))],
    )
    refuge_term = next(t for t in SERVICE_TYPES.terms if t.code == ServiceType.REFUGE)

    def names(**query):
        url = (
            reverse("open_referral:services") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
        )
        response, data = get_json(url)
        assert response.status_code == 200, data
        return {item["name"] for item in data["contents"]}

    assert names() == {"Outreach", "Test Refuge"}
    assert names(search="refuge") == {"Test Refuge"}
    assert names(taxonomy_term_id=refuge_term.id) == {"Test Refuge"}
    assert names(taxonomy_id=SERVICE_TYPES.id) == {"Outreach", "Test Refuge"}
    assert names(taxonomy_id="unknown") == set()
    assert names(day="SU") == {"Test Refuge"}
    assert names(day="monday", start_time="09:00", end_time="17:00") == {"Outreach"}
    assert names(minimum_age=18) == {"Test Refuge"}
    assert names(maximum_age=17) == set()
    _, located = get_json(reverse("open_referral:service_at_locations") + "?day=SU")
    assert located["contents"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["page=0", "page=x", "per_page=101", "day=XX", "start_time=25:00", "minimum_age=abc"],
)
def test_a_bad_query_is_a_400_that_says_what_to_send(query, get_json):
    response, data = get_json(reverse("open_referral:services") + "?" + query)
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    assert query.split("=")[0] in data["error"]


@pytest.mark.django_db
def test_pages_split_the_list(outreach, refuge, get_json):
    _, first = get_json(reverse("open_referral:services") + "?per_page=1")
    _, second = get_json(reverse("open_referral:services") + "?per_page=1&page=2")
    _, beyond = get_json(reverse("open_referral:services") + "?per_page=1&page=3")
    assert (first["total_items"], first["total_pages"], first["first_page"]) == (2, 2, True)
    assert second["last_page"] and not second["first_page"]
    assert first["contents"][0]["id"] != second["contents"][0]["id"]
    assert beyond["empty"] and beyond["contents"] == []


@pytest.mark.django_db
def test_the_api_is_read_only(client):
    response = client.post(reverse("open_referral:services"))
    assert response.status_code == 405
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_each_client_address_is_throttled_on_its_own(client, settings):
    settings.OPEN_DATA_RATE_LIMIT = 3
    url = reverse("open_referral:root")
    statuses = [client.get(url, REMOTE_ADDR="192.0.2.1").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(url, REMOTE_ADDR="192.0.2.1")
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get(url, REMOTE_ADDR="192.0.2.2").status_code == 200


@pytest.mark.django_db
def test_answers_are_cached_and_a_change_is_seen_at_once(
    outreach, commissioner, client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = reverse("open_referral:services")
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=300"
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        services.service_listing_publish(by=commissioner, service=outreach, publish=False)
    assert b"Outreach" not in client.get(url).content


@pytest.mark.django_db
def test_signed_in_users_get_the_same_data_but_never_cached_by_their_browser(
    outreach, commissioner, login
):
    response = login(commissioner).get(reverse("open_referral:services"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_published_refuge_shows_its_areas_and_how_to_get_help_but_no_place(refuge, get_json):
    _, data = get_json(reverse("open_referral:service", args=[refuge.directory_id]))
    assert not schemas.errors(schemas.oruk("compiled/service.json"), data)
    assert data["service_at_locations"] == []
    assert [area["name"] for area in data["service_areas"]] == ["Northvale"]
    assert data["phones"][0]["number"] == "0808 157 0000"
    assert data["application_process"] == "Call us."
    assert [t["taxonomy_term"]["name"] for t in data["attributes"]] == ["Refuge", "Victims"]


@pytest.mark.django_db
def test_the_schema_check_has_teeth(outreach, get_json):
    _, data = get_json(reverse("open_referral:service", args=[outreach.directory_id]))
    validator = schemas.oruk("compiled/service.json")
    assert not schemas.errors(validator, data)
    broken = {**data, "status": "open", "id": "42"}
    del broken["name"]
    assert len(schemas.errors(validator, broken)) == 3
