"""A service's directory listing: what the model, the database, the services, the form and the
pages allow. Above all, safe accommodation never holds a public address."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from commissioning import services
from commissioning.constants import PUBLIC_LOCATION_FIELDS, SAFE_ACCOMMODATION_TYPES, ServiceType
from commissioning.models import CommissionedService
from commissioning.opendata import oruk
from commissioning.opendata.forms import ServiceListingForm
from partnership.models import AuditEvent
from tests.commissioning.opendata.conftest import ADDRESS
from tests.factories import AreaFactory, CommissionedServiceFactory

SAFE_TYPES = sorted(SAFE_ACCOMMODATION_TYPES)


# The model and the database ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("service_type", SAFE_TYPES)
def test_safe_accommodation_cannot_hold_a_public_address(service_type, provider):
    service = CommissionedService(
        name="Safe", provider=provider, service_type=service_type, client_group="victims"
    )
    for name, value in ADDRESS.items():
        setattr(service, name, value)
        with pytest.raises(ValidationError) as raised:
            service.full_clean()
        assert name in raised.value.message_dict
        assert "never has a public address" in raised.value.message_dict[name][0]
        setattr(service, name, "")
    service.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("service_type", SAFE_TYPES)
def test_the_database_refuses_a_safe_accommodation_address(service_type, provider):
    service = CommissionedServiceFactory(provider=provider, service_type=service_type)
    for name in PUBLIC_LOCATION_FIELDS:
        with pytest.raises(IntegrityError), transaction.atomic():
            CommissionedService.objects.filter(pk=service.pk).update(**{name: "x"})


@pytest.mark.django_db
def test_the_database_refuses_turning_a_service_with_an_address_into_a_refuge(outreach):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionedService.objects.filter(pk=outreach.pk).update(service_type=ServiceType.REFUGE)


@pytest.mark.django_db
def test_changing_a_service_with_an_address_into_a_refuge_is_refused(outreach, commissioner):
    with pytest.raises(ValidationError, match="never has a public address"):
        services.service_update(by=commissioner, service=outreach, service_type=ServiceType.REFUGE)
    outreach.refresh_from_db()
    assert outreach.service_type == ServiceType.IDVA_OUTREACH


@pytest.mark.django_db
def test_a_postcode_in_a_refuges_public_text_is_refused(refuge, commissioner):
    for field in ("public_description", "eligibility", "self_referral"):
        with pytest.raises(ValidationError) as raised:
            services.service_listing_update(
                by=commissioner, service=refuge, **{field: "We are near NV1 2AB."}
            )
        assert "Take the postcode out" in raised.value.message_dict[field][0]
    refuge.refresh_from_db()
    assert "NV1" not in refuge.public_description


@pytest.mark.django_db
def test_other_services_may_mention_a_postcode_and_have_an_address(outreach, commissioner):
    services.service_listing_update(
        by=commissioner, service=outreach, public_description="Drop in at TT1 1TT."
    )


@pytest.mark.django_db
def test_an_address_must_be_whole_and_have_a_real_postcode(outreach, commissioner):
    with pytest.raises(ValidationError) as raised:
        services.service_listing_update(
            by=commissioner, service=outreach, location_town="", location_postcode="12345"
        )
    assert set(raised.value.message_dict) == {"location_town", "location_postcode"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "999"}, "phone"),
        ({"languages": ["xx"]}, "languages"),
        ({"languages": ["en", "en"]}, "languages"),
        ({"minimum_age": 18, "maximum_age": 16}, "maximum_age"),
        ({"is_free": False, "cost_description": ""}, "cost_description"),
        ({"public_description": ""}, "public_description"),
        ({"phone": "", "website": "", "self_referral": ""}, "phone"),
    ],
)
def test_a_published_listing_must_stay_complete_and_valid(changes, field, outreach, commissioner):
    with pytest.raises(ValidationError) as raised:
        services.service_listing_update(by=commissioner, service=outreach, **changes)
    assert field in raised.value.message_dict


@pytest.mark.django_db
def test_publishing_needs_areas_a_running_service_and_a_complete_listing(provider, commissioner):
    service = CommissionedServiceFactory(provider=provider)
    with pytest.raises(ValidationError, match="areas"):
        services.service_listing_publish(by=commissioner, service=service, publish=True)
    service.areas.add(AreaFactory(name="Northvale"))
    with pytest.raises(ValidationError) as raised:
        services.service_listing_publish(by=commissioner, service=service, publish=True)
    assert {"public_description", "phone"} <= set(raised.value.message_dict)
    services.service_update(by=commissioner, service=service, is_active=False)
    with pytest.raises(ValidationError, match="running"):
        services.service_listing_publish(by=commissioner, service=service, publish=True)
    service.refresh_from_db()
    assert not service.directory_published


@pytest.mark.django_db
def test_listing_changes_and_publishing_are_audited(outreach, commissioner):
    services.service_listing_update(by=commissioner, service=outreach, phone="0808 157 0001")
    services.service_listing_publish(by=commissioner, service=outreach, publish=False)
    events = AuditEvent.objects.filter(object_id=str(outreach.pk)).order_by("pk")
    changes = [event.detail["changes"] for event in events]
    assert {"Phone": ["0808 157 0000", "0808 157 0001"]} in changes
    assert {"Published in the open directory": ["Yes", "No"]} in changes


# The form and the pages ----------------------------------------------------------------------


LISTING_POST = {
    "public_description": "Help.",
    "phone": "0808 157 0000",
    "languages": ["en"],
    "is_free": "on",
    "hours-TOTAL_FORMS": "2",
    "hours-INITIAL_FORMS": "0",
    "hours-MIN_NUM_FORMS": "0",
    "hours-MAX_NUM_FORMS": "14",
    "hours-0-days": ["MO", "WE"],
    "hours-0-opens_at": "09:00",
    "hours-0-closes_at": "17:30",
}


@pytest.mark.django_db
def test_the_form_for_safe_accommodation_has_no_address_fields(refuge, outreach):
    assert not set(PUBLIC_LOCATION_FIELDS) & set(ServiceListingForm(service=refuge).fields)
    assert set(PUBLIC_LOCATION_FIELDS) <= set(ServiceListingForm(service=outreach).fields)


@pytest.mark.django_db
def test_the_form_refuses_an_address_sent_for_safe_accommodation(refuge):
    form = ServiceListingForm({"location_postcode": "NV1 2AB", "is_free": "on"}, service=refuge)
    assert not form.is_valid()
    assert "never has a public address" in form.non_field_errors()[0]


@pytest.mark.django_db
def test_an_address_posted_for_a_refuge_is_refused_and_nothing_changes(refuge, commissioner, login):
    before = refuge.public_description
    response = login(commissioner).post(
        reverse("commissioning:listing_edit", args=[refuge.pk]),
        {**LISTING_POST, **ADDRESS, "public_description": "Changed."},
    )
    assert response.status_code == 200
    assert "never has a public address" in response.content.decode()
    refuge.refresh_from_db()
    assert refuge.public_description == before
    assert not refuge.has_public_location


@pytest.mark.django_db
def test_a_commissioner_saves_a_listing_and_sees_its_preview(outreach, commissioner, login):
    client = login(commissioner)
    response = client.post(
        reverse("commissioning:listing_edit", args=[outreach.pk]),
        {**LISTING_POST, **ADDRESS, "website": "harbour.example.org.uk"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("commissioning:listing_preview", args=[outreach.pk])
    outreach.refresh_from_db()
    assert outreach.website == "https://harbour.example.org.uk"
    assert [row.describe() for row in outreach.opening_times.all()] == [
        "Monday and Wednesday, 09:00 to 17:30"
    ]
    preview = client.get(response["Location"])
    assert "Monday and Wednesday, 09:00 to 17:30" in preview.content.decode()
    form_again = client.get(reverse("commissioning:listing_edit", args=[outreach.pk])).content
    assert b'value="09:00"' in form_again and b'value="17:30"' in form_again


@pytest.mark.django_db
def test_bad_listing_input_gets_messages_and_changes_nothing(outreach, commissioner, login):
    response = login(commissioner).post(
        reverse("commissioning:listing_edit", args=[outreach.pk]),
        {**LISTING_POST, "phone": "12", "hours-0-closes_at": "08:00", "minimum_age": "old"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a UK telephone number" in page
    assert "The closing time must be after the opening time" in page
    assert "Enter the youngest age as a whole number" in page
    outreach.refresh_from_db()
    assert outreach.phone == "0808 157 0000"


@pytest.mark.django_db
def test_the_preview_shows_exactly_what_the_api_publishes(outreach, commissioner, login, client):
    public = client.get(reverse("open_referral:service", args=[outreach.directory_id])).content
    preview = login(commissioner).get(reverse("commissioning:listing_preview", args=[outreach.pk]))
    assert preview.context["public"] == json.loads(public)
    assert json.loads(preview.context["public_json"]) == json.loads(public)
    assert oruk.service_full(outreach) == json.loads(public)


@pytest.mark.django_db
def test_a_commissioner_publishes_from_the_preview(provider, commissioner, login):
    service = CommissionedServiceFactory(provider=provider)
    url = reverse("commissioning:listing_preview", args=[service.pk])
    client = login(commissioner)
    refused = client.post(url, {"publish": "yes"})
    assert refused.status_code == 200
    assert "Choose the areas the service covers" in refused.content.decode()
    service.areas.add(AreaFactory(name="Northvale"))
    services.service_listing_update(
        by=commissioner, service=service, public_description="Help.", phone="0808 157 0000"
    )
    assert client.post(url, {"publish": "yes"}).status_code == 302
    service.refresh_from_db()
    assert service.directory_published


@pytest.mark.django_db
def test_a_performance_lead_may_preview_but_not_publish(outreach, performance_lead, login):
    client = login(performance_lead)
    url = reverse("commissioning:listing_preview", args=[outreach.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"publish": "no"}).status_code == 403
    contract_url = reverse("commissioning:contract_open_data", args=[outreach.pk])
    assert client.post(contract_url, {"publish": "yes"}).status_code in (403, 404)
    outreach.refresh_from_db()
    assert outreach.directory_published


@pytest.mark.django_db
def test_a_commissioner_publishes_a_contract_from_its_open_data_page(
    contract, year_001, commissioner, login, client
):
    url = reverse("commissioning:contract_open_data", args=[contract.pk])
    page = login(commissioner).get(url)
    assert "Does not add up" in page.content.decode()
    assert login(commissioner).post(url, {"publish": "yes"}).status_code == 302
    contract.refresh_from_db()
    assert contract.open_data_published
