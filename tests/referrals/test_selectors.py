"""Who sees which referral rows."""

import pytest
from django.http import Http404

from referrals.selectors import get_referral_for_user, may_see_referral, referrals_for_user
from tests.factories import OrganisationFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(officer, other_agency_officer, service, other_service):
    return {
        "logged_by_us_for_them": ReferralFactory(service=other_service, logged_by=officer),
        "sent_to_our_service": ReferralFactory(service=service, logged_by=other_agency_officer),
        "theirs": ReferralFactory(service=other_service, logged_by=other_agency_officer),
        "imported_for_us": ReferralFactory(service=service, logged_by=None),
    }


def test_an_officer_sees_referrals_their_organisation_logged_or_provides_the_service_for(
    officer, referrals
):
    visible = set(referrals_for_user(officer))
    assert visible == {
        referrals["logged_by_us_for_them"],
        referrals["sent_to_our_service"],
        referrals["imported_for_us"],
    }


def test_another_agencys_referral_is_not_found_for_an_officer(officer, referrals):
    with pytest.raises(Http404):
        get_referral_for_user(officer, referrals["theirs"].pk)
    assert not may_see_referral(officer, referrals["theirs"].pk)


def test_a_missing_or_malformed_referral_is_not_found(officer):
    with pytest.raises(Http404):
        get_referral_for_user(officer, 999_999)
    with pytest.raises(Http404):
        get_referral_for_user(officer, "abc")


def test_performance_leads_and_admins_see_every_referral(performance_lead, admin_user, referrals):
    assert referrals_for_user(performance_lead).count() == 4
    assert referrals_for_user(admin_user).count() == 4


@pytest.mark.parametrize("fixture", ["commissioner", "committee_member", "clerk"])
def test_commissioners_committee_members_and_clerks_see_no_referral(request, fixture, referrals):
    user = request.getfixturevalue(fixture)
    assert not referrals_for_user(user).exists()


def test_an_officer_without_an_organisation_sees_nothing(referrals):
    loner = UserFactory(username="loner", organisation=None, roles=["officer"])
    assert not referrals_for_user(loner).exists()


def test_an_officer_of_an_unrelated_organisation_sees_nothing(referrals):
    stranger = UserFactory(
        username="stranger", organisation=OrganisationFactory(name="Unrelated"), roles=["officer"]
    )
    assert not referrals_for_user(stranger).exists()


def test_a_referral_meets_a_rule_only_when_its_own_row_does(service):
    from datetime import timedelta

    from django.utils import timezone

    from referrals.rules import first_contact_overdue
    from referrals.selectors import meets_rule

    now = timezone.now()
    late = ReferralFactory(service=service, received_at=now - timedelta(days=10))
    fresh = ReferralFactory(service=service, received_at=now)
    assert meets_rule(late, first_contact_overdue(now))
    assert not meets_rule(fresh, first_contact_overdue(now))


def test_a_referrals_history_is_its_own_steps_oldest_first(officer, service):
    from datetime import timedelta

    from django.utils import timezone

    from referrals import services
    from referrals.selectors import referral_history

    referral = ReferralFactory(service=service, received_at=timezone.now() - timedelta(hours=5))
    ReferralFactory(service=service)
    services.referral_record_contact(
        referral=referral, by=officer, contacted_at=timezone.now() - timedelta(hours=4)
    )
    services.referral_start_support(
        referral=referral, by=officer, started_at=timezone.now() - timedelta(hours=3)
    )
    steps = list(referral_history(referral))
    assert [step.referral_id for step in steps] == [referral.pk] * len(steps)
    assert [step.at for step in steps] == sorted(step.at for step in steps)
    assert len(steps) == 2


# The list's reference search ------------------------------------------------------------------


@pytest.fixture
def numbered(service):
    from referrals.models import ReferenceCounter

    ReferenceCounter.objects.create(year=2024, last_number=123)
    ReferenceCounter.objects.create(year=2025, last_number=1234)
    return {
        reference: ReferralFactory(service=service, reference=reference)
        for reference in ("R-2024-000123", "R-2025-000123", "R-2025-001234", "R-2025-012345")
    }


@pytest.mark.parametrize(
    "text, found",
    [
        ("R-2025-000123", {"R-2025-000123"}),
        ("r-2025-000123", {"R-2025-000123"}),
        (" R 2025 000123 ", {"R-2025-000123"}),
        ("2025-000123", {"R-2025-000123"}),
        ("R2025000123", {"R-2025-000123"}),
        ("2025-123", {"R-2025-000123"}),
        ("123", {"R-2024-000123", "R-2025-000123"}),
        ("000123", {"R-2024-000123", "R-2025-000123"}),
        ("1234", {"R-2025-001234"}),
        ("R-2025", {"R-2025-000123", "R-2025-001234", "R-2025-012345"}),
        ("R-2025-", {"R-2025-000123", "R-2025-001234", "R-2025-012345"}),
        ("R-202", {"R-2024-000123", "R-2025-000123", "R-2025-001234", "R-2025-012345"}),
        ("R-2024", {"R-2024-000123"}),
        ("R-2029", set()),
        ("abc", set()),
        ("R-2025-0001234567", set()),
        ("%", set()),
        ("_", set()),
    ],
)
def test_reference_search_finds_a_whole_reference_a_number_or_a_start(numbered, text, found):
    from referrals.models import Referral
    from referrals.selectors import reference_matches

    matches = Referral.objects.filter(reference_matches(text))
    assert set(matches.values_list("reference", flat=True)) == found


def test_the_list_filters_through_the_selector(officer, service, numbered):
    from referrals.selectors import filtered_referrals_for_user

    found = filtered_referrals_for_user(officer, filters={"q": "R-2025", "risk_level": "standard"})
    assert found.count() == 3
    assert not filtered_referrals_for_user(officer, filters={"status": "closed"}).exists()


def test_an_officers_rule_asks_for_ids_not_a_join(officer, service):
    query = str(referrals_for_user(officer).query)
    assert "JOIN" not in query
    assert (
        f'"service_id" IN ({service.pk})' in query and f'"logged_by_id" IN ({officer.pk})' in query
    )
