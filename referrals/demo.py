"""Demo referrals with a realistic shape, from 2019/20 Q1 to the demo's today.

- Volume: district shares follow population (4% out of area), about 6% growth a year, fewer
  at weekends, bank holidays and Christmas, rises at the start of school terms (September,
  January and after Easter), a drop in the first lockdown (late March and April 2020) with a
  recovery in May and demand about a quarter higher after schools returned in September 2020
  (context/001).
- People: about one referral in five is of someone referred before (some outside the repeat
  window, so not every one is a repeat), and some households are referred for different people.
- Response: 85-95% first contact within one working day and oversight within 24 hours, lower
  in 2020/21; waiting lists mostly for standard and medium risk; outcomes at closure.
- A few referrals from the last day and a half are still waiting for first contact at the demo
  officer's service, so the officer has work on their first sign-in.

Rows are inserted in batches with executemany (see `_Writer`), with the referrals' primary keys
given, so that repeat links and history rows need no read-back. The derived columns (due times,
within-SLA flags, waiting time, repeat links) come from the same `referrals.rules` functions the
services use.
`seed_demo --referrals 1000000` takes a few minutes on SQLite or PostgreSQL.
"""

from __future__ import annotations

import random
import time as time_module
from bisect import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from commissioning.constants import ServiceType
from commissioning.models import CommissionedService
from partnership.calendar import is_working_day
from partnership.constants import Role

from . import rules
from .constants import (
    AgeBand,
    ClosureReason,
    DeclineReason,
    EthnicGroup,
    Gender,
    Outcome,
    ReferralSource,
    RiskLevel,
    SexualOrientation,
    Status,
    Subject,
    YesNoUnknown,
)
from .demo_statutory import NOT_RECORDED
from .identity import demo_key
from .models import ReferenceCounter, Referral, ReferralOutcome, ReferralStatusChange
from .services import format_reference
from .summary import rebuild_summary

START = date(2019, 4, 1)
# Times are made in UTC, so that adding hours adds real hours; days are judged in local time.
LOCAL = timezone.get_default_timezone()
BATCH = 5_000
OUT_OF_AREA_SHARE = 0.04

SERVICE_WEIGHTS = {
    ServiceType.IDVA_OUTREACH: 40,
    ServiceType.HELPLINE: 10,
    ServiceType.PERPETRATOR_PROGRAMME: 10,
    ServiceType.CHILDREN_YOUNG_PEOPLE: 12,
    ServiceType.REFUGE: 6,
    ServiceType.DISPERSED_SAFE_ACCOMMODATION: 4,
    ServiceType.SANCTUARY_SCHEME: 6,
    ServiceType.MOVE_ON_ACCOMMODATION: 2,
    ServiceType.OTHER_SAFE_ACCOMMODATION: 2,
    ServiceType.OTHER: 3,
    ServiceType.TRAINING: 0,
}

SOURCE_WEIGHTS = {
    ReferralSource.POLICE: 30,
    ReferralSource.SELF: 12,
    ReferralSource.CHILDRENS_SERVICES: 10,
    ReferralSource.ADULT_SOCIAL_CARE: 4,
    ReferralSource.HEALTH: 8,
    ReferralSource.HOUSING: 6,
    ReferralSource.EDUCATION: 3,
    ReferralSource.MARAC: 5,
    ReferralSource.MASH: 12,
    ReferralSource.SPECIALIST: 6,
    ReferralSource.OTHER: 4,
}
SOURCE_ORGANISATION = {
    ReferralSource.POLICE: "Eastshire Police",
    ReferralSource.HEALTH: "Eastshire Integrated Care Board",
    ReferralSource.CHILDRENS_SERVICES: "Eastshire County Council",
    ReferralSource.ADULT_SOCIAL_CARE: "Eastshire County Council",
    ReferralSource.MASH: "Eastshire County Council",
}

