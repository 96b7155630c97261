"""The register of domestic homicide and related death reviews: no identifying details, only
for those who may read it, and counts through disclosure control for everyone else."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partnership.constants import AuditAction
from partnership.disclosure import Disclosure
from partnership.models import AuditEvent
from scrutiny import services, services_plans
from scrutiny.constants import ReviewKind, ReviewStatus
from scrutiny.forms_plans import RecommendationForm, ReviewForm
from scrutiny.metrics import review_summary
from scrutiny.models import Action, Review
from scrutiny.validators import identifying_details_in
from tests.factories import AreaFactory, OrganisationFactory

from .conftest import TODAY

IDENTIFYING_WORDS = ("name", "birth", "dob", "address", "postcode", "victim", "family")


@pytest.fixture
def area(db):
    return AreaFactory(name="Northvale")


def review_fields(area, **overrides):
    return {
        "reference": "DHR-2024-01",
        "kind": ReviewKind.DOMESTIC_HOMICIDE,
        "area": area,
        "status": ReviewStatus.COMMISSIONED,
        "commissioned_on": date(2024, 2, 1),
        "submitted_on": None,
        "published_on": None,
        "closed_on": None,
    } | overrides


@pytest.fixture
def review(performance_lead, area):
    return services_plans.review_create(by=performance_lead, **review_fields(area))


# What looks identifying -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Lived at ZZ99 9ZZ", "a postcode"),
        ("lived at zz999zz", "a postcode"),
        ("Near SW1A 1AA", "a postcode"),
        ("DOB 12/03/1987", "a date of birth"),
        ("date of birth given in the report", "a date of birth"),
        ("born in the district", "a date of birth"),
        ("On 4 March 1979 she", "a date of birth"),
        ("12.3.1990", "a date of birth"),
        ("Train call handlers by 31/03/2026.", None),
        ("Review the 2013 guidance on multi-agency working.", None),
        ("Share learning in 2025/26 Q3.", None),
        ("", None),
    ],
)
def test_what_counts_as_identifying(text, found):
    assert identifying_details_in(text, today=TODAY) == found


# The register -----------------------------------------------------------------------------------


def test_the_register_has_no_field_for_a_name_a_birth_date_or_an_address():
    fields = [field.name for field in Review._meta.get_fields()] + list(ReviewForm.base_fields)
    for field in fields:
        assert not any(word in field.lower() for word in IDENTIFYING_WORDS), field


def test_a_reference_that_is_a_name_or_has_a_postcode_is_refused(performance_lead, area):
    for reference in ("Jane Smith", "DHR ZZ99 9ZZ", "Smith"):
        with pytest.raises(ValidationError):
            services_plans.review_create(
                by=performance_lead, **review_fields(area, reference=reference)
            )
    assert not Review.objects.exists()


def test_review_dates_follow_each_other_and_match_the_status(performance_lead, area):
    with pytest.raises(ValidationError) as error:
        services_plans.review_create(
            by=performance_lead,
            **review_fields(
                area,
                status=ReviewStatus.PUBLISHED,
                submitted_on=date(2024, 1, 1),
                published_on=None,
            ),
        )
    assert error.value.message_dict == {
        "submitted_on": ["This date must be on or after the date it was commissioned."],
        "published_on": ["Enter the date the review was published."],
    }


def test_only_performance_leads_commissioners_and_admins_keep_the_register(
    clerk, committee_member, commissioner, admin_user, area
):
    for outsider in (clerk, committee_member):
        with pytest.raises(PermissionDenied):
            services_plans.review_create(by=outsider, **review_fields(area))
    services_plans.review_create(by=commissioner, **review_fields(area))
    services_plans.review_create(by=admin_user, **review_fields(area, reference="DHR-2024-02"))


def test_the_forms_say_what_not_to_enter_and_refuse_it(login, performance_lead, review):
    client = login(performance_lead)
    page = client.get(reverse("scrutiny:review_create")).content.decode()
    assert "no names or identifying details of the people involved" in page
    police = OrganisationFactory(name="Eastshire Police")
    response = client.post(
        reverse("scrutiny:recommendation_create", args=[review.pk]),
        {
            "description": "Contact the family (DOB 01/02/1980) again.",
            "source_agency": police.pk,
            "owner": performance_lead.pk,
            "due_date_0": "1",
            "due_date_1": "3",
            "due_date_2": "2026",
            "priority": "high",
        },
    )
    assert "This looks like it contains a date of birth" in response.content.decode()
    assert not Action.objects.exists()


def test_a_recommendation_is_an_action_with_its_agency(login, performance_lead, review):
    police = OrganisationFactory(name="Eastshire Police")
    form = RecommendationForm()
    assert list(form.fields)[:2] == ["description", "source_agency"]
    login(performance_lead).post(
        reverse("scrutiny:recommendation_create", args=[review.pk]),
        {
            "description": "Train call handlers to ask about previous abuse.",
            "source_agency": police.pk,
            "owner": performance_lead.pk,
            "due_date_0": "1",
            "due_date_1": "3",
            "due_date_2": "2026",
            "priority": "high",
        },
    )
    action = Action.objects.get()
    assert (action.review, action.source_agency, action.source) == (
        review,
        police,
        "recommendation",
    )


def test_opening_a_review_is_audited(login, performance_lead, review):
    login(performance_lead).get(review.get_absolute_url())
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="scrutiny.Review")
    assert event.object_repr == "DHR-2024-01"


def test_a_review_saved_through_the_page_with_an_impossible_date_changes_nothing(
    login, performance_lead, review
):
    response = login(performance_lead).post(
        reverse("scrutiny:review_edit", args=[review.pk]),
        {
            "reference": review.reference,
            "kind": review.kind,
            "area": review.area_id,
            "status": ReviewStatus.WITH_HOME_OFFICE,
            "commissioned_on_0": "31",
            "commissioned_on_1": "2",
            "commissioned_on_2": "2024",
        },
    )
    assert response.status_code == 200
    assert "must be a real date" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMMISSIONED


# What committee members see ---------------------------------------------------------------------


def make_reviews(performance_lead, area, count, status):
    series = list(ReviewStatus).index(status)
    for number in range(count):
        services_plans.review_create(
            by=performance_lead,
            **review_fields(
                area,
                reference=f"DHR-{series}-{number + 1}",
                status=status,
                submitted_on=date(2024, 5, 1),
            ),
        )


def test_members_see_counts_by_status_through_disclosure_control(performance_lead, area):
    make_reviews(performance_lead, area, 3, ReviewStatus.IN_PROGRESS)
    make_reviews(performance_lead, area, 9, ReviewStatus.WITH_HOME_OFFICE)
    shown = review_summary(today=TODAY, disclosure=Disclosure(exact=False))
    assert shown.reviews.items[ReviewStatus.IN_PROGRESS].display == "*"
    # 9 is above the threshold, but shown beside a total of 12 it would give the 3 away:
    # secondary suppression hides it too.
    assert shown.reviews.items[ReviewStatus.WITH_HOME_OFFICE].display == "*"
    assert shown.reviews.total.display == "10"
    exact = review_summary(today=TODAY, disclosure=Disclosure(exact=True))
    assert exact.reviews.items[ReviewStatus.IN_PROGRESS].display == "3"
    assert exact.reviews.total.display == "12"


def test_the_summary_page_is_disclosed_for_members_and_exact_for_the_register_readers(
    login, committee_member, performance_lead, area
):
    make_reviews(performance_lead, area, 2, ReviewStatus.IN_PROGRESS)
    member_page = login(committee_member).get(reverse("scrutiny:review_summary"))
    rows = dict(member_page.context["review_rows"])
    assert rows["In progress"].display == "*"
    assert "DHR-" not in member_page.content.decode()
    lead_page = login(performance_lead).get(reverse("scrutiny:review_summary"))
    assert dict(lead_page.context["review_rows"])["In progress"].display == "2"


def test_recommendations_are_counted_by_rag_through_disclosure_control(performance_lead, review):
    police = OrganisationFactory(name="Eastshire Police")
    for days in (-5, 30):
        services.action_create(
            by=performance_lead,
            review=review,
            source_agency=police,
            description="A recommendation.",
            owner=performance_lead,
            due_date=TODAY + timedelta(days=days),
        )
    shown = review_summary(today=TODAY, disclosure=Disclosure(exact=False))
    assert {cell.display for cell in shown.recommendations.items.values()} <= {"*", "0"}
    exact = review_summary(today=TODAY, disclosure=Disclosure(exact=True))
    assert exact.recommendations.items["red"].display == "1"
