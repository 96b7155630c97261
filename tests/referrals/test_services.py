"""Writing referrals: creation, repeat detection, each step's rules, history and audit rows."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.constants import AuditAction
from partnership.models import AuditEvent
from referrals import rules, services
from referrals.constants import Action, Status
from referrals.models import ReferenceCounter, Referral, ReferralStatusChange

pytestmark = pytest.mark.django_db


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def test_a_new_referral_gets_the_next_reference_for_its_year(officer, service, log_referral):
    first = log_referral(by=officer, service=service, received_at=local(2024, 12, 31, 23, 0))
    second = log_referral(by=officer, service=service, received_at=local(2024, 6, 1, 9, 0))
    third = log_referral(by=officer, service=service, received_at=local(2025, 1, 1, 0, 30))
    assert [first.reference, second.reference, third.reference] == [
        "R-2024-000001",
        "R-2024-000002",
        "R-2025-000001",
    ]
    assert ReferenceCounter.objects.get(year=2024).last_number == 2


def test_a_new_referral_is_received_with_its_deadlines_worked_out(officer, service, log_referral):
    received = local(2021, 4, 1, 16, 0)
    referral = log_referral(by=officer, service=service, received_at=received)
    assert referral.status == Status.RECEIVED
    assert referral.logged_by == officer
    assert referral.first_contact_due_at == local(2021, 4, 7, 0, 0)
    assert referral.oversight_due_at == local(2021, 4, 2, 16, 0)
    assert referral.contacted_within_sla is None


def test_logging_a_referral_writes_an_audit_row_without_identifying_detail(
    officer, service, log_referral
):
    referral = log_referral(by=officer, service=service, postcode="ZZ99 9ZZ", house="Flat 7")
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(referral.pk))
    assert event.user == officer
    assert event.object_type == "referrals.Referral"
    assert set(event.detail) == {"reference", "service", "repeat", "repeat_address"}


def test_a_referral_received_in_the_future_is_refused_and_nothing_is_stored(
    officer, service, log_referral
):
    with pytest.raises(ValidationError) as error:
        log_referral(by=officer, service=service, received_at=timezone.now() + timedelta(hours=1))
    assert "cannot be in the future" in str(error.value)
    assert not Referral.objects.exists()
    assert not ReferenceCounter.objects.exists()


def test_the_same_person_within_twelve_months_is_a_repeat_even_at_another_service(
    officer, service, other_service, log_referral
):
    earlier = log_referral(by=officer, service=service, received_at=local(2024, 7, 1, 9, 0))
    latest = log_referral(by=officer, service=service, received_at=local(2024, 9, 1, 9, 0))
    again = log_referral(
        by=officer, service=other_service, name="SAM  example", received_at=local(2025, 6, 1, 9, 0)
    )
    assert not earlier.is_repeat
    assert latest.is_repeat and latest.repeat_of == earlier
    assert again.is_repeat and again.repeat_of == latest


def test_the_same_person_more_than_twelve_months_later_is_not_a_repeat(
    officer, service, log_referral
):
    log_referral(by=officer, service=service, received_at=local(2023, 6, 1, 8, 59))
    later = log_referral(by=officer, service=service, received_at=local(2024, 6, 1, 9, 0))
    assert not later.is_repeat
    assert later.repeat_of is None


def test_a_shorter_repeat_window_can_be_set(settings, officer, service, log_referral):
    settings.REPEAT_WINDOW_MONTHS = 3
    log_referral(by=officer, service=service, received_at=local(2024, 1, 1, 9, 0))
    later = log_referral(by=officer, service=service, received_at=local(2024, 6, 1, 9, 0))
    assert not later.is_repeat


def test_a_different_person_at_the_same_address_is_a_repeat_address_not_a_repeat_person(
    officer, service, log_referral
):
    first = log_referral(
        by=officer, service=service, name="Alex One", postcode="ZZ99 9ZZ", house="Flat 7"
    )
    second = log_referral(
        by=officer, service=service, name="Chris Two", postcode="zz999zz", house="flat 7"
    )
    assert not second.is_repeat
    assert second.is_repeat_address and second.repeat_address_of == first


def test_a_referral_with_no_address_is_never_a_repeat_address(officer, service, log_referral):
    log_referral(by=officer, service=service, name="Alex One")
    second = log_referral(by=officer, service=service, name="Chris Two")
    assert second.address_key == ""
    assert not second.is_repeat_address


def test_recording_contact_sets_first_contact_history_and_audit(officer, service, log_referral):
    referral = log_referral(by=officer, service=service, received_at=local(2021, 4, 1, 16, 0))
    services.referral_record_contact(
        referral=referral, by=officer, contacted_at=local(2021, 4, 6, 10, 0)
    )
    referral.refresh_from_db()
    assert referral.status == Status.CONTACTED
    assert referral.first_contact_at == local(2021, 4, 6, 10, 0)
    assert referral.contacted_within_sla is True
    change = ReferralStatusChange.objects.get(referral=referral)
    assert (change.from_status, change.to_status, change.by) == ("received", "contacted", officer)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(referral.pk))
    assert event.detail == {"action": "contact", "from": "received", "to": "contacted"}


def test_contact_after_the_easter_weekend_deadline_is_not_within_the_sla(
    officer, service, log_referral
):
    referral = log_referral(by=officer, service=service, received_at=local(2021, 4, 1, 16, 0))
    referral = services.referral_record_contact(
        referral=referral, by=officer, contacted_at=local(2021, 4, 7, 9, 0)
    )
    assert referral.contacted_within_sla is False


def test_contact_before_receipt_is_refused_and_changes_nothing(officer, service, log_referral):
    referral = log_referral(by=officer, service=service)
    with pytest.raises(ValidationError) as error:
        services.referral_record_contact(
            referral=referral, by=officer, contacted_at=referral.received_at - timedelta(minutes=1)
        )
    assert "cannot be before the referral was received" in str(error.value)
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED and referral.first_contact_at is None
    assert not ReferralStatusChange.objects.exists()


def test_contact_in_the_future_is_refused(officer, service, log_referral):
    referral = log_referral(by=officer, service=service)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.referral_record_contact(
            referral=referral, by=officer, contacted_at=timezone.now() + timedelta(hours=1)
        )


def test_a_step_cannot_be_dated_before_the_previous_step(officer, service, log_referral):
    referral = log_referral(by=officer, service=service, received_at=local(2025, 1, 6, 9, 0))
    services.referral_record_contact(
        referral=referral, by=officer, contacted_at=local(2025, 1, 6, 12, 0)
    )
    with pytest.raises(ValidationError, match="before the last change of status"):
        services.referral_start_support(
            referral=referral, by=officer, started_at=local(2025, 1, 6, 11, 0)
        )


def test_a_step_the_transition_table_does_not_allow_is_refused(officer, service, log_referral):
    referral = log_referral(by=officer, service=service)
    with pytest.raises(ValidationError, match="cannot be moved to in support"):
        services.referral_start_support(referral=referral, by=officer, started_at=timezone.now())
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


def test_the_waiting_list_then_support_records_both_times_and_the_wait(
    officer, service, log_referral
):
    referral = log_referral(by=officer, service=service, received_at=local(2025, 3, 3, 9, 0))
    services.referral_record_contact(
        referral=referral, by=officer, contacted_at=local(2025, 3, 3, 11, 0)
    )
    services.referral_add_to_waiting_list(referral=referral, by=officer, at=local(2025, 3, 4, 9, 0))
    referral = services.referral_start_support(
        referral=referral, by=officer, started_at=local(2025, 3, 13, 21, 0)
    )
    assert referral.waiting_list_at == local(2025, 3, 4, 9, 0)
    assert referral.waiting_list_left_at == local(2025, 3, 13, 21, 0)
    assert referral.waiting_time == timedelta(days=10, hours=12)
    assert list(referral.history.values_list("to_status", flat=True)) == [
        "contacted",
        "waiting_list",
        "in_support",
    ]


def test_closing_records_reason_and_outcomes_and_cannot_happen_twice(
    officer, service, log_referral
):
    referral = log_referral(by=officer, service=service)
    services.referral_record_contact(
        referral=referral, by=officer, contacted_at=referral.received_at + timedelta(minutes=30)
    )
    closed = services.referral_close(
        referral=referral,
        by=officer,
        closed_at=referral.received_at + timedelta(hours=1),
        reason="support_completed",
        outcomes=["feels_safer", "risk_reduced", "feels_safer"],
    )
    assert closed.status == Status.CLOSED
    assert sorted(closed.outcomes.values_list("outcome", flat=True)) == [
        "feels_safer",
        "risk_reduced",
    ]
    with pytest.raises(ValidationError, match="already closed"):
        services.referral_close(
            referral=closed,
            by=officer,
            closed_at=timezone.now(),
            reason="support_completed",
        )
    assert closed.outcomes.count() == 2
    assert closed.history.filter(to_status=Status.CLOSED).count() == 1


def test_closing_needs_a_known_reason_and_known_outcomes(officer, service, log_referral):
    referral = log_referral(by=officer, service=service)
    with pytest.raises(ValidationError):
        services.referral_close(referral=referral, by=officer, closed_at=timezone.now(), reason="")
    with pytest.raises(ValidationError):
        services.referral_close(
            referral=referral,
            by=officer,
            closed_at=timezone.now(),
            reason="other",
            outcomes=["won_the_lottery"],
        )
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


def test_oversight_is_recorded_once_with_its_24_hour_flag(officer, service, log_referral):
    referral = log_referral(by=officer, service=service, received_at=local(2025, 2, 3, 9, 0))
    referral = services.referral_record_oversight(
        referral=referral, by=officer, oversight_at=local(2025, 2, 4, 9, 30)
    )
    assert referral.oversight_within_sla is False
    assert referral.status == Status.RECEIVED
    with pytest.raises(ValidationError, match="already recorded"):
        services.referral_record_oversight(
            referral=referral, by=officer, oversight_at=local(2025, 2, 4, 10, 0)
        )


def test_oversight_cannot_be_recorded_on_a_closed_referral(officer, service, log_referral):
    referral = log_referral(by=officer, service=service)
    services.referral_close(referral=referral, by=officer, closed_at=timezone.now(), reason="other")
    with pytest.raises(ValidationError, match="already closed"):
        services.referral_record_oversight(
            referral=referral, by=officer, oversight_at=timezone.now()
        )


def test_signposting_needs_a_destination_other_than_the_referrals_own_service(
    officer, service, other_service, log_referral
):
    referral = log_referral(by=officer, service=service)
    with pytest.raises(ValidationError):
        services.referral_signpost(referral=referral, by=officer, at=timezone.now())
    with pytest.raises(ValidationError, match="different service"):
        services.referral_signpost(
            referral=referral, by=officer, at=timezone.now(), to_service=service
        )
    referral = services.referral_signpost(
        referral=referral, by=officer, at=timezone.now(), to_service=other_service
    )
    assert referral.status == Status.SIGNPOSTED
    assert referral.signposted_to == "Other agency's service"


def test_declining_records_the_reason(officer, service, log_referral):
    referral = log_referral(by=officer, service=service)
    referral = services.referral_decline(
        referral=referral, by=officer, at=timezone.now(), reason="not_eligible"
    )
    assert (referral.status, referral.decline_reason) == (Status.DECLINED, "not_eligible")
    assert referral.declined_at is not None


def test_next_actions_follow_the_transition_table(officer, service, log_referral):
    referral = log_referral(by=officer, service=service)
    assert services.next_actions(referral) == [
        Action.CONTACT,
        Action.UNABLE_TO_CONTACT,
        Action.OVERSIGHT,
        Action.SIGNPOST,
        Action.DECLINE,
        Action.CLOSE,
        Action.MARAC,
    ]
    services.referral_record_contact(referral=referral, by=officer, contacted_at=timezone.now())
    referral.refresh_from_db()
    assert Action.CONTACT not in services.next_actions(referral)
    assert Action.START_SUPPORT in services.next_actions(referral)
    services.referral_close(referral=referral, by=officer, closed_at=timezone.now(), reason="other")
    referral.refresh_from_db()
    assert services.next_actions(referral) == []


def test_an_export_writes_one_audit_row_per_referral_and_one_for_the_export(
    officer, service, log_referral
):
    referrals = [log_referral(by=officer, service=service, name=f"Person {i}") for i in range(3)]
    count = services.referrals_record_export(referrals=referrals, by=officer)
    assert count == 3
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert exports.count() == 4
    assert set(exports.exclude(object_id="").values_list("object_id", flat=True)) == {
        str(r.pk) for r in referrals
    }


def test_the_stored_rule_columns_match_the_rules(officer, service, log_referral):
    referral = log_referral(by=officer, service=service, received_at=local(2025, 5, 2, 15, 0))
    referral = services.referral_record_contact(
        referral=referral, by=officer, contacted_at=local(2025, 5, 6, 9, 0)
    )
    # Friday 2 May 2025; Monday 5 May is a bank holiday, so Tuesday is the next working day.
    assert referral.contacted_within_sla == rules.contacted_within_sla(
        local(2025, 5, 2, 15, 0), local(2025, 5, 6, 9, 0)
    )
    assert referral.contacted_within_sla is True