RISK_WEIGHTS = {RiskLevel.STANDARD: 45, RiskLevel.MEDIUM: 35, RiskLevel.HIGH: 20}
ADULT_AGE_WEIGHTS = {
    AgeBand.AGE_16_17: 2,
    AgeBand.AGE_18_24: 16,
    AgeBand.AGE_25_34: 30,
    AgeBand.AGE_35_44: 24,
    AgeBand.AGE_45_54: 14,
    AgeBand.AGE_55_64: 6,
    AgeBand.AGE_65_74: 3,
    AgeBand.AGE_75_PLUS: 1,
    AgeBand.NOT_KNOWN: 4,
}
ETHNIC_WEIGHTS = {
    EthnicGroup.WHITE_BRITISH: 78,
    EthnicGroup.WHITE_OTHER: 5,
    EthnicGroup.WHITE_IRISH: 1,
    EthnicGroup.WHITE_GYPSY_TRAVELLER: 1,
    EthnicGroup.ASIAN_PAKISTANI: 2,
    EthnicGroup.ASIAN_INDIAN: 2,
    EthnicGroup.ASIAN_BANGLADESHI: 1,
    EthnicGroup.BLACK_AFRICAN: 2,
    EthnicGroup.BLACK_CARIBBEAN: 1,
    EthnicGroup.MIXED_WHITE_BLACK_CARIBBEAN: 1,
    EthnicGroup.MIXED_OTHER: 1,
    EthnicGroup.OTHER_ANY: 1,
    EthnicGroup.NOT_KNOWN: 4,
}
ORIENTATION_WEIGHTS = {
    SexualOrientation.STRAIGHT: 70,
    SexualOrientation.GAY_LESBIAN: 3,
    SexualOrientation.BISEXUAL: 3,
    SexualOrientation.NOT_KNOWN: 20,
    SexualOrientation.PREFER_NOT_TO_SAY: 4,
}
CHILDREN_WEIGHTS = {0: 45, 1: 25, 2: 18, 3: 8, 4: 4}
CLOSURE_AFTER_SUPPORT = {
    ClosureReason.SUPPORT_COMPLETED: 70,
    ClosureReason.STOPPED_ENGAGING: 20,
    ClosureReason.MOVED_AWAY: 5,
    ClosureReason.OTHER: 5,
}
OUTCOME_CHANCE = {
    Outcome.RISK_REDUCED: 0.75,
    Outcome.FEELS_SAFER: 0.8,
    Outcome.MORE_CONFIDENT: 0.6,
    Outcome.FINANCES: 0.3,
    Outcome.ORDER_OBTAINED: 0.15,
    Outcome.HOUSING_SECURED: 0.25,
    Outcome.REPORTED_TO_POLICE: 0.3,
}


class Weighted:
    """Fast weighted choice from a fixed table."""

    def __init__(self, weights: dict):
        self.values = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


CLOSURE_PICK = Weighted(CLOSURE_AFTER_SUPPORT)


def day_weight(day: date) -> float:
    """Relative volume of referrals received on `day` (see the module docstring)."""
    years = (day - START).days / 365.25
    weight = 1.06**years
    if day.weekday() == 5:
        weight *= 0.45
    elif day.weekday() == 6:
        weight *= 0.4
    elif not is_working_day(day):
        weight *= 0.45
    if day.month == 9 and day.day <= 21:
        weight *= 1.2
    elif day.month == 1 and 3 <= day.day <= 17:
        weight *= 1.12
    elif day.month == 4 and day.day >= 15 and day.year != 2020:
        weight *= 1.08
    if day.month == 12 and day.day >= 23:
        weight *= 0.7
    if date(2020, 3, 23) <= day <= date(2020, 4, 30):
        weight *= 0.55
    elif date(2020, 5, 1) <= day <= date(2020, 5, 31):
        weight *= 0.75 + 0.25 * (day.day / 31)
    elif date(2020, 6, 1) <= day <= date(2020, 8, 31):
        weight *= 1.05
    elif date(2020, 9, 1) <= day <= date(2021, 8, 31):
        weight *= 1.25
    elif day > date(2021, 8, 31):
        weight *= 1.15
    return weight


