"""The data notes' definitions in force for a quarter (scrutiny.definition_notes)."""

from datetime import date

from commissioning.constants import CaseloadCounts, FirstContactRule, ServiceType
from commissioning.definitions import in_force_during
from partnership.calendar import FinancialQuarter
from scrutiny.definition_notes import definition_notes, definitions_table
from tests.factories import CommissionedServiceFactory, ServiceDefinitionFactory

Q = FinancialQuarter(2025, 1)  # 1 April to 30 June 2025


def test_a_change_during_the_quarter_is_in_force_with_the_one_before_it(db):
    service = CommissionedServiceFactory(name="Outreach")
    ServiceDefinitionFactory(service=service, effective_from=date(2024, 4, 1))
    ServiceDefinitionFactory(
        service=service, effective_from=date(2025, 5, 1), oversight_applies=True
    )
    ServiceDefinitionFactory(service=service, effective_from=date(2025, 7, 1))

    periods = in_force_during(Q.start, Q.end, [service.pk])[service.pk]

    assert [begin for begin, _d in periods] == [date(2024, 4, 1), date(2025, 5, 1)]


def test_a_change_on_the_quarters_first_day_replaces_the_one_before(db):
    service = CommissionedServiceFactory()
    ServiceDefinitionFactory(service=service, effective_from=date(2024, 4, 1))
    ServiceDefinitionFactory(service=service, effective_from=Q.start)

    periods = in_force_during(Q.start, Q.end, [service.pk])[service.pk]

    assert [begin for begin, _d in periods] == [Q.start]


def services():
    front_door = CommissionedServiceFactory(
        name="Front door", service_type=ServiceType.FRONT_DOOR
    )  # no row: the defaults of its type, oversight on
    outreach = CommissionedServiceFactory(name="Outreach")
    ServiceDefinitionFactory(
        service=outreach,
        effective_from=date(2024, 4, 1),
        first_contact_rule=FirstContactRule.SAME_TIME_NEXT_WORKING_DAY,
        repeats_same_role=False,
        caseload_counts=CaseloadCounts.ALL_OPEN,
        agreed_by="Partnership board, 12 March 2024",
    )
    refuge = CommissionedServiceFactory(name="Refuge")
    ServiceDefinitionFactory(service=refuge, effective_from=date(2024, 4, 1))
    ServiceDefinitionFactory(
        service=refuge, effective_from=date(2025, 6, 2), oversight_applies=True
    )
    ServiceDefinitionFactory(
        service=refuge, effective_from=date(2025, 6, 20), oversight_applies=False
    )
    return [front_door, outreach, refuge]


def test_the_notes_say_what_each_service_was_measured_by(db):
    front_door, outreach, refuge = services()
    notes = definition_notes(Q, [front_door, outreach, refuge])

    assert notes.first_contact == (
        "The share of the quarter's referrals first contacted within one working day (Monday "
        "to Friday, not bank holidays): by the end of the next working day for Front door and "
        "Refuge; by the same time on the next working day for Outreach. A referral never "
        "contacted counts as not contacted in time; each referral is measured by the rule in "
        "force when it was received."
    )
    # Refuge applied oversight from 2 to 19 June only: it applied during the quarter.
    assert notes.oversight == (
        "The share of referrals reviewed by a manager within 24 hours of being received, for "
        "the services whose definitions apply the standard: Front door and Refuge. It does not "
        "apply to Outreach, whose referrals are in no oversight figure."
    )
    assert [notes.oversight_applies(s.pk) for s in (front_door, outreach, refuge)] == [
        True,
        False,
        True,
    ]
    assert "in the same role only" in notes.repeats
    assert "in any role for Outreach" in notes.repeats
    assert "within the previous 12 months" in notes.repeats


def test_the_table_lists_every_definition_with_when_it_came_into_force(db):
    front_door, outreach, refuge = services()
    table = definitions_table(definition_notes(Q, [front_door, outreach, refuge]))
    rows = {(service, what): text for service, what, text in table.rows}

    assert rows[("Front door", "In force from")] == "The defaults for this type of service"
    assert rows[("Front door", "24-hour managerial oversight")] == "Applies"
    assert rows[("Outreach", "In force from")] == "1 April 2024"
    assert rows[("Outreach", "Agreed by")] == "Partnership board, 12 March 2024"
    assert rows[("Outreach", "Counts toward caseload")].startswith("Every open case")
    assert rows[("Refuge", "In force from")] == (
        "Changed on 20 June 2025; the earlier definitions applied before"
    )
    # At the quarter's end Refuge's oversight was off again.
    assert rows[("Refuge", "24-hour managerial oversight")] == "Does not apply"
    assert ("Refuge", "Agreed by") not in rows


def test_when_no_service_applies_oversight_the_note_says_there_is_no_figure(db):
    outreach = CommissionedServiceFactory(name="Outreach")
    notes = definition_notes(Q, [outreach])

    assert notes.oversight.startswith("No service's definitions applied")
    assert not notes.oversight_applies_anywhere
    assert "for every service" in notes.first_contact
