"""Existing data through issue 14's migrations: new fields not recorded, never guessed; each
service keeps the definitions its figures were made with up to the upgrade, and the defaults
from then; the return's lists get their defaults."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# A serialized rollback restores the rows data migrations made (roles, the return's lists) for
# the tests after this one, which ends by emptying every table.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("partnership", "0003_audit_append_only"),
    ("commissioning", "0002_directory_listing_and_open_data"),
    ("referrals", "0002_referral_summary"),
]
AFTER = [
    ("partnership", "0004_area_adult_female_population"),
    ("commissioning", "0003_service_definitions"),
    ("referrals", "0003_safe_accommodation_and_marac"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_services_and_referrals_come_through_with_nothing_guessed():
    old = _migrate(BEFORE)
    provider = old.get_model("partnership", "Organisation").objects.create(
        name="P", kind="provider"
    )
    service = old.get_model("commissioning", "CommissionedService").objects.create(
        name="Refuge",
        provider=provider,
        service_type="refuge",
        client_group="victims",
        caseload_benchmark=Decimal("25"),
        caseload_band_percent=Decimal("20"),
    )
    received = timezone.make_aware(datetime(2024, 5, 1, 10))
    old.get_model("referrals", "Referral").objects.create(
        reference="R-2024-000001",
        service=service,
        received_at=received,
        source="police",
        subject="victim_survivor",
        risk_level="high",
        heard_at_marac=True,
        children_in_household=2,
        age_band="25_34",
        gender="woman",
        ethnic_group="not_known",
        disability="no",
        sexual_orientation="not_known",
        no_recourse_to_public_funds="no",
        person_key="a" * 64,
        status="in_support",
        status_changed_at=received,
        first_contact_due_at=received,
        oversight_due_at=received,
        support_started_at=received,
    )
    try:
        new = _migrate(AFTER)
        referral = new.get_model("referrals", "Referral").objects.get()
        assert referral.heard_at_marac and referral.marac_heard_on is None
        assert referral.marac_referral_source == "" and referral.marac_referred_on is None
        assert referral.accommodation_type == "" and not referral.characteristics_recorded
        assert None is referral.adults_women is referral.adults_men is referral.children_supported
        assert (
            referral.unable_to_support_reason_id is None and referral.support_end_reason_id is None
        )
        rows = list(
            new.get_model("commissioning", "ServiceDefinition")
            .objects.filter(service_id=service.pk)
            .order_by("effective_from")
        )
        assert [row.effective_from for row in rows] == [date(2000, 1, 1), timezone.localdate()]
        before, after = rows
        assert (before.caseload_band_low, before.caseload_benchmark, before.caseload_band_high) == (
            Decimal("20"),
            Decimal("25"),
            Decimal("30"),
        )
        assert (before.caseload_counts, before.oversight_applies, before.repeats_same_role) == (
            "all_open",
            True,
            False,
        )
        assert (after.caseload_band_low, after.caseload_band_high, after.caseload_counts) == (
            Decimal("27"),
            Decimal("33"),
            "active_support",
        )
        assert not after.oversight_applies and after.repeats_same_role
        categories = new.get_model("referrals", "ReturnCategory").objects
        assert categories.filter(kind="characteristic", is_active=True).count() == 3
        assert categories.filter(kind="unable_to_support", code="capacity", confirmed=True).exists()
        area_fields = {f.name for f in new.get_model("partnership", "Area")._meta.fields}
        assert "adult_female_population" in area_fields
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