def _sla_chance(received: datetime) -> float:
    """Share responded to in time: lower under the pressure of 2020/21 (context/001)."""
    if date(2020, 9, 1) <= received.date() <= date(2021, 6, 30):
        return 0.91
    if received.date() < date(2020, 4, 1):
        return 0.94
    return 0.97


@dataclass
class _Plan:
    """What happens to one referral, before cutting at the demo's present moment."""

    events: list  # (datetime, to_status)
    first_contact_at: datetime | None = None
    support_started_at: datetime | None = None
    waiting_list_at: datetime | None = None
    waiting_list_left_at: datetime | None = None
    signposted_at: datetime | None = None
    declined_at: datetime | None = None
    decline_reason: str = ""
    closed_at: datetime | None = None
    closure_reason: str = ""
    outcomes: tuple = ()


def _services(ctx) -> list[CommissionedService]:
    services = ctx.extra.get("services")
    if isinstance(services, dict):
        services = list(services.values())
    if not services:
        services = list(CommissionedService.objects.all())
    return [service for service in services if service.is_active]


def _received_times(ctx, count: int, now: datetime) -> list[datetime]:
    """`count` receipt times from START to `now`, shaped by day_weight, in order."""
    last = now.astimezone(LOCAL).date()
    days = [START + timedelta(days=i) for i in range((last - START).days + 1)]
    weights = [day_weight(day) for day in days]
    total = sum(weights)
    rng = ctx.rng
    times, running, given = [], 0.0, 0
    for day, weight in zip(days, weights, strict=True):
        running += weight
        due = round(count * running / total)
        for _ in range(due - given):
            times.append(_time_on(rng, day, now))
        given = due
    times.sort()
    return times


def _time_on(rng: random.Random, day: date, now: datetime) -> datetime:
    if day.weekday() < 5 and rng.random() < 0.85:
        seconds = rng.randrange(8 * 3600, 19 * 3600)
    else:
        seconds = rng.randrange(0, 24 * 3600)
    moment = (datetime.combine(day, time()) + timedelta(seconds=seconds)).replace(tzinfo=LOCAL)
    moment = moment.astimezone(UTC)
    if moment >= now:
        moment = now - timedelta(seconds=rng.randrange(60, 6 * 3600))
    return moment


