"""Imported referrals count in every figure exactly as typed ones: the same cases typed through
the officer's services and imported as a return give the same dashboard, panel for panel, for
every quarter, suppressed and exact, for all services and for the service, and the same
monthly summary."""

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from partnership.calendar import FinancialQuarter
from referrals import identity, services
from referrals.children import children_figures, stored_children_figures
from referrals.metrics import group_figures, stored_group_figures
from referrals.models import Referral, ReferralSummary
from scrutiny.dashboard.build import build_dashboard
from scrutiny.dashboard.periods import quarters_with_referrals
from tests.factories import AreaFactory, OrganisationFactory

from .conftest import csv_bytes, moment

pytestmark = pytest.mark.django_db

PEOPLE = [("Robin Example", date(1980, 5, 1)), ("Kim Sample", date(1991, 8, 12))] + [
    (f"Person {n} Testcase", date(1970 + n, 1 + n % 12, 1 + n % 28)) for n in range(30)
]


def out_of_the_repeated_hour(moment):
    """A return gives local times, which cannot name the second of the two hours the clocks
    repeat in October: a time in it moves an hour on (cases are made relative to now, so some
    days' runs land there)."""
    return moment + timedelta(hours=1) if timezone.localtime(moment).fold else moment


def make_cases(areas, organisation, count=60):
    """Cases over the last nine months, with repeats, waiting lists, declines, signposts,
    closures with outcomes, some steps late and some still open."""
    rng = random.Random(4)
    now = timezone.now() - timedelta(hours=2)
    cases = []
    for n in range(count):
        received = out_of_the_repeated_hour(
            (now - timedelta(days=rng.randrange(3, 270), minutes=rng.randrange(0, 600))).replace(
                second=0, microsecond=0
            )
        )
        name, born = rng.choice(PEOPLE[:12])  # a few people, so some are repeats
        address = rng.choice([None, ("ZZ99 1AB", "12"), ("ZZ99 2CD", "Flat 3")])
        events = {"oversight": received + timedelta(hours=rng.choice([3, 30]))}
        at = received + timedelta(hours=rng.choice([2, 20, 60]))
        kind = rng.choice(["open", "support", "waiting", "declined", "signposted", "unable"])
        if kind == "unable":
            events["unable_to_contact"] = at
            at += timedelta(days=1)
        if kind != "open" or rng.random() < 0.5:
            events["contact"] = at
        if kind == "waiting":
            events["waiting_list"] = at + timedelta(days=1)
            at += timedelta(days=rng.randrange(5, 40))
            events["start_support"] = at
        elif kind == "support":
            at += timedelta(days=rng.randrange(1, 10))
            events["start_support"] = at
        elif kind == "declined":
            events["decline"] = at + timedelta(days=1)
        elif kind == "signposted":
            events["signpost"] = at + timedelta(days=1)
        close = at + timedelta(days=rng.randrange(1, 30))
        if (
            kind in ("support", "waiting", "declined", "signposted")
            and close < now
            and rng.random() < 0.7
        ):
            events["close"] = max(close, max(events.values()))
        if "oversight" in events and "close" in events and events["oversight"] > events["close"]:
            del events["oversight"]
        events = {step: out_of_the_repeated_hour(at) for step, at in events.items() if at < now}
        cases.append(
            {
                "case_id": f"C-{n}",
                "received_at": received,
                "source": rng.choice(["police", "self", "health", "marac"]),
                "subject": rng.choice(["victim_survivor", "victim_survivor", "perpetrator"]),
                "area": rng.choice(areas + [None]),
                "risk_level": rng.choice(["standard", "medium", "high"]),
                "heard_at_marac": rng.random() < 0.2,
                "children_in_household": rng.randrange(0, 4),
                "age_band": rng.choice(["18_24", "25_34", "35_44", "not_known"]),
                "gender": rng.choice(["woman", "man", "not_known"]),
                "ethnic_group": rng.choice(["white_british", "asian_indian", "not_known"]),
                "disability": rng.choice(["yes", "no", "not_known"]),
                "sexual_orientation": rng.choice(["straight", "prefer_not_to_say"]),
                "no_recourse_to_public_funds": rng.choice(["no", "yes"]),
                "person": (name, born),
                "address": address,
                "events": events,
                "decline_reason": "person_declined",
                "signpost_to": organisation,
                "closure_reason": rng.choice(["support_completed", "stopped_engaging"]),
                "outcomes": rng.sample(
                    ["feels_safer", "risk_reduced", "finances"], rng.randrange(0, 3)
                ),
            }
        )
    return cases


def type_case(case, *, by, service):
    name, born = case["person"]
    referral = services.referral_create(
        by=by,
        service=service,
        **{key: case[key] for key in FIELDS},
        person_key=identity.person_key(name, born),
        address_key=identity.address_key(*case["address"]) if case["address"] else "",
    )
    order = [
        "unable_to_contact",
        "contact",
        "oversight",
        "waiting_list",
        "start_support",
        "signpost",
        "decline",
        "close",
    ]
    steps = sorted(case["events"].items(), key=lambda item: (item[1], order.index(item[0])))
    for step, at in steps:
        common = {"referral": referral, "by": by}
        if step == "contact":
            services.referral_record_contact(contacted_at=at, **common)
        elif step == "unable_to_contact":
            services.referral_record_unable_to_contact(at=at, **common)
        elif step == "oversight":
            services.referral_record_oversight(oversight_at=at, **common)
        elif step == "waiting_list":
            services.referral_add_to_waiting_list(at=at, **common)
        elif step == "start_support":
            services.referral_start_support(started_at=at, **common)
        elif step == "signpost":
            services.referral_signpost(at=at, to_organisation=case["signpost_to"], **common)
        elif step == "decline":
            services.referral_decline(at=at, reason=case["decline_reason"], **common)
        elif step == "close":
            services.referral_close(
                closed_at=at, reason=case["closure_reason"], outcomes=case["outcomes"], **common
            )


