"""The officer's pages: permissions per role and object, happy paths, validation and audit."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnership.constants import AuditAction
from partnership.models import AuditEvent
from referrals import services, views
from referrals.constants import Status
from referrals.models import Referral
from tests.conftest import sign_in_client
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

LIST = reverse("referrals:referral_list")
CREATE = reverse("referrals:referral_create")
EXPORT = reverse("referrals:referral_export")


def form_data(service, district, /, **overrides) -> dict:
    received = timezone.localtime() - timedelta(hours=2)
    data = {
        "service": service.pk,
        "received_date_0": received.day,
        "received_date_1": received.month,
        "received_date_2": received.year,
        "received_time": received.strftime("%H:%M"),
        "source": "police",
        "referring_organisation": "",
        "subject": "victim_survivor",
        "area": district.pk,
        "risk_level": "high",
        "heard_at_marac": "yes",
        "children_in_household": "2",
        "full_name": "Sam Example",
        "date_of_birth_0": "14",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1987",
        "postcode": "ZZ99 9ZZ",
        "house": "Flat 7",
        "age_band": "25_34",
        "gender": "woman",
        "ethnic_group": "white_british",
        "disability": "no",
        "sexual_orientation": "not_known",
        "no_recourse_to_public_funds": "no",
    }
    data.update(overrides)
    return data


def detail_url(referral) -> str:
    return reverse("referrals:referral_detail", args=[referral.pk])


def action_url(referral, action: str) -> str:
    return reverse("referrals:referral_action", args=[referral.pk, action])


# Logging a referral -------------------------------------------------------------------------


def test_an_officer_logs_a_referral_and_is_taken_to_it(login, officer, service, district):
    response = login(officer).post(CREATE, form_data(service, district))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(referral)
    assert referral.logged_by == officer
    assert referral.risk_level == "high" and referral.heard_at_marac
    assert referral.area == district
    assert len(referral.person_key) == 64 and len(referral.address_key) == 64
    page = login(officer).get(response.url)
    assert f"Referral {referral.reference} saved." in page.content.decode()


def test_out_of_area_is_stored_as_no_district(login, officer, service, district):
    login(officer).post(CREATE, form_data(service, district, area="out"))
    assert Referral.objects.get().area is None


def test_a_repeat_is_shown_with_the_earlier_reference_when_the_officer_may_see_it(
    login, officer, service, district
):
    client = login(officer)
    client.post(CREATE, form_data(service, district))
    earlier = Referral.objects.get()
    response = client.post(
        CREATE, form_data(service, district, full_name="SAM  EXAMPLE"), follow=True
    )
    text = response.content.decode()
    assert "This person was referred before, within 12 months" in text
    assert earlier.reference in text


def test_a_repeat_at_another_agency_is_shown_without_its_reference(
    login, officer, other_agency_officer, other_service, service, district
):
    elsewhere = Client()
    sign_in_client(elsewhere, other_agency_officer)
    elsewhere.post(CREATE, form_data(other_service, district))
    earlier = Referral.objects.get()
    response = login(officer).post(CREATE, form_data(service, district), follow=True)
    text = response.content.decode()
    assert "the earlier referral is with another organisation" in text
    assert earlier.reference not in text


def test_a_received_date_in_the_future_is_refused_on_the_date_and_nothing_is_saved(
    login, officer, service, district
):
    later = timezone.localtime() + timedelta(days=2)
    data = form_data(
        service,
        district,
        received_date_0=later.day,
        received_date_1=later.month,
        received_date_2=later.year,
    )
    response = login(officer).post(CREATE, data)
    text = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["received_date"] == [
        "The date received cannot be in the future"
    ]
    assert "received_time" not in response.context["form"].errors
    assert "The date received cannot be in the future" in text
    assert "The time received" not in text
    assert not Referral.objects.exists()


def test_a_received_time_later_today_is_refused_on_the_time(
    login, officer, service, district, monkeypatch
):
    nine = timezone.make_aware(datetime(2025, 3, 27, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: nine)
    data = form_data(
        service,
        district,
        received_date_0="27",
        received_date_1="3",
        received_date_2="2025",
        received_time="10am",
    )
    response = login(officer).post(CREATE, data)
    assert response.context["form"].errors["received_time"] == [
        "The time received cannot be in the future"
    ]
    assert "received_date" not in response.context["form"].errors
    assert not Referral.objects.exists()


def test_typed_identifiers_survive_an_unrelated_error(login, officer, service, district):
    data = form_data(service, district, full_name="Zebedee Quillfeather", source="")
    response = login(officer).post(CREATE, data)
    text = response.content.decode()
    assert "Select the referral source" in text
    assert 'value="Zebedee Quillfeather"' in text
    assert 'value="ZZ99 9ZZ"' in text and 'value="Flat 7"' in text
    assert 'value="14"' in text and 'value="3"' in text and 'value="1987"' in text
    assert 'value="2"' in text  # and the other answers
    assert not Referral.objects.exists()


def test_the_identifiers_notice_is_an_inset_not_an_error(login, officer, service, district):
    response = login(officer).post(CREATE, form_data(service, district, source=""))
    page = response.content.decode()
    assert 'class="govuk-inset-text" data-testid="identifiers-notice"' in page
    assert [str(error) for error in response.context["form"].non_field_errors()] == []
    assert "not stored" not in page.split('class="govuk-error-summary')[1].split("</div>")[0]


def test_the_log_form_is_not_kept_by_the_browser_nor_offered_to_autocomplete(login, officer):
    response = login(officer).get(CREATE)
    assert "no-store" in response["Cache-Control"]
    form = response.context["form"]
    for name in ("full_name", "postcode", "house"):
        assert form.fields[name].widget.attrs["autocomplete"] == "off", name
    for box in form.fields["date_of_birth"].widget.widgets:
        assert box.attrs["autocomplete"] == "off"
    assert '<form method="post" novalidate autocomplete="off">' in response.content.decode()


def test_only_what_was_just_typed_is_shown_back_never_anything_stored(
    login, officer, service, district
):
    client = login(officer)
    client.post(CREATE, form_data(service, district))
    stored = Referral.objects.get()
    assert stored.person_key and stored.address_key
    # The same person again, with an error elsewhere: the form shows this POST's values only.
    retyped = form_data(service, district, full_name="Another Name", postcode="", house="", area="")
    text = client.post(CREATE, retyped).content.decode()
    assert 'value="Another Name"' in text
    assert "Sam Example" not in text and "ZZ99 9ZZ" not in text and "Flat 7" not in text
    for page in (text, client.get(CREATE).content.decode(), client.get(detail_url(stored))):
        page = page if isinstance(page, str) else page.content.decode()
        assert stored.person_key not in page and stored.address_key not in page
    # A fresh form is empty: nothing comes back from an earlier referral or session.
    fresh = client.get(CREATE).content.decode()
    assert "Sam Example" not in fresh and "Another Name" not in fresh


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Enter the person&#x27;s full name"),
        ("date_of_birth_2", "", "The date of birth must include a year"),
        ("date_of_birth_1", "13", "The month of the date of birth must be a number from 1 to 12"),
        ("postcode", "NOT A POSTCODE", "Enter a real postcode, like AA1 1AA"),
        ("house", "", "Enter the house number or name as well as the postcode"),
        ("children_in_household", "two", "Enter the number of children as a whole number"),
        ("received_time", "25:00", "The hour of the time received must be from 0 to 23"),
        ("service", "", "Select the service the person was referred to"),
        ("area", "", "Select the district where the person lives, or out of area"),
    ],
)
def test_each_field_says_how_to_fix_it(login, officer, service, district, field, value, message):
    response = login(officer).post(CREATE, form_data(service, district, **{field: value}))
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_a_date_of_birth_in_the_future_is_refused(login, officer, service, district):
    response = login(officer).post(CREATE, form_data(service, district, date_of_birth_2="2999"))
    assert "The date of birth cannot be in the future" in response.content.decode()


# Values that once gave a server error: each now gets a message on its field, and nothing is
# written (no referral, no audit row).
HOSTILE_POSTS = [
    ("received_date_2", "99999999999999999999", "The year of the date received must be 4 numbers"),
    ("received_date_0", "99999999999999999999", "The day of the date received must be a number"),
    ("received_date_2", "0001", "The date received must be on or after 1 January 2000"),
    ("received_date_2", "0000", "The date received must be on or after 1 January 2000"),
    ("received_date_2", "2999", "The date received cannot be in the future"),
    ("date_of_birth_2", " ", "The date of birth must include a year"),
    ("date_of_birth_0", "\x00", "The day of the date of birth must be a number"),
    ("date_of_birth_1", "١", "The month of the date of birth must be a number"),
    ("date_of_birth_2", "1066", "The date of birth must be on or after 1 January 1900"),
    ("received_time", "99999999999999999999", "Enter the time received like 14:30 or 2:30pm"),
    ("received_time", " ", "Enter the time received, like 14:30 or 2:30pm"),
    ("children_in_household", "99999999999999999999", "The number of children must be 30 or fewer"),
    ("children_in_household", "-1", "The number of children cannot be less than 0"),
]


@pytest.mark.parametrize(("field", "value", "message"), HOSTILE_POSTS)
def test_a_hostile_value_gets_a_message_on_its_field_and_writes_nothing(
    login, officer, service, district, field, value, message
):
    response = login(officer).post(CREATE, form_data(service, district, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.exclude(action=AuditAction.VIEW).exists()


def test_times_are_typed_as_a_person_would(login, officer, service, district):
    earlier = timezone.localtime() - timedelta(days=1)
    data = form_data(
        service,
        district,
        received_date_0=earlier.day,
        received_date_1=earlier.month,
        received_date_2=earlier.year,
        received_time="2:30pm",
    )
    assert login(officer).post(CREATE, data).status_code == 302
    assert timezone.localtime(Referral.objects.get().received_at).time() == time(14, 30)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("at_date_2", "99999999999999999999", "The year of the date of first contact must be"),
        ("at_date_1", " ", "The date of first contact must include a month"),
        ("at_date_2", "0001", "The date of first contact must be on or after 1 January 2000"),
        ("at_time", "25:00", "The hour of the time must be from 0 to 23"),
    ],
)
def test_a_hostile_step_changes_nothing(login, officer, service, field, value, message):
    referral = ReferralFactory(service=service, received_at=timezone.now() - timedelta(hours=3))
    data = _when(timezone.now()) | {field: value}
    response = login(officer).post(action_url(referral, "contact"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


@pytest.mark.parametrize("value", ["99999999999999999999", "0001", " ", "x"])
def test_a_hostile_filter_date_says_what_is_wrong(login, officer, service, value):
    ReferralFactory(service=service)
    query = {"received_from_0": "1", "received_from_1": "1", "received_from_2": value}
    response = login(officer).get(LIST, query)
    assert response.status_code == 200
    assert "received_from" in response.context["form"].errors


@pytest.mark.parametrize(
    "fixture", ["performance_lead", "commissioner", "committee_member", "clerk"]
)
def test_only_officers_may_log_a_referral(request, login, fixture, service, district):
    client = login(request.getfixturevalue(fixture))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(service, district)).status_code == 403
    assert not Referral.objects.exists()


# The referral page --------------------------------------------------------------------------


def test_viewing_a_referral_is_audited_with_the_ip_address(login, officer, service):
    referral = ReferralFactory(service=service)
    response = login(officer).get(detail_url(referral), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_id=str(referral.pk))
    assert (event.user, event.ip_address, event.roles) == (officer, "10.1.2.3", "officer")


def test_a_referral_from_another_agency_is_not_found(login, officer, other_service):
    referral = ReferralFactory(service=other_service)
    assert login(officer).get(detail_url(referral)).status_code == 404
    assert login(officer).get(action_url(referral, "contact")).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


@pytest.mark.parametrize("fixture", ["commissioner", "committee_member", "clerk"])
def test_commissioners_committee_members_and_clerks_are_refused_every_referral_page(
    request, login, fixture, service
):
    referral = ReferralFactory(service=service)
    client = login(request.getfixturevalue(fixture))
    for url in [LIST, EXPORT, detail_url(referral), action_url(referral, "contact")]:
        assert client.get(url).status_code == 403, url


def test_a_performance_lead_sees_any_referral_but_is_offered_no_steps(
    login, performance_lead, other_service
):
    referral = ReferralFactory(service=other_service)
    response = login(performance_lead).get(detail_url(referral))
    assert response.status_code == 200
    assert response.context["actions"] == []
    assert login(performance_lead).get(action_url(referral, "contact")).status_code == 403


def test_the_page_shows_the_history_and_the_next_steps(login, officer, service):
    referral = ReferralFactory(service=service, logged_by=officer)
    services.referral_record_contact(referral=referral, by=officer, contacted_at=timezone.now())
    response = login(officer).get(detail_url(referral))
    text = response.content.decode()
    assert "Received to contacted" in text
    assert [action for action, _url in response.context["actions"]] == [
        "oversight",
        "waiting-list",
        "start-support",
        "signpost",
        "decline",
        "close",
        "marac",
    ]


def test_an_overdue_first_contact_is_flagged_on_the_page(login, officer, service):
    referral = ReferralFactory(service=service, received_at=timezone.now() - timedelta(days=6))
    text = login(officer).get(detail_url(referral)).content.decode()
    assert "First contact overdue" in text
    assert "Oversight overdue" in text


# Next steps ---------------------------------------------------------------------------------


def _when(moment) -> dict:
    moment = timezone.localtime(moment)
    return {
        "at_date_0": moment.day,
        "at_date_1": moment.month,
        "at_date_2": moment.year,
        "at_time": moment.strftime("%H:%M"),
    }


def test_recording_contact_through_the_page(login, officer, service):
    referral = ReferralFactory(service=service, received_at=timezone.now() - timedelta(hours=3))
    client = login(officer)
    assert client.get(action_url(referral, "contact")).status_code == 200
    response = client.post(action_url(referral, "contact"), _when(timezone.now()))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CONTACTED
    assert referral.contacted_within_sla is True


def test_a_contact_time_before_receipt_is_refused_on_the_page(login, officer, service):
    referral = ReferralFactory(service=service, received_at=timezone.now() - timedelta(hours=3))
    response = login(officer).post(
        action_url(referral, "contact"), _when(referral.received_at - timedelta(days=1))
    )
    assert response.status_code == 200
    assert "cannot be before the referral was received" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


def test_closing_with_outcomes_through_the_page(login, officer, service):
    referral = ReferralFactory(service=service, received_at=timezone.now() - timedelta(hours=3))
    data = _when(timezone.now()) | {"reason": "support_completed", "outcomes": ["feels_safer"]}
    response = login(officer).post(action_url(referral, "close"), data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED
    assert list(referral.outcomes.values_list("outcome", flat=True)) == ["feels_safer"]


def test_a_step_that_is_not_possible_now_sends_the_officer_back_with_a_message(
    login, officer, service
):
    referral = ReferralFactory(
        service=service, status=Status.CLOSED, closed_at=timezone.now(), closure_reason="other"
    )
    client = login(officer)
    response = client.post(
        action_url(referral, "close"), _when(timezone.now()) | {"reason": "other"}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Close with outcomes is not possible now: the referral is closed." in page
    assert referral.history.count() == 0


def test_an_unknown_step_is_not_found(login, officer, service):
    referral = ReferralFactory(service=service)
    assert login(officer).get(action_url(referral, "teleport")).status_code == 404


def test_signposting_offers_other_services_and_organisations(
    login, officer, service, other_service
):
    referral = ReferralFactory(service=service, received_at=timezone.now() - timedelta(hours=3))
    client = login(officer)
    page = client.get(action_url(referral, "signpost")).content.decode()
    assert "Other agency&#x27;s service" in page
    data = _when(timezone.now()) | {"destination": f"service:{other_service.pk}"}
    assert client.post(action_url(referral, "signpost"), data).status_code == 302
    referral.refresh_from_db()
    assert referral.signposted_to_service == other_service


# The list and export ------------------------------------------------------------------------


def test_the_list_shows_only_the_officers_referrals_with_overdue_counts(
    login, officer, service, other_service
):
    mine = ReferralFactory(service=service, received_at=timezone.now() - timedelta(days=6))
    theirs = ReferralFactory(service=other_service)
    response = login(officer).get(LIST)
    text = response.content.decode()
    assert mine.reference in text and theirs.reference not in text
    assert response.context["overdue"].first_contact == 1
    assert response.context["overdue"].oversight == 1


def test_the_list_filters_by_status_risk_district_dates_and_overdue(
    login, officer, service, district
):
    now = timezone.now()
    old_high = ReferralFactory(
        service=service, risk_level="high", area=district, received_at=now - timedelta(days=40)
    )
    recent = ReferralFactory(service=service, received_at=now - timedelta(hours=1))
    contacted = ReferralFactory(
        service=service,
        status=Status.CONTACTED,
        first_contact_at=now - timedelta(minutes=30),
        received_at=now - timedelta(hours=2),
        area=None,
    )
    client = login(officer)

    def shown(**query):
        return set(client.get(LIST, query).context["page"].rows)

    assert shown(status="contacted") == {contacted}
    assert shown(risk_level="high") == {old_high}
    assert shown(area=district.pk) == {old_high}
    assert shown(area="out") == {contacted}
    assert shown(contact_overdue="on") == {old_high}
    assert shown(q=recent.reference.lower()) == {recent}
    day = timezone.localtime(now - timedelta(days=40))
    query = {"received_to_0": day.day, "received_to_1": day.month, "received_to_2": day.year}
    assert shown(**query) == {old_high}


def test_a_bad_filter_says_what_is_wrong(login, officer, service):
    ReferralFactory(service=service)
    query = {"received_from_0": "31", "received_from_1": "2", "received_from_2": "2025"}
    response = login(officer).get(LIST, query)
    assert response.status_code == 200
    assert "must be a real date" in response.content.decode()


def test_the_list_is_paginated_newest_first_with_next_and_previous_pages(login, officer, service):
    start = timezone.now() - timedelta(days=60)
    made = [
        ReferralFactory(service=service, received_at=start + timedelta(hours=n)) for n in range(51)
    ]
    client = login(officer)

    first = client.get(LIST)
    assert first.context["page"].rows == made[::-1][:50]
    assert first.context["count"] == 51
    links = first.context["page_links"]
    assert links["previous"] is None and links["first"] is None
    second = client.get(LIST + links["next"])
    assert second.context["page"].rows == [made[0]]
    assert second.context["page_links"]["next"] is None
    back = client.get(LIST + second.context["page_links"]["previous"])
    assert back.context["page"].rows == made[::-1][:50]
    assert client.get(LIST + links["last"]).context["page"].rows == made[::-1][1:]


def test_the_list_sorts_by_reference_or_date_received_either_way(login, officer, service):
    start = timezone.now() - timedelta(days=10)
    later = ReferralFactory(service=service, reference="R-2024-000001", received_at=start)
    earlier = ReferralFactory(
        service=service, reference="R-2024-000002", received_at=start - timedelta(days=1)
    )
    client = login(officer)

    def order(**query):
        return client.get(LIST, query).context["page"].rows

    assert order() == [later, earlier]
    assert order(sort="received", order="asc") == [earlier, later]
    assert order(sort="reference") == [earlier, later]
    assert order(sort="reference", order="asc") == [later, earlier]
    page = client.get(LIST, {"sort": "reference"}).content.decode()
    assert 'aria-sort="descending"><a class="govuk-link" href="?sort=reference&amp;order=asc"' in (
        page
    )


@pytest.mark.parametrize(
    "query",
    [
        {"after": "not-a-cursor"},
        {"before": "%%%"},
        {"after": "WyJub3QgYSBkYXRlIiwgMV0"},  # ["not a date", 1]
        {"page": "99"},
        {"sort": "person_key", "order": "sideways"},
    ],
)
def test_a_list_address_edited_by_hand_gives_the_first_page(login, officer, service, query):
    ReferralFactory(service=service)
    response = login(officer).get(LIST, query)
    assert response.status_code == 200
    assert len(response.context["page"].rows) == 1


def test_a_page_after_the_last_referral_says_so(login, officer, service):
    referral = ReferralFactory(service=service)
    client = login(officer)
    after = client.get(LIST).context["page"].key_of(referral)

    page = client.get(LIST, {"after": after}).content.decode()

    assert "There are no more referrals after this point" in page


def test_the_count_stops_at_its_limit(login, officer, service, monkeypatch):
    monkeypatch.setattr(views, "COUNT_LIMIT", 2)
    ReferralFactory.create_batch(3, service=service)
    page = login(officer).get(LIST).content.decode()
    assert "More than 2 referrals" in page


def test_an_export_is_a_csv_of_the_filtered_referrals_and_is_audited(login, officer, service):
    high = ReferralFactory(service=service, risk_level="high")
    ReferralFactory(service=service, risk_level="standard")
    response = login(officer).get(EXPORT, {"risk_level": "high"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert high.reference in body and body.count("R-1999-") == 1
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT).exclude(object_id="")
    assert list(exported.values_list("object_id", flat=True)) == [str(high.pk)]


def test_an_export_over_the_limit_is_refused_with_a_message(login, officer, service, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_ROW_LIMIT", 1)
    ReferralFactory.create_batch(2, service=service)
    response = login(officer).get(EXPORT, follow=True)
    assert "There are more than 1 referrals to export, which is the limit" in (
        response.content.decode()
    )
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_log_form_starts_at_today_and_now(login, officer):
    form = login(officer).get(CREATE).context["form"]
    now = timezone.localtime()
    assert form.initial["received_date"] == now.date()
    assert form.initial["ethnic_group"] == "not_known"


def test_admins_can_read_referrals_in_the_admin_but_not_change_them(login, admin_user, service):
    referral = ReferralFactory(service=service)
    client = login(admin_user)
    assert client.get(reverse("admin:referrals_referral_changelist")).status_code == 200
    page = client.get(reverse("admin:referrals_referral_change", args=[referral.pk]))
    assert page.status_code == 200
    assert referral.person_key not in page.content.decode()
    assert client.get(reverse("admin:referrals_referral_add")).status_code == 403
    assert (
        client.get(reverse("admin:referrals_referral_delete", args=[referral.pk])).status_code
        == 403
    )