def _plan(rng: random.Random, received: datetime, risk: str, subject: str) -> _Plan:
    """A referral's life: first response, waiting list, support and closure."""
    plan = _Plan(events=[])
    due = rules.first_contact_due(received).astimezone(UTC)
    if rng.random() < _sla_chance(received):
        span = (due - received).total_seconds()
        responded = received + timedelta(seconds=rng.uniform(0.02, 0.95) * span)
    else:
        responded = due + timedelta(hours=rng.uniform(1, 96))
    if rng.random() < 0.05:
        # Not reached in time: most are closed, some are reached days later.
        plan.events.append((responded, Status.UNABLE_TO_CONTACT))
        if rng.random() < 0.6:
            plan.closed_at = responded + timedelta(days=rng.uniform(14, 28))
            plan.closure_reason = ClosureReason.UNABLE_TO_CONTACT
            plan.events.append((plan.closed_at, Status.CLOSED))
            return plan
        responded = max(responded, due) + timedelta(days=rng.uniform(2, 10))
    plan.first_contact_at = responded
    plan.events.append((responded, Status.CONTACTED))
    after = rng.random()
    if after < 0.08:
        plan.signposted_at = responded + timedelta(hours=rng.uniform(0.5, 72))
        plan.events.append((plan.signposted_at, Status.SIGNPOSTED))
        plan.closed_at = plan.signposted_at + timedelta(days=rng.uniform(1, 10))
        plan.closure_reason = ClosureReason.SIGNPOSTED
        plan.events.append((plan.closed_at, Status.CLOSED))
        return plan
    if after < 0.12:
        plan.declined_at = responded + timedelta(hours=rng.uniform(0.5, 72))
        plan.decline_reason = rng.choice(DeclineReason.values)
        plan.events.append((plan.declined_at, Status.DECLINED))
        plan.closed_at = plan.declined_at + timedelta(days=rng.uniform(1, 10))
        plan.closure_reason = ClosureReason.DECLINED
        plan.events.append((plan.closed_at, Status.CLOSED))
        return plan
    pressure = 1.6 if date(2020, 9, 1) <= received.date() <= date(2021, 12, 31) else 1.0
    waiting_chance = {RiskLevel.STANDARD: 0.3, RiskLevel.MEDIUM: 0.15, RiskLevel.HIGH: 0.03}[risk]
    if rng.random() < waiting_chance * pressure:
        plan.waiting_list_at = responded + timedelta(hours=rng.uniform(1, 48))
        plan.events.append((plan.waiting_list_at, Status.WAITING_LIST))
        wait = {RiskLevel.STANDARD: (10, 60), RiskLevel.MEDIUM: (5, 25), RiskLevel.HIGH: (0.5, 4)}
        low, high = wait[risk]
        started = plan.waiting_list_at + timedelta(days=rng.uniform(low, high * pressure))
        plan.waiting_list_left_at = started
    else:
        hurry = {RiskLevel.STANDARD: 5, RiskLevel.MEDIUM: 3, RiskLevel.HIGH: 1.5}[risk]
        started = responded + timedelta(days=rng.uniform(0.05, hurry))
    plan.support_started_at = started
    plan.events.append((started, Status.IN_SUPPORT))
    plan.closed_at = started + timedelta(days=rng.uniform(30, 150))
    plan.closure_reason = CLOSURE_PICK.pick(rng)
    plan.events.append((plan.closed_at, Status.CLOSED))
    engaged = plan.closure_reason == ClosureReason.SUPPORT_COMPLETED
    outcomes = [
        outcome
        for outcome, chance in OUTCOME_CHANCE.items()
        if rng.random()
        < (chance if engaged else chance / 3)
        * (2 if outcome == Outcome.ORDER_OBTAINED and risk == RiskLevel.HIGH else 1)
    ]
    if subject == Subject.PERPETRATOR and rng.random() < 0.7:
        outcomes.append(Outcome.PERPETRATOR_PROGRAMME)
    plan.outcomes = tuple(outcomes)
    return plan


def _cut(plan: _Plan, now: datetime) -> _Plan:
    """Forget everything that has not happened by `now`."""
    plan.events = [(moment, status) for moment, status in plan.events if moment <= now]
    for name in (
        "first_contact_at",
        "support_started_at",
        "waiting_list_at",
        "waiting_list_left_at",
        "signposted_at",
        "declined_at",
        "closed_at",
    ):
        moment = getattr(plan, name)
        if moment is not None and moment > now:
            setattr(plan, name, None)
    if plan.declined_at is None:
        plan.decline_reason = ""
    if plan.closed_at is None:
        plan.closure_reason = ""
        plan.outcomes = ()
    return plan


class _People:
    """Fictional people and households, with earlier ones coming back now and then."""

    def __init__(self, rng: random.Random, per_day: float):
        self.rng = rng
        self.people: list[tuple[int, int | None]] = []  # (person, household)
        self.households = 0
        self.mean_lag = max(1.0, per_day * 150)  # people come back after ~5 months on average

    def _earlier(self, items: list):
        lag = int(self.rng.expovariate(1 / self.mean_lag))
        return items[max(0, len(items) - 1 - lag)]

    def next(self) -> tuple[int, int | None]:
        rng = self.rng
        if self.people and rng.random() < 0.2:
            person, household = self._earlier(self.people)
            if household is None or rng.random() < 0.3:
                household = self._new_household()
        else:
            person = len(self.people)
            if self.people and rng.random() < 0.08:
                household = self._earlier(self.people)[1] or self._new_household()
            else:
                household = self._new_household()
        self.people.append((person, household))
        return person, household

    def _new_household(self) -> int | None:
        if self.rng.random() < 0.1:
            return None  # no fixed address, or not known
        self.households += 1
        return self.households