FIELDS = [
    "received_at",
    "source",
    "subject",
    "area",
    "risk_level",
    "heard_at_marac",
    "children_in_household",
    "age_band",
    "gender",
    "ethnic_group",
    "disability",
    "sexual_orientation",
    "no_recourse_to_public_funds",
]
COLUMN_OF_STEP = {
    "unable_to_contact": "Unable to contact",
    "contact": "First contact",
    "oversight": "Managerial oversight",
    "waiting_list": "Added to waiting list",
    "start_support": "Support started",
    "signpost": "Signposted",
    "decline": "Declined",
    "close": "Closed",
}


def as_row(case) -> dict[str, str]:
    name, born = case["person"]
    row = {
        "Case ID": case["case_id"],
        "Received": moment(case["received_at"]),
        "Referral source": case["source"],
        "Subject": case["subject"],
        "District": case["area"].name if case["area"] else "Out of area",
        "Risk level": case["risk_level"],
        "Heard at MARAC": "Yes" if case["heard_at_marac"] else "No",
        "Children in household": str(case["children_in_household"]),
        "Person key": f"{name}|{born.isoformat()}",
        "Address key": "|".join(case["address"]) if case["address"] else "",
        "Age band": case["age_band"],
        "Gender": case["gender"],
        "Ethnic group": case["ethnic_group"],
        "Disability": case["disability"],
        "Sexual orientation": case["sexual_orientation"],
        "No recourse to public funds": case["no_recourse_to_public_funds"],
    }
    for step, at in case["events"].items():
        row[COLUMN_OF_STEP[step]] = moment(at)
    if "decline" in case["events"]:
        row["Decline reason"] = case["decline_reason"]
    if "signpost" in case["events"]:
        row["Signposted to"] = case["signpost_to"].name
    if "close" in case["events"]:
        row["Closure reason"] = case["closure_reason"]
        row["Outcomes"] = "; ".join(case["outcomes"])
    return row


def figures(service):
    today = timezone.localdate()
    found = {}
    for quarter in quarters_with_referrals(today):
        for exact in (False, True):
            for service_id in (None, service.pk):
                dashboard = build_dashboard(
                    quarter=quarter, exact=exact, today=today, service_id=service_id
                )
                found[(str(quarter), exact, service_id)] = (dashboard.panels, dashboard.headlines)
    summary = sorted(
        ReferralSummary.objects.values_list(
            "month",
            "dimension",
            "value",
            "referrals",
            "first_contact_met",
            "oversight_met",
            "repeats",
        )
    )
    return found, summary


def derived(referral):
    return (
        referral.received_at,
        referral.status,
        referral.is_repeat,
        referral.is_repeat_address,
        referral.contacted_within_sla,
        referral.oversight_within_sla,
        referral.waiting_time,
        referral.first_contact_due_at,
        referral.closed_at,
        sorted(referral.outcomes.values_list("outcome", flat=True)),
        list(referral.history.values_list("from_status", "to_status", "at")),
    )


def test_dashboard_figures_after_an_import_equal_those_from_typing_the_same_referrals(
    officer, performance_lead, service, upload, confirm
):
    areas = [AreaFactory(name="Northvale"), AreaFactory(name="Southmere")]
    elsewhere = OrganisationFactory(name="Somewhere Else Support")
    cases = make_cases(areas, elsewhere)
    for case in cases:
        type_case(case, by=officer, service=service)
    typed_figures = figures(service)
    typed_rows = [derived(r) for r in Referral.objects.order_by("received_at", "pk")]
    assert sum(1 for r in typed_rows if r[2]) > 5, "the cases should hold repeat referrals"

    Referral.objects.all().delete()
    assert not ReferralSummary.objects.filter(referrals__gt=0).exists()

    run = upload(performance_lead, service, csv_bytes([as_row(case) for case in cases]))
    assert (run.created, run.rejected) == (len(cases), 0), list(
        run.problems.values_list("row_number", "column", "message")
    )
    confirm(run, performance_lead)

    assert [derived(r) for r in Referral.objects.order_by("received_at", "pk")] == typed_rows
    assert figures(service) == typed_figures


def test_stored_figures_are_counted_again_after_an_import_creates_or_corrects_referrals(
    performance_lead, service, row, received, upload, confirm
):
    """Imports write in bulk, without save(): they mark their quarters changed themselves."""
    quarter = FinancialQuarter.containing(received)

    def kept():
        return stored_children_figures(quarter), stored_group_figures(quarter, service_ids=None)

    confirm(upload(performance_lead, service, csv_bytes([row()])), performance_lead)
    assert kept()[0].children_in_households == 2

    corrected = csv_bytes([row(children_in_household="4")])
    confirm(upload(performance_lead, service, corrected, name="b.csv"), performance_lead)
    assert kept()[0].children_in_households == 4  # updated

    added = row(case_id="C-2", person_key="kim sample|1991-08-12", address_key="ZZ99 2CD|3")
    confirm(upload(performance_lead, service, csv_bytes([added]), name="c.csv"), performance_lead)
    assert kept()[1].households == 2  # created
    assert kept() == (children_figures(quarter), group_figures(quarter, service_ids=None))
