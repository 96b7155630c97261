"""Migration 0010 works out the Marac case links of the referrals already stored from their own
dates and person keys (what the figures counted at query time before), never guessing: an
anonymised referral stays a case of its own and not a repeat."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("referrals", "0009_oversight_index")]
AFTER = [("referrals", "0010_marac_case_links")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_stored_referrals_get_their_case_links_from_their_own_dates():
    old = _migrate(BEFORE)
    provider = old.get_model("partnership", "Organisation").objects.create(
        name="P", kind="provider"
    )
    service = old.get_model("commissioning", "CommissionedService").objects.create(
        name="Idva", provider=provider, service_type="idva", client_group="victims"
    )
    Referral = old.get_model("referrals", "Referral")
    received = timezone.make_aware(datetime(2024, 5, 1, 10))

    def referral(n, person, referred, subject="victim_survivor"):
        return Referral.objects.create(
            reference=f"R-2024-{n:06d}",
            service=service,
            received_at=received,
            source="police",
            subject=subject,
            risk_level="high",
            heard_at_marac=True,
            marac_referred_on=referred,
            marac_heard_on=referred,
            children_in_household=0,
            age_band="25_34",
            gender="woman",
            ethnic_group="not_known",
            disability="no",
            sexual_orientation="not_known",
            no_recourse_to_public_funds="no",
            person_key=person,
            status="received",
            status_changed_at=received,
            first_contact_due_at=received,
            oversight_due_at=received,
        )

    first = referral(1, "a" * 64, date(2024, 6, 1))
    same_case = referral(2, "a" * 64, date(2024, 6, 1))
    repeat = referral(3, "a" * 64, date(2025, 6, 1))  # exactly 12 months on
    not_repeat = referral(4, "b" * 64, date(2025, 6, 2))
    referral(5, "b" * 64, date(2024, 6, 1))
    perpetrator_first = referral(6, "c" * 64, date(2025, 1, 1), subject="perpetrator")
    other_role = referral(7, "c" * 64, date(2025, 2, 1))
    anonymised = referral(8, "", date(2025, 2, 1))
    try:
        new = _migrate(AFTER)
        rows = new.get_model("referrals", "Referral").objects.values_list(
            "pk", "marac_case", "marac_repeat"
        )
        links = {pk: (case, repeat) for pk, case, repeat in rows}
        assert links[first.pk] == (None, False)
        assert links[same_case.pk] == (first.pk, False)
        assert links[repeat.pk] == (None, True)
        assert links[not_repeat.pk] == (None, False)
        assert links[perpetrator_first.pk] == (None, False)
        assert links[other_role.pk] == (None, False)
        assert links[anonymised.pk] == (None, False)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