class _Writer:
    """Inserts rows of one model with executemany: bulk_create's per-value preparation would
    take most of the time at a million rows. Every concrete column must be given (`add` checks
    the first row); datetimes are aware, as the ORM would take them."""

    def __init__(self, model, *, with_pk: bool = False):
        self.fields = [
            field for field in model._meta.concrete_fields if with_pk or not field.primary_key
        ]
        quote = connection.ops.quote_name
        # Table and column names come from the model, quoted; values are parameters.
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(model._meta.db_table),
            ", ".join(quote(field.column) for field in self.fields),
            ", ".join(["%s"] * len(self.fields)),
        )
        self.names = [field.attname for field in self.fields]
        kinds = [field.get_internal_type() for field in self.fields]
        sqlite = connection.vendor == "sqlite"
        self.datetimes = [i for i, kind in enumerate(kinds) if kind == "DateTimeField" and sqlite]
        self.durations = [i for i, kind in enumerate(kinds) if kind == "DurationField" and sqlite]
        self.rows: list[dict] = []
        self.written = 0

    def add(self, row: dict) -> None:
        if not self.written and not self.rows and set(row) != set(self.names):
            raise ValueError(f"demo row has the wrong columns: {set(row) ^ set(self.names)}")
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        values = [[row[name] for name in self.names] for row in self.rows]
        # SQLite keeps datetimes as UTC text and durations as microseconds, as Django does.
        for row in values:
            for i in self.datetimes:
                if row[i] is not None:
                    moment = row[i]
                    row[i] = (moment - moment.utcoffset()).replace(tzinfo=None).isoformat(" ")
            for i in self.durations:
                if row[i] is not None:
                    row[i] = row[i] // timedelta(microseconds=1)
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, values)
        self.written += len(values)
        self.rows.clear()


def _officers_by_organisation(ctx) -> dict[int, object]:
    officers = {}
    for user in ctx.users.values():
        if Role.OFFICER in user.role_names() and user.organisation_id:
            officers.setdefault(user.organisation_id, user)
    return officers


