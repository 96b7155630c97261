"""The retention page and the legal-hold forms."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scrutiny.retention import services
from scrutiny.retention.models import LegalHold

INDEX = reverse("retention:index")
CREATE = reverse("retention:hold_create")


def hold_form(reference, kind="referral", review_on=None, reason="Complaint under review"):
    review_on = review_on or timezone.localdate() + timedelta(days=60)
    return {
        "kind": kind,
        "reference": reference,
        "reason": reason,
        "review_on_0": str(review_on.day),
        "review_on_1": str(review_on.month),
        "review_on_2": str(review_on.year),
    }


@pytest.fixture
def old_referral(closed_referral):
    return closed_referral(timezone.localdate() - timedelta(days=6 * 365 - 30))


def test_the_page_lists_referrals_due_in_the_next_90_days(login, performance_lead, old_referral):
    page = login(performance_lead).get(INDEX).content.decode()

    assert old_referral.reference in page
    assert "Referrals to anonymise" in page
    assert "The schedule has not run yet" in page


def test_a_referral_due_later_is_not_listed(login, performance_lead, closed_referral):
    later = closed_referral(timezone.localdate() - timedelta(days=5 * 365))

    page = login(performance_lead).get(INDEX).content.decode()

    assert later.reference not in page


def test_placing_a_hold_from_the_form(login, performance_lead, old_referral):
    client = login(performance_lead)

    response = client.post(CREATE, hold_form(old_referral.reference.lower()))

    assert response["Location"] == INDEX
    hold = LegalHold.objects.get()
    assert hold.referral == old_referral and hold.placed_by == performance_lead
    page = client.get(INDEX).content.decode()
    assert "Complaint under review" in page
    assert 'data-testid="due-referrals"' not in page  # held, so no longer due


def test_an_unknown_reference_is_an_error_on_its_field(login, performance_lead, db):
    response = login(performance_lead).post(CREATE, hold_form("R-1900-000001"))

    assert "There is no referral with the reference R-1900-000001" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_a_past_review_date_is_an_error_on_its_field(login, performance_lead, old_referral):
    response = login(performance_lead).post(
        CREATE, hold_form(old_referral.reference, review_on=date(2020, 1, 1))
    )

    assert "The review date must be on or after" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_a_review_date_of_today_is_refused_by_the_service(login, performance_lead, old_referral):
    response = login(performance_lead).post(
        CREATE, hold_form(old_referral.reference, review_on=timezone.localdate())
    )

    assert "The review date must be in the future" in response.content.decode()
    assert not LegalHold.objects.exists()


@pytest.mark.parametrize(
    "day, month, year", [("99999999999999999999", "1", "2030"), (" ", "1", "2030"), ("1", "1", "0")]
)
def test_a_nonsense_review_date_is_refused_without_a_server_error(
    login, performance_lead, old_referral, day, month, year
):
    data = hold_form(old_referral.reference) | {
        "review_on_0": day,
        "review_on_1": month,
        "review_on_2": year,
    }

    response = login(performance_lead).post(CREATE, data)

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_releasing_a_hold_needs_a_note(login, performance_lead, old_referral):
    hold = services.legal_hold_place(
        by=performance_lead,
        referral=old_referral,
        reason="Proceedings",
        review_on=timezone.localdate() + timedelta(days=10),
    )
    client = login(performance_lead)
    url = reverse("retention:hold_release", args=[hold.pk])
    assert "Proceedings" in client.get(url).content.decode()

    refused = client.post(url, {"note": ""})
    released = client.post(url, {"note": "Proceedings ended."})

    assert "Say why the hold is no longer needed" in refused.content.decode()
    assert released["Location"] == INDEX
    hold.refresh_from_db()
    assert not hold.is_active and hold.release_note == "Proceedings ended."
    assert client.get(url).status_code == 404


def test_an_officer_cannot_place_a_hold(login, officer, old_referral):
    response = login(officer).post(CREATE, hold_form(old_referral.reference))

    assert response.status_code == 403
    assert not LegalHold.objects.exists()
