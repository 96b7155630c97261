"""The officer's forms for safe accommodation, Marac and the statutory decline reasons, and the
performance lead's page of the return's lists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commissioning.constants import ServiceType
from referrals.models import ReturnCategory
from tests.factories import CommissionedServiceFactory, ReferralFactory
from tests.referrals.test_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def refuge(agency):
    return CommissionedServiceFactory(
        name="Test refuge", provider=agency, service_type=ServiceType.REFUGE
    )


def step(referral, action: str) -> str:
    return reverse("referrals:referral_action", args=[referral.pk, action])


def when(moment) -> dict:
    moment = timezone.localtime(moment)
    return {
        "at_date_0": moment.day,
        "at_date_1": moment.month,
        "at_date_2": moment.year,
        "at_time": moment.strftime("%H:%M"),
    }


def day(prefix: str, value) -> dict:
    return {f"{prefix}_0": value.day, f"{prefix}_1": value.month, f"{prefix}_2": value.year}


def code(kind: str, value: str) -> ReturnCategory:
    return ReturnCategory.objects.get(kind=kind, code=value)


def contacted(service):
    received = timezone.now() - timedelta(days=3)
    return ReferralFactory(
        service=service,
        received_at=received,
        status="contacted",
        first_contact_at=received + timedelta(hours=2),
    )


def test_starting_support_in_a_refuge_records_the_accommodation_and_household(
    login, officer, refuge
):
    referral = contacted(refuge)
    client = login(officer)
    page = client.get(step(referral, "start-support")).content.decode()
    assert "Type of accommodation" in page and "Trans adults" in page
    base = when(timezone.now() - timedelta(hours=1)) | {"accommodation_type": "refuge"}
    empty = {"adults_women": "0", "adults_men": "0", "adults_trans": "0", "children_supported": "0"}
    refused = client.post(step(referral, "start-support"), base | empty)
    assert "at least one adult or child" in refused.content.decode()
    referral.refresh_from_db()
    assert referral.support_started_at is None
    disabled = code("characteristic", "disabled")
    people = empty | {"adults_women": "1", "children_supported": "2"}
    client.post(step(referral, "start-support"), base | people | {"characteristics": [disabled.pk]})
    referral.refresh_from_db()
    assert referral.status == "in_support" and referral.accommodation_type == "refuge"
    assert (referral.adults_women, referral.children_supported) == (1, 2)
    assert list(referral.specialist_characteristics.all()) == [disabled]
    assert referral.characteristics_recorded


def test_a_refuge_declines_a_household_it_cannot_support_for_lack_of_space(login, officer, refuge):
    referral = contacted(refuge)
    capacity = code("unable_to_support", "capacity")
    page = login(officer).get(step(referral, "decline")).content.decode()
    assert "Unable to support: no capacity" in page
    login(officer).post(
        step(referral, "decline"),
        when(timezone.now() - timedelta(hours=1)) | {"reason": f"unable:{capacity.pk}"},
    )
    referral.refresh_from_db()
    assert (referral.decline_reason, referral.unable_to_support_reason) == (
        "unable_to_support",
        capacity,
    )


def test_closing_support_in_a_refuge_asks_why_it_ended_and_where_they_moved_on_to(
    login, officer, refuge
):
    referral = contacted(refuge)
    referral.status = "in_support"
    referral.support_started_at = referral.first_contact_at + timedelta(hours=1)
    referral.save()
    client = login(officer)
    base = when(timezone.now() - timedelta(hours=1)) | {"reason": "support_completed"}
    missing = client.post(step(referral, "close"), base).content.decode()
    assert "Select why the support ended" in missing
    moved_on, other = code("support_ended", "moved_on"), code("move_on", "other")
    client.post(
        step(referral, "close"),
        base | {"support_end_reason": moved_on.pk, "move_on_destination": other.pk},
    )
    referral.refresh_from_db()
    assert referral.status == "closed"
    assert (referral.support_end_reason, referral.move_on_destination) == (moved_on, other)


def test_recording_the_marac_hearing_later(login, officer, service):
    referral = contacted(service)
    client = login(officer)
    today = timezone.localdate()
    wrong = client.post(
        step(referral, "marac"),
        day("marac_referred_on", today)
        | day("marac_heard_on", today - timedelta(days=5))
        | {"marac_referral_source": "police"},
    )
    assert "cannot be heard before it was referred" in wrong.content.decode()
    client.post(
        step(referral, "marac"),
        day("marac_referred_on", today - timedelta(days=14))
        | day("marac_heard_on", today)
        | {"marac_referral_source": "idva"},
    )
    referral.refresh_from_db()
    assert referral.heard_at_marac and referral.marac_heard_on == today
    assert referral.marac_referral_source == "idva"


def test_the_log_form_takes_all_the_marac_details_or_none(login, officer, service, district):
    client = login(officer)
    partly = client.post(
        reverse("referrals:referral_create"),
        form_data(service, district) | day("marac_heard_on", timezone.localdate()),
    )
    text = partly.content.decode()
    assert "Enter the date the case was referred to Marac" in text
    assert "Select who referred the case to Marac" in text


def test_a_performance_lead_chooses_the_values_in_use(login, performance_lead):
    client = login(performance_lead)
    url = reverse("referrals:return_lists")
    page = client.get(url).content.decode()
    assert "LGBT+ (not confirmed)" in page
    characteristics = ReturnCategory.objects.filter(kind="characteristic")
    lgbt = characteristics.get(code="lgbt")
    in_use = [str(c.pk) for c in characteristics.filter(is_active=True)] + [str(lgbt.pk)]
    client.post(url, {"characteristic-in_use": in_use, "save_characteristic": ""})
    lgbt.refresh_from_db()
    assert lgbt.is_active
    refused = client.post(url, {"save_characteristic": ""})
    assert "need at least one value in use" in refused.content.decode()
    assert characteristics.filter(is_active=True).count() == len(in_use)
    client.post(url, {"add-kind": "move_on", "add-label": "Armed forces housing", "add": ""})
    added = ReturnCategory.objects.get(kind="move_on", label="Armed forces housing")
    assert added.is_active and not added.confirmed


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("contacted", "start-support"),
        ("contacted", "decline"),
        ("contacted", "marac"),
        ("in_support", "accommodation"),
        ("in_support", "close"),
    ],
)
def test_each_step_page_has_one_form_and_one_csrf_token(login, officer, refuge, status, action):
    """crispy draws no <form> of its own inside the page's (a nested form and a second token
    are invalid HTML, which the browser tests' HTML checker also catches)."""
    referral = contacted(refuge)
    if status == "in_support":
        referral.status = "in_support"
        referral.support_started_at = timezone.now() - timedelta(hours=1)
        referral.accommodation_type = "refuge"
        referral.save()
    page = login(officer).get(step(referral, action)).content.decode()
    main = page.split('id="main-content"')[1]  # the header's sign-out form is the other
    assert main.count("<form") == 1
    assert main.count('name="csrfmiddlewaretoken"') == 1