def seed(ctx) -> None:
    started = time_module.monotonic()
    services = _services(ctx)
    if not services or ctx.referrals <= 0:
        return
    rng = ctx.rng
    now = timezone.now()
    end_of_today = datetime.combine(ctx.today, time(17, 0), tzinfo=LOCAL).astimezone(UTC)
    now = min(now, end_of_today)
    officers = _officers_by_organisation(ctx)
    home_officer = ctx.users.get("officer")
    fresh_service = next(
        (
            s
            for s in sorted(services, key=lambda s: s.service_type != ServiceType.IDVA_OUTREACH)
            if home_officer is not None and s.provider_id == home_officer.organisation_id
        ),
        None,
    )
    fresh = min(4, max(1, ctx.referrals // 100)) if fresh_service is not None else 0
    times = _received_times(ctx, ctx.referrals - fresh, now)
    fresh_times = [now - timedelta(minutes=rng.randrange(20, 36 * 60)) for _ in range(fresh)]
    stream = sorted([(t, False) for t in times] + [(t, True) for t in fresh_times])

    # Services that take no referrals (training) are left out; unknown kinds get a small share.
    weights = {s: SERVICE_WEIGHTS.get(s.service_type, 1) for s in services}
    service_pick = Weighted({s: w for s, w in weights.items() if w} or dict.fromkeys(services, 1))
    areas = list(ctx.areas.values())
    area_pick = Weighted({area: area.population for area in areas})
    organisations = ctx.organisations
    district_councils = {
        area.pk: organisations.get(f"{area.name} District Council") for area in areas
    }
    pickers = {
        "source": Weighted(SOURCE_WEIGHTS),
        "risk": Weighted(RISK_WEIGHTS),
        "age": Weighted(ADULT_AGE_WEIGHTS),
        "ethnic": Weighted(ETHNIC_WEIGHTS),
        "orientation": Weighted(ORIENTATION_WEIGHTS),
        "children": Weighted(CHILDREN_WEIGHTS),
    }
    days = max(1, (now.date() - START).days)
    people = _People(rng, len(stream) / days)
    last_person: dict[int, tuple[datetime, int]] = {}
    last_household: dict[int, tuple[datetime, int]] = {}
    counters: dict[int, int] = {}
    next_pk = (Referral.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    first_pk = next_pk
    repeats = 0
    indexes = _drop_indexes()
    referral_rows = _Writer(Referral, with_pk=True)
    change_rows = _Writer(ReferralStatusChange)
    outcome_rows = _Writer(ReferralOutcome)

    def flush():
        for writer in (referral_rows, change_rows, outcome_rows):
            writer.flush()

    for received_at, is_fresh in stream:
        service = fresh_service if is_fresh else service_pick.pick(rng)
        pk = next_pk
        next_pk += 1
        year = received_at.astimezone(LOCAL).year
        counters[year] = counters.get(year, 0) + 1
        subject = {
            ServiceType.PERPETRATOR_PROGRAMME: Subject.PERPETRATOR,
            ServiceType.CHILDREN_YOUNG_PEOPLE: Subject.CHILD,
        }.get(service.service_type, Subject.VICTIM_SURVIVOR)
        risk = pickers["risk"].pick(rng)
        source = pickers["source"].pick(rng)
        if source == ReferralSource.MARAC:
            risk = RiskLevel.HIGH
        area = None if rng.random() < OUT_OF_AREA_SHARE else area_pick.pick(rng)
        if source == ReferralSource.HOUSING and area is not None:
            referrer = district_councils.get(area.pk)
        else:
            referrer = organisations.get(SOURCE_ORGANISATION.get(source, ""))
        person, household = people.next()
        person_key = demo_key("person", str(person))
        address_key = demo_key("address", str(household)) if household is not None else ""
        earlier = last_person.get(person)
        is_repeat = earlier is not None and rules.is_within_repeat_window(earlier[0], received_at)
        earlier_home = last_household.get(household) if household is not None else None
        is_repeat_address = earlier_home is not None and rules.is_within_repeat_window(
            earlier_home[0], received_at
        )
        last_person[person] = (received_at, pk)
        if household is not None:
            last_household[household] = (received_at, pk)

        plan = _Plan(events=[]) if is_fresh else _cut(_plan(rng, received_at, risk, subject), now)
        if plan.signposted_at is not None:
            others = [s for s in services if s.pk != service.pk]
            signposted_to = rng.choice(others) if others else None
        else:
            signposted_to = None
        oversight_at = None
        if not is_fresh:
            hours = rng.uniform(1, 23.9) if rng.random() < _sla_chance(received_at) else None
            oversight_at = received_at + timedelta(hours=hours or rng.uniform(24.5, 96))
            if oversight_at > now or (plan.closed_at and oversight_at > plan.closed_at):
                oversight_at = None
        logged_by = officers.get(service.provider_id)
        status = plan.events[-1][1] if plan.events else Status.RECEIVED
        if subject == Subject.CHILD:
            age_band = rng.choice([AgeBand.UNDER_16, AgeBand.UNDER_16, AgeBand.AGE_16_17])
            gender_weights = (0.5, 0.48)
        else:
            age_band = pickers["age"].pick(rng)
            gender_weights = (0.12, 0.85) if subject == Subject.PERPETRATOR else (0.85, 0.12)
        draw = rng.random()
        gender = (
            Gender.WOMAN
            if draw < gender_weights[0]
            else Gender.MAN
            if draw < gender_weights[0] + gender_weights[1]
            else rng.choice([Gender.NON_BINARY, Gender.NOT_KNOWN])
        )
        referral_rows.add(
            {
                "id": pk,
                "reference": format_reference(year, counters[year]),
                "service_id": service.pk,
                "received_at": received_at,
                "source": source,
                "referring_organisation_id": referrer.pk if referrer else None,
                "subject": subject,
                "area_id": area.pk if area else None,
                "risk_level": risk,
                "heard_at_marac": risk == RiskLevel.HIGH and rng.random() < 0.7,
                "children_in_household": pickers["children"].pick(rng),
                "age_band": age_band,
                "gender": gender,
                "ethnic_group": pickers["ethnic"].pick(rng),
                "disability": YesNoUnknown.YES if rng.random() < 0.18 else YesNoUnknown.NO,
                "sexual_orientation": pickers["orientation"].pick(rng),
                "no_recourse_to_public_funds": (
                    YesNoUnknown.YES if rng.random() < 0.02 else YesNoUnknown.NO
                ),
                "person_key": person_key,
                "address_key": address_key,
                "is_repeat": is_repeat,
                "repeat_of_id": earlier[1] if is_repeat else None,
                "is_repeat_address": is_repeat_address,
                "repeat_address_of_id": earlier_home[1] if is_repeat_address else None,
                "status": status,
                "status_changed_at": plan.events[-1][0] if plan.events else received_at,
                "logged_by_id": logged_by.pk if logged_by else None,
                "logged_at": received_at + timedelta(minutes=5),
                "first_contact_due_at": rules.first_contact_due(received_at),
                "first_contact_at": plan.first_contact_at,
                "contacted_within_sla": (
                    rules.contacted_within_sla(received_at, plan.first_contact_at)
                    if plan.first_contact_at
                    else None
                ),
                "oversight_due_at": rules.oversight_due(received_at),
                "oversight_at": oversight_at,
                "oversight_within_sla": (
                    rules.oversight_within_sla(received_at, oversight_at) if oversight_at else None
                ),
                "waiting_list_at": plan.waiting_list_at,
                "waiting_list_left_at": plan.waiting_list_left_at,
                "support_started_at": plan.support_started_at,
                "waiting_time": (
                    rules.waiting_time(received_at, plan.support_started_at)
                    if plan.support_started_at
                    else None
                ),
                "signposted_at": plan.signposted_at,
                "signposted_to_service_id": signposted_to.pk if signposted_to else None,
                "signposted_to_organisation_id": None,
                "declined_at": plan.declined_at,
                "decline_reason": plan.decline_reason,
                "closed_at": plan.closed_at,
                "closure_reason": plan.closure_reason,
                **NOT_RECORDED,
            }
        )
        previous = Status.RECEIVED
        for moment, to_status in plan.events:
            change_rows.add(
                {
                    "referral_id": pk,
                    "from_status": previous,
                    "to_status": to_status,
                    "at": moment,
                    "by_id": logged_by.pk if logged_by else None,
                    "recorded_at": moment,
                }
            )
            previous = to_status
        for outcome in plan.outcomes:
            outcome_rows.add({"referral_id": pk, "outcome": outcome})
        repeats += is_repeat
        if len(referral_rows.rows) >= BATCH:
            flush()
    flush()
    _build_indexes(indexes)

    for year, number in counters.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": number})
    if next_pk > first_pk:
        _reset_sequences()
    # The batch insert bypasses save(), so the dashboard's summary is counted once here.
    summary_rows = rebuild_summary()
    ctx.extra["referral_count"] = referral_rows.written
    ctx.log.append(
        f"{referral_rows.written} referrals ({repeats} repeats), "
        f"{change_rows.written} status changes, {outcome_rows.written} outcomes, "
        f"{summary_rows} summary rows in {time_module.monotonic() - started:.1f} s"
    )


def _drop_indexes() -> list[str]:
    """Drop the referral table's own indexes for the load and return the SQL that rebuilds
    them: building an index once over a million rows is much faster than keeping it up to date
    row by row. Plain SQL, because Django's SQLite schema editor refuses to run inside the
    demo's transaction; the whole seed is one transaction, so a failure loses nothing."""
    editor = connection.schema_editor()
    rebuild = []
    with connection.cursor() as cursor:
        for index in Referral._meta.indexes:
            rebuild.append(str(index.create_sql(Referral, editor)))
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(index.name)}")
    return rebuild


def _build_indexes(statements: list[str]) -> None:
    if connection.vendor == "postgresql":
        # PostgreSQL will not index a table with deferred foreign key checks still pending:
        # run them now (SET CONSTRAINTS ALL IMMEDIATE, then back to deferred).
        connection.check_constraints()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _reset_sequences() -> None:
    """PostgreSQL's id sequence must move past the primary keys given above."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Referral])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
