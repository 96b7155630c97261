"""The rules behind the measures: working-day contact, 24-hour oversight, the repeat window."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from partnership.calendar import within_working_days
from referrals import rules


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def test_contact_on_the_next_working_day_is_within_the_sla():
    assert rules.contacted_within_sla(local(2025, 6, 2, 16, 0), local(2025, 6, 3, 17, 59))


def test_contact_two_working_days_later_is_not_within_the_sla():
    assert not rules.contacted_within_sla(local(2025, 6, 2, 16, 0), local(2025, 6, 4, 9, 0))


def test_easter_2021_bank_holidays_do_not_count_as_working_days():
    # Thursday 1 April 2021; Good Friday 2 April and Easter Monday 5 April are bank holidays.
    received = local(2021, 4, 1, 16, 0)
    assert rules.first_contact_due(received) == local(2021, 4, 7, 0, 0)
    assert rules.contacted_within_sla(received, local(2021, 4, 6, 10, 0))
    assert not rules.contacted_within_sla(received, local(2021, 4, 7, 10, 0))


def test_oversight_at_exactly_24_hours_is_within_and_a_minute_later_is_not():
    received = local(2025, 6, 2, 10, 0)
    assert rules.oversight_within_sla(received, local(2025, 6, 3, 10, 0))
    assert not rules.oversight_within_sla(received, local(2025, 6, 3, 10, 1))


def test_waiting_time_runs_from_receipt_to_start_of_support_shown_in_days():
    waited = rules.waiting_time(local(2025, 6, 2, 10, 0), local(2025, 6, 12, 22, 0))
    assert waited == timedelta(days=10, hours=12)
    assert rules.in_days(waited) == Decimal("10.5")


def test_the_repeat_window_is_twelve_calendar_months_by_default():
    received = local(2025, 6, 15, 9, 0)
    assert rules.repeat_window_start(received) == local(2024, 6, 15, 9, 0)
    assert rules.is_within_repeat_window(local(2024, 6, 15, 9, 0), received)
    assert not rules.is_within_repeat_window(local(2024, 6, 15, 8, 59), received)


def test_the_repeat_window_follows_the_setting(settings):
    settings.REPEAT_WINDOW_MONTHS = 3
    assert rules.repeat_window_start(local(2025, 5, 31, 9, 0)) == local(2025, 2, 28, 9, 0)


def test_months_before_keeps_the_local_time_across_a_clock_change():
    # 1 July (BST) less 6 months is 1 January (GMT), still 09:00 local time.
    earlier = rules.months_before(local(2025, 7, 1, 9, 0), 6)
    assert timezone.localtime(earlier).hour == 9
    assert timezone.localtime(earlier).date().isoformat() == "2025-01-01"


def test_the_contact_rule_agrees_with_the_calendars_working_day_rule():
    received = local(2021, 4, 1, 16, 0)
    for hours in range(0, 24 * 8, 5):
        contacted = received + timedelta(hours=hours)
        assert rules.contacted_within_sla(received, contacted) == within_working_days(
            received, contacted, 1
        )


def test_oversight_within_24_hours_counts_real_hours_across_the_clock_change():
    # Clocks went forward at 01:00 on Sunday 30 March 2025: 23 wall-clock hours are 22 real.
    received = local(2025, 3, 29, 12, 0)
    assert rules.oversight_due(received) == local(2025, 3, 30, 13, 0)
    assert rules.oversight_within_sla(received, local(2025, 3, 30, 13, 0))
    assert not rules.oversight_within_sla(received, local(2025, 3, 30, 13, 1))


def test_waiting_time_counts_real_hours_across_the_clock_change():
    waited = rules.waiting_time(local(2025, 10, 25, 12, 0), local(2025, 10, 26, 12, 0))
    assert waited == timedelta(hours=25)
