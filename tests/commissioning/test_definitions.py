"""Definitions a board signs off, per service, in force from a day: each at its boundary."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commissioning import definitions, services
from commissioning.constants import CaseloadCounts, FirstContactRule, ServiceType
from commissioning.models import ServiceDefinition
from partnership.calendar import FinancialQuarter
from partnership.models import AuditEvent
from referrals import identity, rules
from referrals import services as referral_services
from referrals.metrics import caseloads, referral_metrics
from tests.factories import (
    CaseworkerCapacityFactory,
    CommissionedServiceFactory,
    ReferralFactory,
    ServiceDefinitionFactory,
)

Q = FinancialQuarter(2021, 1)  # April to June 2021
BORN = date(1980, 1, 1)


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


# Defaults and the row in force ---------------------------------------------------------------


def test_a_new_service_gets_the_defaults_of_its_type_as_a_row(commissioner, agency):
    idva = services.service_create(
        by=commissioner,
        name="Outreach",
        provider=agency,
        service_type="idva_outreach",
        client_group="victims",
    )
    front_door = services.service_create(
        by=commissioner,
        name="Family front door",
        provider=agency,
        service_type=ServiceType.FRONT_DOOR,
        client_group="whole_family",
    )
    today = timezone.localdate()
    idva_now = definitions.definition_on(idva, today)
    assert not idva_now.is_default  # kept as a row, so a later change of defaults changes nothing
    assert (
        idva_now.caseload_benchmark,
        idva_now.caseload_band_low,
        idva_now.caseload_band_high,
    ) == (
        Decimal("30"),
        Decimal("27"),
        Decimal("33"),
    )
    assert idva_now.caseload_counts == CaseloadCounts.ACTIVE_SUPPORT
    assert idva_now.first_contact_rule == FirstContactRule.END_OF_NEXT_WORKING_DAY
    assert idva_now.repeats_same_role is True
    assert idva_now.oversight_applies is False
    assert definitions.definition_on(front_door, today).oversight_applies is True


def test_the_row_in_force_is_the_latest_on_or_before_the_day(db):
    service = CommissionedServiceFactory()
    ServiceDefinitionFactory(service=service, caseload_benchmark=20, caseload_band_low=18)
    ServiceDefinitionFactory(
        service=service, effective_from=date(2021, 5, 1), caseload_benchmark=28
    )
    assert definitions.definition_on(service, date(2021, 4, 30)).caseload_benchmark == 20
    assert definitions.definition_on(service, date(2021, 5, 1)).caseload_benchmark == 28
    assert (
        definitions.definitions_on(date(2021, 4, 30), [service.pk])[service.pk].caseload_benchmark
        == 20
    )


def test_a_service_without_rows_has_the_defaults(db):
    service = CommissionedServiceFactory(service_type=ServiceType.FRONT_DOOR)
    definition = definitions.definition_on(service, date(2021, 4, 1))
    assert definition.is_default and definition.oversight_applies


# Changing them: from today on, never before --------------------------------------------------


def test_a_change_cannot_start_before_today(commissioner):
    service = CommissionedServiceFactory()
    with pytest.raises(ValidationError, match="cannot start before today"):
        services.service_definition_add(
            by=commissioner,
            service=service,
            effective_from=timezone.localdate() - timedelta(days=1),
            caseload_benchmark=25,
        )
    assert not service.definitions.exists()


def test_a_change_from_tomorrow_leaves_today_as_it_was_and_is_audited(commissioner):
    service = CommissionedServiceFactory()
    ServiceDefinitionFactory(service=service)
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.service_definition_add(
        by=commissioner,
        service=service,
        effective_from=tomorrow,
        caseload_band_high=Decimal("35"),
        agreed_by="Partnership board, 1 March",
    )
    assert definitions.definition_on(service, timezone.localdate()).caseload_band_high == 33
    changed = definitions.definition_on(service, tomorrow)
    assert changed.caseload_band_high == 35 and changed.caseload_benchmark == 30
    assert changed.agreed_by == "Partnership board, 1 March"
    event = AuditEvent.objects.filter(object_id=str(service.pk)).latest("pk")
    assert list(event.detail["changes"]) == [
        f"Caseload benchmark from {tomorrow.day} {tomorrow:%B %Y}"
    ]


def test_a_band_that_does_not_hold_the_benchmark_is_refused(commissioner):
    service = CommissionedServiceFactory()
    with pytest.raises(ValidationError):
        services.service_definition_add(
            by=commissioner,
            service=service,
            effective_from=timezone.localdate(),
            caseload_band_low=Decimal("31"),
        )
    assert not ServiceDefinition.objects.filter(service=service).exists()


def test_the_definitions_page_adds_a_change_and_refuses_a_past_date(performance_lead, login):
    service = CommissionedServiceFactory()
    client = login(performance_lead)
    url = reverse("commissioning:service_definitions", args=[service.pk])
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = {
        "caseload_benchmark": "30",
        "caseload_band_low": "27",
        "caseload_band_high": "33",
        "caseload_counts": "active_support",
        "oversight_applies": "yes",
        "first_contact_rule": "same_time_next_working_day",
        "repeats_same_role": "yes",
        "agreed_by": "",
    }
    past = timezone.localdate() - timedelta(days=3)
    refused = client.post(
        url,
        form
        | {
            "effective_from_0": past.day,
            "effective_from_1": past.month,
            "effective_from_2": past.year,
        },
    )
    assert refused.status_code == 200 and not service.definitions.exists()
    response = client.post(
        url,
        form
        | {
            "effective_from_0": tomorrow.day,
            "effective_from_1": tomorrow.month,
            "effective_from_2": tomorrow.year,
        },
    )
    assert response.status_code == 302
    row = service.definitions.get()
    assert (
        row.oversight_applies
        and row.first_contact_rule == FirstContactRule.SAME_TIME_NEXT_WORKING_DAY
    )
    assert "not yet in force" in client.get(url).content.decode()


# Caseload: the band (33 in, 34 out) and what counts -------------------------------------------


def _in_support(service, n: int, at: datetime):
    for i in range(n):
        ReferralFactory(
            service=service,
            received_at=at,
            status="in_support",
            support_started_at=at + timedelta(hours=1),
            person_key=f"k{service.pk}-{i}",
        )


@pytest.mark.parametrize(
    ("open_cases", "position"), [(26, "below"), (27, "within"), (33, "within"), (34, "above")]
)
def test_caseload_band_boundaries_with_one_caseworker(db, open_cases, position):
    service = CommissionedServiceFactory()
    CaseworkerCapacityFactory(service=service, quarter_index=Q.index, fte=Decimal("1"))
    _in_support(service, open_cases, local(2021, 4, 6, 10))
    (caseload,) = caseloads(Q, service_ids=[service.pk])
    assert caseload.per_fte == open_cases and caseload.position == position


def test_only_people_in_active_support_count_by_default_and_every_open_case_when_defined(db):
    service = CommissionedServiceFactory()
    CaseworkerCapacityFactory(service=service, quarter_index=Q.index, fte=Decimal("1"))
    _in_support(service, 2, local(2021, 4, 6, 10))
    ReferralFactory(service=service, received_at=local(2021, 4, 7, 10))  # never contacted
    ReferralFactory(
        service=service,
        received_at=local(2021, 4, 7, 11),
        status="waiting_list",
        waiting_list_at=local(2021, 4, 8, 9),
    )
    assert caseloads(Q, service_ids=[service.pk])[0].open_cases == 2
    # The board counted every open case from 1 June: at the end of June, that applies.
    ServiceDefinitionFactory(
        service=service, effective_from=date(2021, 6, 1), caseload_counts=CaseloadCounts.ALL_OPEN
    )
    (all_open,) = caseloads(Q, service_ids=[service.pk], use_summary=False)
    assert all_open.open_cases == 4 and all_open.counts == CaseloadCounts.ALL_OPEN
    # A change after the quarter ended does not change the quarter's figure.
    ServiceDefinitionFactory(service=service, effective_from=date(2021, 7, 1))
    assert caseloads(Q, service_ids=[service.pk])[0].open_cases == 4


# Oversight: measured only where, and from when, it applies ------------------------------------


def test_oversight_counts_only_referrals_received_while_it_applied(db):
    service = CommissionedServiceFactory()
    ServiceDefinitionFactory(service=service, oversight_applies=False)
    ServiceDefinitionFactory(
        service=service, effective_from=date(2021, 5, 1), oversight_applies=True
    )
    before = ReferralFactory(service=service, received_at=local(2021, 4, 30, 23, 59))
    after = ReferralFactory(service=service, received_at=local(2021, 5, 1, 0, 0))
    for referral in (before, after):
        referral.oversight_at = referral.received_at + timedelta(hours=2)
        referral.oversight_within_sla = True
        referral.save()
    oversight = referral_metrics(Q, as_of=local(2021, 8, 1)).oversight
    assert (oversight.numerator, oversight.denominator) == (1, 1)
    overdue = ReferralFactory(service=service, received_at=timezone.now() - timedelta(days=3))
    from referrals.models import Referral

    assert list(Referral.objects.filter(rules.oversight_overdue(timezone.now()))) == [overdue]


# First contact: end of the next working day, or the same time on it ---------------------------


def test_the_same_time_rule_gives_until_that_minute_on_the_next_working_day():
    received = local(2021, 4, 9, 10, 0)  # a Friday
    rule = FirstContactRule.SAME_TIME_NEXT_WORKING_DAY
    assert rules.contacted_within_sla(received, local(2021, 4, 12, 10, 0, 59), rule)
    assert not rules.contacted_within_sla(received, local(2021, 4, 12, 10, 1), rule)
    # End of the next working day (the default): Monday 23:59 is in time.
    assert rules.contacted_within_sla(received, local(2021, 4, 12, 23, 59))
    assert not rules.contacted_within_sla(received, local(2021, 4, 13, 0, 0))


def test_a_referral_keeps_the_rule_in_force_when_it_was_received(officer):
    service = CommissionedServiceFactory()
    ServiceDefinitionFactory(
        service=service, first_contact_rule=FirstContactRule.SAME_TIME_NEXT_WORKING_DAY
    )
    received = timezone.now() - timedelta(hours=1)
    referral = referral_services.referral_create(
        by=officer,
        service=service,
        received_at=received,
        source="police",
        subject="victim_survivor",
        area=None,
        risk_level="high",
        heard_at_marac=False,
        children_in_household=0,
        age_band="25_34",
        gender="woman",
        ethnic_group="not_known",
        disability="no",
        sexual_orientation="not_known",
        no_recourse_to_public_funds="no",
        person_key=identity.person_key("Ann Example", BORN),
    )
    assert referral.first_contact_due_at == rules.first_contact_due(
        received, FirstContactRule.SAME_TIME_NEXT_WORKING_DAY
    )


# Repeats: in the same role only, by default ---------------------------------------------------


def _log(by, service, subject: str, received: datetime):
    return referral_services.referral_create(
        by=by,
        service=service,
        received_at=received,
        source="police",
        subject=subject,
        area=None,
        risk_level="medium",
        heard_at_marac=False,
        children_in_household=0,
        age_band="25_34",
        gender="man",
        ethnic_group="not_known",
        disability="no",
        sexual_orientation="not_known",
        no_recourse_to_public_funds="no",
        person_key=identity.person_key("Sam Example", BORN),
    )


def test_a_victim_earlier_referred_as_a_perpetrator_is_not_a_repeat_in_the_same_role(officer):
    same_role = CommissionedServiceFactory()
    ServiceDefinitionFactory(service=same_role, repeats_same_role=True)
    any_role = CommissionedServiceFactory()
    ServiceDefinitionFactory(service=any_role, repeats_same_role=False)
    now = timezone.now()
    _log(officer, same_role, "perpetrator", now - timedelta(days=30))
    assert not _log(officer, same_role, "victim_survivor", now - timedelta(days=20)).is_repeat
    assert _log(officer, any_role, "victim_survivor", now - timedelta(days=10)).is_repeat
    assert _log(officer, same_role, "victim_survivor", now - timedelta(days=5)).is_repeat
