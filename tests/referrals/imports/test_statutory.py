"""The statutory fields in a return: the Marac case, a safe accommodation service's
accommodation, household, characteristics and reasons, the "unable to support" reasons, and the
service's definitions (repeats in the same role). Each column comes from the form field that
asks it, is checked by the form and the step, and is written as typing it would write it."""

from datetime import timedelta

import pytest

from commissioning.constants import ServiceType
from referrals.constants import AccommodationType, DeclineReason, ReturnList
from referrals.imports import checking, downloads
from referrals.imports import format as fmt
from referrals.models import Referral, ReturnCategory
from tests.factories import CommissionedServiceFactory

from .conftest import csv_bytes, moment

pytestmark = pytest.mark.django_db

ACCOMMODATION_COLUMNS = [
    "Accommodation type",
    "Women supported",
    "Men supported",
    "Trans adults supported",
    "Children supported",
    "Specialist characteristics",
    "Support ended because",
    "Moved on to",
]


@pytest.fixture
def refuge(agency):
    return CommissionedServiceFactory(
        name="Test refuge", provider=agency, service_type=ServiceType.REFUGE
    )


def category(kind: str, code: str) -> ReturnCategory:
    return ReturnCategory.objects.get(kind=kind, code=code)


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def check(service, rows: list[dict]) -> list[checking.CheckedRow]:
    headers = [column.header for column in fmt.columns_for(service)]
    match = checking.match_headers(headers, fmt.columns_for(service))
    cells = [[values.get(header, "") for header in headers] for values in rows]
    return list(checking.check_rows(service, match, enumerate(cells, start=2)))


def problems(checked: checking.CheckedRow) -> list[tuple[str, str]]:
    return [(column, message) for column, message in checked.problems]


@pytest.fixture
def in_refuge(row, received):
    """`in_refuge(**changes)`: a row whose support in the refuge started with its details."""

    def make(**changes):
        values = {
            "support_started": moment(received + timedelta(days=1)),
            "accommodation_type": "Refuge",
            "women_supported": "1",
            "men_supported": "0",
            "trans_adults_supported": "0",
            "children_supported": "2",
            "specialist_characteristics": "Disabled; mental health needs",
        }
        return row(**(values | changes))

    return make


def test_only_a_safe_accommodation_services_return_has_its_columns(service, refuge):
    ordinary = [column.header for column in fmt.columns_for(service)]
    safe = [column.header for column in fmt.columns_for(refuge)]

    assert not set(ACCOMMODATION_COLUMNS) & set(ordinary)
    assert set(ACCOMMODATION_COLUMNS) <= set(safe)
    for marac in ("Referred to Marac", "Marac referral source", "Heard at Marac on"):
        assert marac in ordinary and marac in safe
    # A safe accommodation column in another service's file is not read.
    match = checking.match_headers([*ordinary, "Accommodation type"], fmt.columns_for(service))
    assert match.ignored == ["Accommodation type"]


def test_the_data_dictionary_lists_the_forms_values_and_the_boards_lists_by_name(refuge):
    entries = {entry.header: entry for entry in downloads.data_dictionary(refuge)}

    assert "Refuge (refuge)" in entries["Accommodation type"].values
    assert entries["Accommodation type"].note.startswith("Safe accommodation services only.")
    in_use = ReturnCategory.objects.filter(kind=ReturnList.CHARACTERISTIC, is_active=True)
    assert entries["Specialist characteristics"].values == [c.label for c in in_use]
    assert "Police (police)" in entries["Marac referral source"].values
    assert entries["Referred to Marac"].meaning == "Date referred to Marac"
    assert "Support no longer needed" in entries["Support ended because"].values
    assert "Not known" in entries["Moved on to"].values
    unable = [v for v in entries["Decline reason"].values if v.startswith("Unable to support")]
    assert unable and not any("unable:" in value for value in unable)


