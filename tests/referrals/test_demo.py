"""The demo referrals: consistent with the rules and the transition table, and realistic."""

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest

from partnership.calendar import FinancialQuarter
from partnership.demo import seed_demo
from referrals import demo as demo_referrals
from referrals import demo_load, metrics, rules
from referrals.constants import TRANSITIONS, Status
from referrals.models import ReferenceCounter, Referral, ReferralStatusChange

TODAY = date(2025, 11, 20)


N = 6000


@pytest.fixture
def demo(db):
    return seed_demo(referrals=N, seed=11, today=TODAY)


def test_the_demo_makes_the_number_of_referrals_asked_for(demo):
    assert Referral.objects.count() == N
    assert demo.extra["referral_count"] == N


def test_references_are_unique_and_the_counters_continue_after_them(demo):
    references = list(Referral.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
    last = Counter()
    for reference in references:
        _, year, number = reference.split("-")
        last[int(year)] = max(last[int(year)], int(number))
    assert dict(ReferenceCounter.objects.values_list("year", "last_number")) == dict(last)


def test_every_history_follows_the_transition_table_and_ends_at_the_status(demo):
    history: dict[int, list] = {}
    for change in ReferralStatusChange.objects.order_by("referral_id", "at", "pk"):
        history.setdefault(change.referral_id, []).append(change)
    for referral in Referral.objects.all():
        status, last = Status.RECEIVED, referral.received_at
        for change in history.get(referral.pk, []):
            assert change.from_status == status
            assert change.to_status in TRANSITIONS[status], referral.reference
            assert change.at >= last
            status, last = change.to_status, change.at
        assert referral.status == status, referral.reference
        assert referral.status_changed_at == last


def test_derived_columns_are_those_the_rules_give(demo):
    for referral in Referral.objects.all():
        received = referral.received_at
        assert referral.first_contact_due_at == rules.first_contact_due(received)
        assert referral.oversight_due_at == rules.oversight_due(received)
        if referral.first_contact_at:
            assert referral.contacted_within_sla == rules.contacted_within_sla(
                received, referral.first_contact_at
            )
        else:
            assert referral.contacted_within_sla is None
        if referral.oversight_at:
            assert referral.oversight_within_sla == rules.oversight_within_sla(
                received, referral.oversight_at
            )
            assert referral.closed_at is None or referral.oversight_at <= referral.closed_at
        if referral.support_started_at:
            assert referral.waiting_time == rules.waiting_time(
                received, referral.support_started_at
            )
        assert (referral.closed_at is not None) == (referral.status == Status.CLOSED)


def test_repeat_links_follow_the_repeat_rule(demo):
    last_seen = {}
    repeats = 0
    for referral in Referral.objects.order_by("received_at", "pk"):
        earlier = last_seen.get(referral.person_key)
        expected = earlier is not None and rules.is_within_repeat_window(
            earlier.received_at, referral.received_at
        )
        assert referral.is_repeat == expected, referral.reference
        if expected:
            assert referral.repeat_of_id == earlier.pk
        last_seen[referral.person_key] = referral
        repeats += referral.is_repeat
    assert 0.08 < repeats / N < 0.25
    assert Referral.objects.filter(is_repeat_address=True, is_repeat=False).exists()


def test_district_shares_follow_population(demo):
    areas = demo.areas.values()
    population = sum(area.population for area in areas)
    counts = Counter(Referral.objects.values_list("area_id", flat=True))
    in_area = sum(n for area_id, n in counts.items() if area_id is not None)
    assert 0.02 < counts[None] / N < 0.06
    for area in areas:
        assert abs(counts[area.pk] / in_area - area.population / population) < 0.03


def test_the_first_lockdown_shows_a_drop_and_schools_returning_a_rise(demo):
    by_quarter = metrics.referrals_by_quarter(
        [FinancialQuarter(2019, 1), FinancialQuarter(2020, 1), FinancialQuarter(2020, 3)]
    )
    assert by_quarter[FinancialQuarter(2020, 1)] < 0.9 * by_quarter[FinancialQuarter(2019, 1)]
    assert by_quarter[FinancialQuarter(2020, 3)] > 1.15 * by_quarter[FinancialQuarter(2019, 1)]


def test_service_levels_are_mostly_met_and_there_are_waiting_lists(demo):
    for quarter in [
        FinancialQuarter(2019, 2),
        FinancialQuarter(2022, 2),
        FinancialQuarter(2024, 3),
    ]:
        result = metrics.referral_metrics(quarter)
        assert 83 <= result.first_contact.percent <= 97, quarter
        # About 97% are drawn in time; a quarter's 240 referrals leave two points of chance.
        assert 85 <= result.oversight.percent <= 99.5, quarter
        assert result.waiting_list_at_end > 0
        assert result.closed > 0 and sum(result.outcomes.values()) > 0
    high = Referral.objects.filter(risk_level="high").count() / N
    assert 0.15 < high < 0.3


def test_the_demo_officer_has_referrals_waiting_for_first_contact(demo):
    officer = demo.users["officer"]
    waiting = Referral.objects.filter(
        service__provider=officer.organisation, status=Status.RECEIVED
    )
    assert waiting.exists()


def demo_digest() -> str:
    """A digest of every demo row (referrals, status changes, outcomes, specialist
    characteristics, summary), with other tables' ids replaced by names (PostgreSQL's sequences
    move on between tests)."""
    from hashlib import sha256

    from commissioning.models import CommissionedService
    from partnership.models import Area, Organisation, User
    from referrals.models import ReferralOutcome, ReferralSummary, ReturnCategory

    names = {
        "service_id": dict(CommissionedService.objects.values_list("pk", "name")),
        "signposted_to_service_id": dict(CommissionedService.objects.values_list("pk", "name")),
        "area_id": dict(Area.objects.values_list("pk", "name")),
        "referring_organisation_id": dict(Organisation.objects.values_list("pk", "name")),
        "logged_by_id": dict(User.objects.values_list("pk", "username")),
        "by_id": dict(User.objects.values_list("pk", "username")),
    }
    for name in ("unable_to_support_reason_id", "support_end_reason_id", "move_on_destination_id"):
        names[name] = dict(ReturnCategory.objects.values_list("pk", "code"))

    def value(row, name):
        found = getattr(row, name)
        return names[name].get(found) if name in names else found

    digest = sha256()
    for model in (Referral, ReferralStatusChange, ReferralOutcome):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        order = "id" if model is Referral else "referral_id"
        later = ("at", "pk") if model is ReferralStatusChange else ("pk",)
        for row in model.objects.order_by(order, *later):
            digest.update(repr([value(row, name) for name in fields]).encode())
    links = Referral.specialist_characteristics.through.objects.order_by(
        "referral_id", "returncategory__code"
    )
    for link in links.values_list("referral_id", "returncategory__code"):
        digest.update(repr(link).encode())
    services, areas = names["service_id"], names["area_id"]
    rows = [
        (
            dimension,
            month,
            services[service],
            areas[int(value)] if dimension == "area" and value else value,
            *counts,
        )
        for month, service, dimension, value, *counts in ReferralSummary.objects.values_list(
            "month", "service_id", "dimension", "value", "referrals", "first_contact_met"
        )
    ]
    for row in sorted(rows):
        digest.update(repr(row).encode())
    return digest.hexdigest()


# The demo rows for seed 11 on TODAY. The same on SQLite (executemany) and PostgreSQL (COPY,
# with the summary counted in SQL): a change here means the demo data changed.
DEMO_DIGEST = "4f4fa872d404706c77aeae2a30904e731be6a708b35b824ddffec15189fe7dee"


def test_the_demo_rows_are_the_same_whichever_way_they_are_written(db):
    seed_demo(referrals=2000, seed=11, today=TODAY)
    assert demo_digest() == DEMO_DIGEST


# The same demo made in chunks of 500, so that its 2,000 referrals are four chunks.
CHUNKED_DIGEST = "5bb348a0cf90b46a4ca64689fe667b8d727292b2b644d94aa140f946d9ea7248"


@pytest.mark.parametrize("processes", [1, 2])
def test_the_demo_rows_are_the_same_whichever_process_made_them(db, monkeypatch, processes):
    """Chunks made in forked workers, as from 100,000 referrals, give the rows made here."""
    monkeypatch.setattr(demo_load, "CHUNK", 500)
    monkeypatch.setattr(demo_load, "processes_for", lambda count: processes)
    seed_demo(referrals=2000, seed=11, today=TODAY)
    assert demo_digest() == CHUNKED_DIGEST


@pytest.mark.parametrize(
    "day",
    [date(2024, 3, 31), date(2024, 10, 27), date(2024, 6, 12), date(2024, 6, 15)],
    ids=["clocks go forward", "clocks go back", "a Wednesday", "a Saturday"],
)
def test_receipt_times_are_the_local_times_drawn_whatever_the_clocks_do(day):
    """The quick way (seconds after midnight's instant) gives the local times drawn."""
    count, now = 300, datetime(2030, 1, 1, tzinfo=UTC)
    made = demo_referrals._times_on(random.Random(5), day, count, now)
    rng, expected = random.Random(5), []
    for _ in range(count):
        if day.weekday() < 5 and rng.random() < 0.85:
            seconds = rng.randrange(8 * 3600, 19 * 3600)
        else:
            seconds = rng.randrange(0, 24 * 3600)
        local = datetime.combine(day, time()) + timedelta(seconds=seconds)
        expected.append(local.replace(tzinfo=demo_referrals.LOCAL).astimezone(UTC))
    assert [demo_referrals._moment(moment) for moment in made] == expected
