"""Each row is held to the referral form's rules and the steps' rules, with reasons in plain
words naming the column; identifiers are hashed and never kept; case IDs are one row each."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import identity
from referrals.imports import checking
from referrals.imports import format as fmt
from referrals.imports.reading import open_return

from .conftest import HEADERS, csv_bytes, moment, xlsx_bytes

pytestmark = pytest.mark.django_db


def check(service, rows, headers=None, file_format="csv"):
    content = csv_bytes(rows, headers) if file_format == "csv" else xlsx_bytes(rows, headers)
    with open_return(io.BytesIO(content), file_format) as found:
        match = checking.match_headers(found.headers, fmt.columns_for(service))
        return list(checking.check_rows(service, match, found.rows))


def reasons(checked_row):
    return checked_row.problems


def test_a_valid_row_is_accepted_with_its_keys_hashed(service, row):
    (checked,) = check(service, [row()])

    assert checked.action == checking.CREATE and not checked.problems
    referral = checked.referral
    born = timezone.datetime(1987, 3, 14).date()
    assert referral.person_key == identity.person_key("Sam Example", born)
    assert referral.address_key == identity.address_key("ZZ991AB", "12")
    assert checked.case_key == identity.case_key(service.provider_id, "C-1")
    assert "sam" not in str(vars(referral)).lower()


def test_keys_given_as_codes_are_kept_as_they_are(service, row):
    person, address = "a" * 64, "B" * 64
    (checked,) = check(service, [row(person_key=person, address_key=address)])

    assert not checked.problems
    assert (checked.referral.person_key, checked.referral.address_key) == (person, "b" * 64)


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"risk_level": "Very high"}, "Risk level", "Enter one of: Standard, Medium or High"),
        ({"risk_level": ""}, "Risk level", "Select the risk level"),
        ({"district": "Atlantis"}, "District", "Enter one of"),
        ({"children_in_household": "31"}, "Children in household", "30 or fewer"),
        ({"children_in_household": "two"}, "Children in household", "as a whole number"),
        ({"received": "next Tuesday"}, "Received", "as a date and time, like 27/03/2025 14:30"),
        ({"received": "31/02/2025 10:00"}, "Received", "must be a real date"),
        ({"received": "27/03/2025"}, "Received", "Enter the time received"),
        ({"received": "27/03/2099 10:00"}, "Received", "cannot be in the future"),
        ({"received": "27/03/1999 10:00"}, "Received", "on or after 1 January 2000"),
        ({"person_key": ""}, "Person key", "Enter the person key"),
        ({"person_key": "see notes"}, "Person key", "64-character code"),
        ({"person_key": "sam example|1787-03-14"}, "Person key", "date of birth"),
        ({"address_key": "ZZ99 1AB|"}, "Address key", "house number or name as well"),
        ({"address_key": "NOT A POSTCODE|12"}, "Address key", "real postcode"),
        ({"case_id": ""}, "Case ID", "Enter the case ID"),
        ({"case_id": "x" * 101}, "Case ID", "100 characters or fewer"),
    ],
)
def test_the_referral_forms_rules_reject_a_row_naming_the_column(
    service, row, changes, column, reason
):
    (checked,) = check(service, [row(**changes)])

    assert checked.action == checking.REJECTED
    assert any(c == column and reason in message for c, message in checked.problems), (
        checked.problems
    )


def test_the_same_rules_come_from_the_form(service, row):
    """A value the referral form offers is allowed, and one it does not is refused: the format
    takes its choices from the form, so a new choice needs no change to the import."""
    from referrals.forms import ReferralForm

    for value, label in ReferralForm.base_fields["ethnic_group"].choices:
        (checked,) = check(service, [row(ethnic_group=label)])
        assert not checked.problems, (label, checked.problems)
        (checked,) = check(service, [row(ethnic_group=value)])
        assert not checked.problems, (value, checked.problems)


def test_values_match_whatever_their_capitals_and_punctuation(service, row):
    (checked,) = check(
        service,
        [row(subject="VICTIM SURVIVOR", referral_source="childrens services", heard_at_marac="y")],
    )

    assert not checked.problems
    assert checked.referral.subject == "victim_survivor"
    assert checked.referral.source == "childrens_services"
    assert checked.referral.heard_at_marac is True


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        (
            {"first_contact": "", "support_started": "+2d"},
            "Support started",
            "A referral that is received cannot be moved to in support",
        ),
        ({"first_contact": "-1h"}, "First contact", "cannot be before the referral was received"),
        (
            {"added_to_waiting_list": "+1h"},
            "Added to waiting list",
            "A referral that is received cannot be moved to on waiting list",
        ),
        ({"closed": "+2d"}, "Closure reason", "Select why the referral is closing"),
        (
            {"closure_reason": "Support completed"},
            "Closed",
            "Enter the date and time in Closed, or leave Closure reason empty",
        ),
        (
            {"closed": "+2d", "closure_reason": "Other", "outcomes": "Feels safer; Happier"},
            "Outcomes",
            "Enter one of the values listed for Outcomes",
        ),
        ({"first_contact": "+400d"}, "First contact", "cannot be in the future"),
        (
            {"managerial_oversight": "+9d", "closed": "+3d", "closure_reason": "Other"},
            "Managerial oversight",
            "already closed",
        ),
        (
            {"signposted": "+1d", "signposted_to": "Test IDVA service"},
            "Signposted to",
            "this referral is already with it",
        ),
        ({"declined": "+1d"}, "Decline reason", "Select why it was declined"),
    ],
)
def test_events_are_replayed_through_the_steps_rules(
    service, row, received, changes, column, reason
):
    def when(text):
        if not text or text[0] not in "+-":
            return text
        amount, unit = int(text[1:-1]), text[-1]
        delta = timedelta(days=amount) if unit == "d" else timedelta(hours=amount)
        return moment(received + (delta if text[0] == "+" else -delta))

    (checked,) = check(service, [row(**{key: when(value) for key, value in changes.items()})])

    assert checked.action == checking.REJECTED
    assert any(c == column and reason in message for c, message in checked.problems), (
        checked.problems
    )


def test_a_full_life_is_replayed_in_time_order_whatever_the_column_order(service, row, received):
    values = row(
        unable_to_contact=moment(received + timedelta(hours=1)),
        first_contact=moment(received + timedelta(hours=6)),
        added_to_waiting_list=moment(received + timedelta(days=1)),
        support_started=moment(received + timedelta(days=3)),
        closed=moment(received + timedelta(days=8)),
        closure_reason="support_completed",
        outcomes="Feels safer;HOUSING SECURED OR KEPT",
    )
    headers = list(reversed(HEADERS))

    (checked,) = check(service, [values], headers=headers)

    assert not checked.problems
    assert [(a, b) for a, b, _at in checked.moves] == [
        ("received", "unable_to_contact"),
        ("unable_to_contact", "contacted"),
        ("contacted", "waiting_list"),
        ("waiting_list", "in_support"),
        ("in_support", "closed"),
    ]
    referral = checked.referral
    assert referral.waiting_list_left_at == referral.support_started_at
    assert referral.waiting_time == timedelta(days=3)
    assert checked.outcomes == ["feels_safer", "housing_secured"]


def test_a_row_signposted_to_an_organisation(service, row, received, other_agency):
    (checked,) = check(
        service,
        [row(signposted=moment(received + timedelta(days=1)), signposted_to=other_agency.name)],
    )

    assert not checked.problems
    assert checked.referral.signposted_to_organisation == other_agency


def test_excel_dates_and_serial_numbers_are_read_as_moments(service, row, received):
    values = row()
    values["Received"] = timezone.localtime(received).replace(tzinfo=None)
    serial = (values["Received"] - timezone.datetime(1899, 12, 30)).total_seconds() / 86400
    values["Managerial oversight"] = f"{serial + 0.1:.6f}"  # a date cell saved as a number

    (checked,) = check(service, [[values.get(h, "") for h in HEADERS]], file_format="xlsx")

    assert not checked.problems, checked.problems
    assert checked.referral.received_at == received
    assert checked.referral.oversight_at == received + timedelta(hours=2, minutes=24)


def test_a_case_id_on_two_rows_is_rejected_the_second_time(service, row):
    first, second = check(service, [row(), row(risk_level="Medium")])

    assert first.action == checking.CREATE
    assert second.action == checking.REJECTED
    assert second.problems == [
        ("Case ID", "This case ID is also on row 2: a return has one row for each case")
    ]


def test_reasons_never_quote_a_cell(service, row):
    secret = "Jane Doe 12 Acacia Avenue"
    rows = [
        row(risk_level=secret, district=secret, person_key=secret, received=secret, outcomes=secret)
    ]

    (checked,) = check(service, rows)

    assert checked.problems
    assert all("jane" not in f"{column} {message}".lower() for column, message in checked.problems)


def test_a_renamed_column_is_named_as_the_file_heads_it(service, row):
    headers = ["RISK" if h == "Risk level" else h for h in HEADERS]
    values = row(risk_level="Severe")
    values["RISK"] = values.pop("Risk level")

    (checked,) = check(service, [values], headers=headers)

    assert checked.problems[0][0] == "RISK"