def test_the_marac_case_comes_through_to_the_referral(
    performance_lead, service, row, received, upload, confirm
):
    referred_on, heard_on = received.date() - timedelta(days=20), received.date() - timedelta(5)
    content = csv_bytes(
        [
            row(
                heard_at_marac="Yes",
                referred_to_marac=day(referred_on),
                marac_referral_source="Idva",
                heard_at_marac_on=heard_on.isoformat(),
            )
        ]
    )

    run = confirm(upload(performance_lead, service, content), performance_lead)

    assert run.created == 1, list(run.problems.values_list("column", "message"))
    referral = Referral.objects.get()
    assert (referral.marac_referred_on, referral.marac_referral_source) == (referred_on, "idva")
    assert referral.marac_heard_on == heard_on and referral.heard_at_marac


@pytest.mark.parametrize(
    "changes, column, reason",
    [
        (
            {"heard_at_marac_on": "-30"},
            "Heard at Marac on",
            "cannot be heard before it was referred",
        ),
        (
            {"marac_referral_source": ""},
            "Marac referral source",
            "Select who referred the case to Marac",
        ),
        (
            {"heard_at_marac": "No"},
            "Heard at MARAC",
            "Select yes if the case has been heard at MARAC",
        ),
        ({"subject": "Perpetrator"}, "Referred to Marac", "Marac figures count victims' cases"),
        ({"referred_to_marac": "20/03/2025 14:30"}, "Referred to Marac", "as a date"),
    ],
)
def test_the_marac_rules_of_the_form_and_the_steps_hold(
    service, row, received, changes, column, reason
):
    values = {
        "heard_at_marac": "Yes",
        "referred_to_marac": day(received - timedelta(days=20)),
        "marac_referral_source": "Police",
        "heard_at_marac_on": day(received - timedelta(days=5)),
    } | changes
    if values["heard_at_marac_on"] == "-30":
        values["heard_at_marac_on"] = day(received - timedelta(days=30))

    (checked,) = check(service, [row(**values)])

    assert checked.action == checking.REJECTED
    assert any(c == column and reason in m for c, m in problems(checked)), checked.problems


def test_safe_accommodation_details_and_reasons_are_written_and_corrected(
    performance_lead, refuge, in_refuge, received, upload, confirm
):
    ended = category(ReturnList.SUPPORT_ENDED, "no_longer_needed")
    moved = category(ReturnList.MOVE_ON, "not_known")
    closed = {
        "closed": moment(received + timedelta(days=5)),
        "closure_reason": "Support completed",
        "support_ended_because": ended.label,
        "moved_on_to": "not known",
    }

    def imported(values):
        return confirm(upload(performance_lead, refuge, csv_bytes([values])), performance_lead)

    run = imported(in_refuge(**closed))

    assert run.created == 1, list(run.problems.values_list("column", "message"))
    referral = Referral.objects.get()
    assert referral.accommodation_type == AccommodationType.REFUGE
    assert (referral.adults_women, referral.adults_men, referral.children_supported) == (1, 0, 2)
    assert referral.characteristics_recorded
    assert {c.code for c in referral.specialist_characteristics.all()} == {
        "disabled",
        "mental_health",
    }
    assert (referral.support_end_reason, referral.move_on_destination) == (ended, moved)

    again = imported(in_refuge(**closed))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)

    corrected = in_refuge(specialist_characteristics="Disabled", **closed)
    fixed = imported(corrected)
    assert (fixed.created, fixed.updated) == (0, 1)
    assert [c.code for c in Referral.objects.get().specialist_characteristics.all()] == ["disabled"]


def test_support_started_without_its_details_leaves_them_not_recorded(
    performance_lead, refuge, row, received, upload, confirm
):
    content = csv_bytes([row(support_started=moment(received + timedelta(days=1)))])

    run = confirm(upload(performance_lead, refuge, content), performance_lead)

    assert run.created == 1, list(run.problems.values_list("column", "message"))
    referral = Referral.objects.get()
    assert referral.accommodation_type == "" and referral.adults_women is None
    assert not referral.characteristics_recorded


