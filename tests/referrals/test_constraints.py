"""A referral's database rules, checked before it is saved (Referral.validate_constraints)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from referrals.constants import Status
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def _checks(queries) -> list[str]:
    return [query["sql"] for query in queries if '"_check"' in query["sql"]]


def test_a_referral_that_keeps_every_rule_is_checked_in_one_query():
    referral = ReferralFactory()
    with CaptureQueriesContext(connection) as queries:
        referral.validate_constraints()
    assert len(_checks(queries)) == 1


def test_each_broken_rule_gets_its_own_message():
    referral = ReferralFactory()
    referral.children_in_household = 31
    referral.first_contact_at = referral.received_at - timedelta(hours=1)
    referral.status = Status.CLOSED  # without a closing time
    with pytest.raises(ValidationError) as raised:
        referral.validate_constraints()
    messages = " ".join(raised.value.messages)
    for rule in (
        "referral_children_plausible",
        "referral_contact_after_receipt",
        "referral_closed_has_time",
    ):
        assert rule in messages
    assert "referral_oversight_after_receipt" not in messages


def test_a_rule_on_an_excluded_field_is_left_to_the_field_checks():
    referral = ReferralFactory()
    referral.children_in_household = 31
    referral.validate_constraints(exclude={"children_in_household"})
    with pytest.raises(ValidationError, match="referral_children_plausible"):
        referral.validate_constraints()