@pytest.mark.parametrize(
    "changes, column, reason",
    [
        ({"women_supported": ""}, "Women supported", "Enter"),
        ({"women_supported": "0", "children_supported": "0"}, "Women supported", "at least one"),
        ({"accommodation_type": "Bed and breakfast"}, "Accommodation type", "Enter one of"),
        ({"specialist_characteristics": "Left-handed"}, "Specialist characteristics", "Enter"),
        ({"support_started": ""}, "Support started", "or leave Accommodation type"),
        (
            {"support_started": "", "support_ended_because": "Another reason", "closed": "+5"},
            "Closed",
            "only for support in safe accommodation that has started",
        ),
    ],
)
def test_the_safe_accommodation_rules_of_the_forms_and_steps_hold(
    refuge, in_refuge, received, changes, column, reason
):
    if changes.get("closed") == "+5":
        changes |= {
            "closed": moment(received + timedelta(days=5)),
            "closure_reason": "Support completed",
            "accommodation_type": "",
            "women_supported": "",
            "men_supported": "",
            "trans_adults_supported": "",
            "children_supported": "",
            "specialist_characteristics": "",
        }

    (checked,) = check(refuge, [in_refuge(**changes)])

    assert checked.action == checking.REJECTED
    assert any(c == column and reason in m for c, m in problems(checked)), checked.problems


def test_declined_as_unable_to_support_takes_the_returns_reason(
    performance_lead, refuge, row, received, upload, confirm
):
    no_capacity = ReturnCategory.objects.filter(
        kind=ReturnList.UNABLE_TO_SUPPORT, is_active=True
    ).first()
    label = f"Unable to support: {no_capacity.label[0].lower()}{no_capacity.label[1:]}"
    declined = {"declined": moment(received + timedelta(days=1))}

    (vague,) = check(refuge, [row(decline_reason="Unable to support", **declined)])
    assert vague.action == checking.REJECTED
    assert vague.problems[0][0] == "Decline reason"

    run = upload(performance_lead, refuge, csv_bytes([row(decline_reason=label, **declined)]))
    run = confirm(run, performance_lead)
    assert run.created == 1, list(run.problems.values_list("column", "message"))
    referral = Referral.objects.get()
    assert referral.decline_reason == DeclineReason.UNABLE_TO_SUPPORT
    assert referral.unable_to_support_reason == no_capacity


def test_repeats_follow_the_services_definition_of_the_same_role(
    performance_lead, service, row, received, upload, confirm
):
    earlier = row(case_id="C-1", subject="Perpetrator")
    later = row(case_id="C-2", received=moment(received + timedelta(hours=1)))

    confirm(upload(performance_lead, service, csv_bytes([earlier, later])), performance_lead)

    victim = Referral.objects.get(subject="victim_survivor")
    assert not victim.is_repeat  # the default definition: repeats in the same role only


def test_imported_marac_cases_are_linked_and_a_corrected_date_undoes_a_repeat(
    performance_lead, service, row, received, upload, confirm
):
    """The import stores the Marac case links (referrals.marac_cases) as the services do: the
    second case, 6 months after the first, is a repeat; once a later return moves the first
    case's date back beyond 12 months, it is not."""

    def marac(case_id: str, referred_days_ago: int) -> dict:
        referred = received.date() - timedelta(days=referred_days_ago)
        return row(
            case_id=case_id,
            heard_at_marac="Yes",
            referred_to_marac=day(referred),
            marac_referral_source="Police",
            heard_at_marac_on=day(referred + timedelta(days=7)),
        )

    first = confirm(
        upload(performance_lead, service, csv_bytes([marac("C-1", 200), marac("C-2", 20)])),
        performance_lead,
    )
    assert first.created == 2, list(first.problems.values_list("column", "message"))
    repeats = dict(Referral.objects.values_list("marac_referred_on", "marac_repeat"))
    assert sorted(repeats.values()) == [False, True]

    corrected = confirm(
        upload(performance_lead, service, csv_bytes([marac("C-1", 500), marac("C-2", 20)])),
        performance_lead,
    )
    assert corrected.updated >= 1, list(corrected.problems.values_list("column", "message"))
    assert not Referral.objects.filter(marac_repeat=True).exists()
