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

Each referral is made in two steps:

- `_Drafter` drafts it in order of receipt, from the seed's stream: what depends on the
  referrals before it (its primary key and reference, who is referred and whether they repeat
  an earlier referral, its service, risk and whether it is heard at Marac);
- `_RowMaker` makes its rows from the draft alone, a chunk of drafts at a time, each chunk with
  random streams of its own. So chunks can be made in worker processes (`demo_load.
  made_in_chunks`, from 100,000 referrals, one per core) while this process drafts and writes,
  and one seed still gives one data set, whichever way the rows were made.

Rows are tuples, with the referrals' primary keys given so that repeat links and history rows
need no read-back, written by `referrals.demo_load`: COPY on PostgreSQL, executemany on SQLite,
with the tables' indexes built once at the end; the summary is then rebuilt (in SQL on
PostgreSQL). The derived columns (due times, within-SLA flags, waiting time, repeat links)
follow `referrals.rules` (memoised where a million referrals ask the same question; the tests
check every row against the rules).

Nothing grows with the data but a few arrays of integers (the receipt times, and who was
referred when), so `seed_demo --referrals 10000000` fits in well under 2 GB. On PostgreSQL a
million referrals take about a minute.
"""

from __future__ import annotations

import heapq
import random
import time as time_module
from array import array
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import NamedTuple

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from commissioning.constants import ServiceType
from commissioning.models import CommissionedService
from partnership.calendar import is_working_day
from partnership.constants import Role

from . import demo_load, demo_statutory, rules
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
from .identity import demo_key
from .models import (
    ReferenceCounter,
    Referral,
    ReferralOutcome,
    ReferralStatusChange,
    format_reference,
)
from .stored_figures import forget_stored_figures
from .summary import rebuild_summary

START = date(2019, 4, 1)
# Times are made in UTC, so that adding hours adds real hours; days are judged in local time.
LOCAL = timezone.get_default_timezone()
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
HOUR = 3600 * 10**6  # in microseconds
LOGGED_AFTER = timedelta(minutes=5)
NO_HOUSEHOLD = 0  # households are numbered from 1
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


def _received_times(ctx, count: int, now: datetime) -> array:
    """`count` receipt times from START to `now`, shaped by day_weight, in order, as UTC
    microseconds since the epoch (8 bytes each, so that 10 million fit in 80 MB)."""
    last = now.astimezone(LOCAL).date()
    days = [START + timedelta(days=i) for i in range((last - START).days + 1)]
    weights = [day_weight(day) for day in days]
    total = sum(weights)
    rng = ctx.rng
    times, running, given = array("q"), 0.0, 0
    for day, weight in zip(days, weights, strict=True):
        running += weight
        due = round(count * running / total)
        first = len(times)
        times.extend(_times_on(rng, day, due - given, now))
        # Each day's times fall within that day, except on the last day (see _times_on).
        times[first:] = array("q", sorted(times[first:]))
        given = due
    if times:
        # Times moved back before `now` on the last day may belong among the day before's.
        tail = bisect(times, times[-1] - 2 * 24 * 3600 * 10**6)
        times[tail:] = array("q", sorted(times[tail:]))
    return times


def _microseconds(moment: datetime) -> int:
    return (moment - EPOCH) // ONE_MICROSECOND


def _moment(microseconds: int) -> datetime:
    return EPOCH + timedelta(microseconds=microseconds)


def _times_on(rng: random.Random, day: date, count: int, now: datetime) -> list[int]:
    """`count` times on the local `day`, as UTC microseconds, most in working hours on weekdays;
    a time after `now` moves back to before it."""
    midnight = datetime.combine(day, time(), tzinfo=LOCAL)
    # Local times are seconds after midnight's instant, except on a day the clocks change.
    clocks_change = midnight.utcoffset() != (midnight + timedelta(days=1)).utcoffset()
    first, last = _microseconds(midnight.astimezone(UTC)), _microseconds(now)
    working_day = day.weekday() < 5
    times = []
    for _ in range(count):
        if working_day and rng.random() < 0.85:
            seconds = rng.randrange(8 * 3600, 19 * 3600)
        else:
            seconds = rng.randrange(0, 24 * 3600)
        if clocks_change:
            local = datetime.combine(day, time()) + timedelta(seconds=seconds)
            moment = _microseconds(local.replace(tzinfo=LOCAL).astimezone(UTC))
        else:
            moment = first + seconds * 10**6
        if moment >= last:
            moment = last - rng.randrange(60, 6 * 3600) * 10**6
        times.append(moment)
    return times


def _plan(
    rng: random.Random,
    received: datetime,
    due: datetime,
    sla_chance: float,
    risk: str,
    subject: str,
) -> _Plan:
    """A referral's life: first response, waiting list, support and closure (`due`: the
    first-contact deadline; `sla_chance`: _sla_chance(received))."""
    plan = _Plan(events=[])
    due = due.astimezone(UTC)
    if rng.random() < sla_chance:
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
    """Fictional people and households, with earlier ones coming back now and then.

    People and households are numbered in order of first appearance; the referrals' people
    and households are kept in two arrays, so that ten million take 160 MB."""

    def __init__(self, rng: random.Random, per_day: float):
        self.rng = rng
        self.persons = array("q")
        self.households = array("q")  # NO_HOUSEHOLD: no fixed address, or not known
        self.household_count = 0
        self.mean_lag = max(1.0, per_day * 150)  # people come back after ~5 months on average

    def _earlier(self) -> int:
        """The position of an earlier referral, most likely a recent one."""
        lag = int(self.rng.expovariate(1 / self.mean_lag))
        return max(0, len(self.persons) - 1 - lag)

    def next(self) -> tuple[int, int]:
        rng = self.rng
        if self.persons and rng.random() < 0.2:
            earlier = self._earlier()
            person, household = self.persons[earlier], self.households[earlier]
            if household == NO_HOUSEHOLD or rng.random() < 0.3:
                household = self._new_household()
        else:
            person = len(self.persons)
            if self.persons and rng.random() < 0.08:
                household = self.households[self._earlier()]
                if household == NO_HOUSEHOLD:
                    household = self._new_household()
            else:
                household = self._new_household()
        self.persons.append(person)
        self.households.append(household)
        return person, household

    def _new_household(self) -> int:
        if self.rng.random() < 0.1:
            return NO_HOUSEHOLD
        self.household_count += 1
        return self.household_count


class _LastSeen:
    """When each person (or household), numbered from 0, was last referred, and in which
    referral: two arrays that grow as the numbers do, instead of a dict of tuples."""

    def __init__(self):
        self.times = array("q")
        self.pks = array("q")  # 0: never referred

    def get(self, number: int) -> tuple[int, int] | None:
        if number < len(self.pks) and self.pks[number]:
            return self.times[number], self.pks[number]
        return None

    def set(self, number: int, time: int, pk: int) -> None:
        if number >= len(self.pks):
            grow = number + 1 - len(self.pks) + len(self.pks) // 2
            self.times.extend(array("q", [0]) * grow)
            self.pks.extend(array("q", [0]) * grow)
        self.times[number] = time
        self.pks[number] = pk


def _officers_by_organisation(ctx) -> dict[int, object]:
    officers = {}
    for user in ctx.users.values():
        if Role.OFFICER in user.role_names() and user.organisation_id:
            officers.setdefault(user.organisation_id, user)
    return officers


class _Rules:
    """The referral rules the demo applies a million times, memoised on what their answer
    depends on: the first-contact deadline and the local year on the hour of receipt (the
    local day, and clock changes fall on the hour), the service level chance on the day."""

    def __init__(self):
        self.by_hour: dict[int, tuple[datetime, int]] = {}
        self.sla_chances: dict[int, float] = {}

    def due_and_year(self, received_at: datetime, microseconds: int) -> tuple[datetime, int]:
        hour = microseconds // HOUR
        found = self.by_hour.get(hour)
        if found is None:
            due = rules.first_contact_due(received_at)
            found = self.by_hour[hour] = (due, received_at.astimezone(LOCAL).year)
        return found

    def sla_chance(self, received_at: datetime, microseconds: int) -> float:
        day = microseconds // (24 * HOUR)  # the UTC day, as _sla_chance takes it
        chance = self.sla_chances.get(day)
        if chance is None:
            chance = self.sla_chances[day] = _sla_chance(received_at)
        return chance


class _Service(NamedTuple):
    """What a referral needs of its service, read once."""

    pk: int
    subject: str
    provider_id: int
    logged_by_id: int | None


@dataclass
class _Choices:
    """Everything a referral is drawn from, read once before the loop."""

    services: list[_Service]
    service_pick: Weighted
    area_pick: Weighted  # of area ids
    district_councils: dict[int, int | None]  # area id: its district council's id
    source_organisations: dict[str, int | None]  # referral source: organisation id
    pickers: dict[str, Weighted]


def _choices(ctx, services: list[CommissionedService]) -> _Choices:
    officers = _officers_by_organisation(ctx)
    facts = {
        service: _Service(
            pk=service.pk,
            subject=SUBJECT_OF_SERVICE.get(service.service_type, Subject.VICTIM_SURVIVOR),
            provider_id=service.provider_id,
            logged_by_id=officers[service.provider_id].pk
            if service.provider_id in officers
            else None,
        )
        for service in services
    }
    # Services that take no referrals (training) are left out; unknown kinds get a small share.
    weights = {facts[s]: SERVICE_WEIGHTS.get(s.service_type, 1) for s in services}
    areas = list(ctx.areas.values())

    def pk_of(name: str) -> int | None:
        organisation = ctx.organisations.get(name)
        return organisation.pk if organisation else None

    return _Choices(
        services=list(facts.values()),
        service_pick=Weighted(
            {s: w for s, w in weights.items() if w} or dict.fromkeys(facts.values(), 1)
        ),
        area_pick=Weighted({area.pk: area.population for area in areas}),
        district_councils={area.pk: pk_of(f"{area.name} District Council") for area in areas},
        source_organisations={
            source: pk_of(SOURCE_ORGANISATION.get(source, "")) for source in ReferralSource
        },
        pickers={
            "source": Weighted(SOURCE_WEIGHTS),
            "risk": Weighted(RISK_WEIGHTS),
            "age": Weighted(ADULT_AGE_WEIGHTS),
            "ethnic": Weighted(ETHNIC_WEIGHTS),
            "orientation": Weighted(ORIENTATION_WEIGHTS),
            "children": Weighted(CHILDREN_WEIGHTS),
        },
    )


# The columns the demo fills, in the order of the rows below. Columns left out get their
# database default (NULL): a new column without one must be added here.
REFERRAL_COLUMNS = (
    "id",
    "reference",
    "service_id",
    "received_at",
    "source",
    "referring_organisation_id",
    "subject",
    "area_id",
    "risk_level",
    "heard_at_marac",
    "children_in_household",
    "age_band",
    "gender",
    "ethnic_group",
    "disability",
    "sexual_orientation",
    "no_recourse_to_public_funds",
    "person_key",
    "address_key",
    "is_repeat",
    "repeat_of_id",
    "is_repeat_address",
    "repeat_address_of_id",
    "status",
    "status_changed_at",
    "logged_by_id",
    "logged_at",
    "first_contact_due_at",
    "first_contact_at",
    "contacted_within_sla",
    "oversight_due_at",
    "oversight_at",
    "oversight_within_sla",
    "waiting_list_at",
    "waiting_list_left_at",
    "support_started_at",
    "waiting_time",
    "signposted_at",
    "signposted_to_service_id",
    "signposted_to_organisation_id",
    "declined_at",
    "decline_reason",
    "closed_at",
    "closure_reason",
    # The statutory fields, drawn by referrals.demo_statutory.
    *demo_statutory.COLUMNS,
)
# Where the statutory draws left a Marac case dated, or a household described.
DATED_AT = REFERRAL_COLUMNS.index("marac_referred_on")
DESCRIBED_AT = REFERRAL_COLUMNS.index("characteristics_recorded")
CHANGE_COLUMNS = ("referral_id", "from_status", "to_status", "at", "by_id", "recorded_at")
OUTCOME_COLUMNS = ("referral_id", "outcome")
CharacteristicLink = Referral.specialist_characteristics.through
CHARACTERISTIC_COLUMNS = ("referral_id", "returncategory_id")
SUBJECT_OF_SERVICE = {
    ServiceType.PERPETRATOR_PROGRAMME: Subject.PERPETRATOR,
    ServiceType.CHILDREN_YOUNG_PEOPLE: Subject.CHILD,
}


class _Draft(NamedTuple):
    """What a referral takes from the referrals before it, drawn in order by `_Drafter`; the
    rest of its rows are made from this alone, by `_RowMaker`."""

    pk: int
    received_at: datetime
    first_contact_due: datetime
    reference: str
    service: _Service
    risk: str
    source: str
    heard_at_marac: bool  # as drawn, and again if heard before (demo_statutory)
    person: int
    household: int
    repeat_of: int | None
    repeat_address_of: int | None
    fresh: bool  # still waiting for first contact at the demo officer's service


class _Drafter:
    """Drafts each referral in turn, from the seed's stream: the draws that depend on the
    referrals before (people coming back, repeat links, references, Marac heard again)."""

    def __init__(
        self,
        ctx,
        choices: _Choices,
        statutory: demo_statutory.StatutoryDraws,
        first_pk: int,
        per_day: float,
    ):
        self.rng = ctx.rng
        self.choices = choices
        self.statutory = statutory
        self.next_pk = first_pk
        self.people = _People(self.rng, per_day)
        self.last_person = _LastSeen()
        self.last_household = _LastSeen()
        self.rules = _Rules()
        self.counters: dict[int, int] = {}
        self.repeats = 0

    def draft(self, received_at: datetime, service: _Service | None) -> _Draft:
        """`service` is given for the fresh referrals still waiting for first contact, None to
        draw one."""
        rng, pickers = self.rng, self.choices.pickers
        fresh = service is not None
        service = service or self.choices.service_pick.pick(rng)
        pk = self.next_pk
        self.next_pk += 1
        moment = _microseconds(received_at)
        due, year = self.rules.due_and_year(received_at, moment)
        self.counters[year] = number = self.counters.get(year, 0) + 1
        risk = pickers["risk"].pick(rng)
        source = pickers["source"].pick(rng)
        if source == ReferralSource.MARAC:
            risk = RiskLevel.HIGH
        heard = risk == RiskLevel.HIGH and rng.random() < 0.7
        person, household, repeat_of, repeat_address_of = self._identity(pk, received_at, moment)
        if service.subject == Subject.VICTIM_SURVIVOR:
            heard = self.statutory.heard_again(person, heard)
        return _Draft(
            pk,
            received_at,
            due,
            format_reference(year, number),
            service,
            risk,
            source,
            heard,
            person,
            household,
            repeat_of,
            repeat_address_of,
            fresh,
        )

    def _identity(self, pk: int, received_at: datetime, moment: int):
        """The person's and household's numbers, and the referrals they repeat (or None): the
        repeat rule applied to the fictional people."""
        person, household = self.people.next()
        earlier_person = self.last_person.get(person)
        earlier_home = self.last_household.get(household) if household != NO_HOUSEHOLD else None
        repeat_of = repeat_address_of = None
        if earlier_person or earlier_home:
            window_start = _microseconds(rules.repeat_window_start(received_at))
            if earlier_person and earlier_person[0] >= window_start:
                repeat_of = earlier_person[1]
            if earlier_home and earlier_home[0] >= window_start:
                repeat_address_of = earlier_home[1]
        self.last_person.set(person, moment, pk)
        if household != NO_HOUSEHOLD:
            self.last_household.set(household, moment, pk)
        self.repeats += repeat_of is not None
        return person, household, repeat_of, repeat_address_of


class _ChunkRows(NamedTuple):
    """The rows made for a chunk of drafts, one list per table, and what the statutory draws
    filled in."""

    referrals: list[tuple]
    changes: list[tuple]
    outcomes: list[tuple]
    characteristics: list[tuple]
    described: int  # households in safe accommodation described
    dated: int  # Marac cases dated


class _RowMaker:
    """Makes the rows of a chunk of drafts, from random streams of the chunk's own (seeded by
    the seed and the chunk's number), so that chunks can be made in any process, in any
    order, and one seed still gives one data set."""

    def __init__(
        self,
        choices: _Choices,
        statutory: demo_statutory.StatutoryDraws,
        now: datetime,
        stream_seed: int,
    ):
        self.choices = choices
        self.statutory = statutory
        self.now = now
        self.stream_seed = stream_seed
        self.rules = _Rules()
        self.hash_key = settings.IDENTITY_HASH_KEY.encode()

    def chunk(self, number: int, drafts: list[_Draft]) -> _ChunkRows:
        rng = random.Random(f"{self.stream_seed}:{number}")
        statutory_rng = random.Random(f"{self.stream_seed}:statutory:{number}")
        made = _ChunkRows([], [], [], [], 0, 0)
        for draft in drafts:
            self._rows(draft, rng, statutory_rng, made)
        dated = sum(row[DATED_AT] is not None for row in made.referrals)
        described = sum(row[DESCRIBED_AT] for row in made.referrals)
        return made._replace(described=described, dated=dated)

    def _rows(self, draft: _Draft, rng, statutory_rng, made: _ChunkRows) -> None:
        choices, pickers = self.choices, self.choices.pickers
        pk, received_at, service = draft.pk, draft.received_at, draft.service
        area = None if rng.random() < OUT_OF_AREA_SHARE else choices.area_pick.pick(rng)
        if draft.source == ReferralSource.HOUSING and area is not None:
            referrer = choices.district_councils.get(area)
        else:
            referrer = choices.source_organisations.get(draft.source)
        if draft.fresh:
            plan, oversight_at = _Plan(events=[]), None
        else:
            sla_chance = self.rules.sla_chance(received_at, _microseconds(received_at))
            plan = _plan(
                rng, received_at, draft.first_contact_due, sla_chance, draft.risk, service.subject
            )
            plan = _cut(plan, self.now)
            oversight_at = self._oversight(rng, received_at, sla_chance, plan)
        signposted_to = self._signposted_to(rng, plan, service)
        age_band, gender = self._age_and_gender(rng, service.subject)
        children = pickers["children"].pick(rng)
        ethnic_group = pickers["ethnic"].pick(rng)
        disability = YesNoUnknown.YES if rng.random() < 0.18 else YesNoUnknown.NO
        orientation = pickers["orientation"].pick(rng)
        no_recourse = YesNoUnknown.YES if rng.random() < 0.02 else YesNoUnknown.NO
        status = plan.events[-1][1] if plan.events else Status.RECEIVED
        drawn = (
            service.pk,
            service.subject,
            received_at,
            draft.source,
            gender,
            children,
            draft.heard_at_marac,
        )
        decline_reason, statutory, characteristics = self.statutory.draw(
            statutory_rng,
            (*drawn, plan.decline_reason),
            status,
            plan.support_started_at,
            plan.closed_at,
        )
        due, oversight_due = draft.first_contact_due, received_at + rules.OVERSIGHT_WITHIN
        first_contact_at = plan.first_contact_at
        made.referrals.append(
            (
                pk,
                draft.reference,
                service.pk,
                received_at,
                draft.source,
                referrer,
                service.subject,
                area,
                draft.risk,
                draft.heard_at_marac,
                children,
                age_band,
                gender,
                ethnic_group,
                disability,
                orientation,
                no_recourse,
                *self._keys(draft),
                status,
                plan.events[-1][0] if plan.events else received_at,
                service.logged_by_id,
                received_at + LOGGED_AFTER,
                due,
                first_contact_at,
                first_contact_at < due if first_contact_at else None,
                oversight_due,
                oversight_at,
                oversight_at <= oversight_due if oversight_at else None,
                plan.waiting_list_at,
                plan.waiting_list_left_at,
                plan.support_started_at,
                plan.support_started_at - received_at if plan.support_started_at else None,
                plan.signposted_at,
                signposted_to,
                None,
                plan.declined_at,
                decline_reason,
                plan.closed_at,
                plan.closure_reason,
                *statutory,
            )
        )
        previous = Status.RECEIVED
        for at, to_status in plan.events:
            made.changes.append((pk, previous, to_status, at, service.logged_by_id, at))
            previous = to_status
        made.outcomes.extend((pk, outcome) for outcome in plan.outcomes)
        made.characteristics.extend((pk, category) for category in characteristics)

    def _keys(self, draft: _Draft) -> tuple:
        """person_key, address_key, is_repeat, repeat_of_id, is_repeat_address and
        repeat_address_of_id."""
        household = draft.household
        return (
            demo_key("person", str(draft.person), self.hash_key),
            demo_key("address", str(household), self.hash_key) if household != NO_HOUSEHOLD else "",
            draft.repeat_of is not None,
            draft.repeat_of,
            draft.repeat_address_of is not None,
            draft.repeat_address_of,
        )

    def _signposted_to(self, rng, plan: _Plan, service: _Service) -> int | None:
        if plan.signposted_at is None:
            return None
        others = [s.pk for s in self.choices.services if s.pk != service.pk]
        return rng.choice(others) if others else None

    def _oversight(self, rng, received_at: datetime, sla_chance: float, plan: _Plan):
        hours = rng.uniform(1, 23.9) if rng.random() < sla_chance else None
        oversight_at = received_at + timedelta(hours=hours or rng.uniform(24.5, 96))
        if oversight_at > self.now or (plan.closed_at and oversight_at > plan.closed_at):
            return None
        return oversight_at

    def _age_and_gender(self, rng, subject: str) -> tuple[str, str]:
        if subject == Subject.CHILD:
            age_band = rng.choice([AgeBand.UNDER_16, AgeBand.UNDER_16, AgeBand.AGE_16_17])
            gender_weights = (0.5, 0.48)
        else:
            age_band = self.choices.pickers["age"].pick(rng)
            gender_weights = (0.12, 0.85) if subject == Subject.PERPETRATOR else (0.85, 0.12)
        draw = rng.random()
        if draw < gender_weights[0]:
            return age_band, Gender.WOMAN
        if draw < gender_weights[0] + gender_weights[1]:
            return age_band, Gender.MAN
        return age_band, rng.choice([Gender.NON_BINARY, Gender.NOT_KNOWN])


def _fresh_service(ctx, services: list[CommissionedService]) -> CommissionedService | None:
    """The demo officer's service (IDVA first) for the referrals waiting for first contact."""
    home_officer = ctx.users.get("officer")
    if home_officer is None:
        return None
    return next(
        (
            s
            for s in sorted(services, key=lambda s: s.service_type != ServiceType.IDVA_OUTREACH)
            if s.provider_id == home_officer.organisation_id
        ),
        None,
    )


def seed(ctx) -> None:
    started = time_module.monotonic()
    statutory = demo_statutory.prepare(ctx)
    services = _services(ctx)
    if not services or ctx.referrals <= 0:
        return
    rng = ctx.rng
    end_of_today = datetime.combine(ctx.today, time(17, 0), tzinfo=LOCAL).astimezone(UTC)
    now = min(timezone.now(), end_of_today)
    choices = _choices(ctx, services)
    home = _fresh_service(ctx, services)
    fresh_service = next((s for s in choices.services if home and s.pk == home.pk), None)
    fresh = min(4, max(1, ctx.referrals // 100)) if fresh_service is not None else 0
    times = _received_times(ctx, ctx.referrals - fresh, now)
    fresh_times = sorted(now - timedelta(minutes=rng.randrange(20, 36 * 60)) for _ in range(fresh))
    # In order of receipt; at the same moment, the fresh referral last.
    stream = heapq.merge(
        ((_moment(t), None) for t in times),
        ((t, fresh_service) for t in fresh_times),
        key=lambda item: (item[0], item[1] is not None),
    )
    first_pk = (Referral.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    days = max(1, (now.date() - START).days)
    drafter = _Drafter(ctx, choices, statutory, first_pk, ctx.referrals / days)
    maker = _RowMaker(choices, statutory, now, stream_seed=rng.getrandbits(64))
    drafts = (drafter.draft(received_at, service) for received_at, service in stream)
    processes = demo_load.processes_for(ctx.referrals)
    timings = {}
    written = _load(maker, drafts, processes, statutory, timings)
    for year, number in drafter.counters.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": number})
    if drafter.next_pk > first_pk:
        _reset_sequences()
    # The bulk load bypasses save(), so the dashboard's summary is counted once here (and
    # no figure stored before it stands).
    counted = time_module.monotonic()
    summary_rows = rebuild_summary()
    forget_stored_figures()
    timings["summary"] = time_module.monotonic() - counted
    ctx.extra["referral_count"] = written[0]
    ctx.log.append(
        f"{written[0]} referrals ({drafter.repeats} repeats), {written[1]} status changes, "
        f"{written[2]} outcomes, {written[3]} specialist characteristics, "
        f"{summary_rows} summary rows "
        f"in {time_module.monotonic() - started:.1f} s, rows made in "
        + (f"{processes} processes" if processes > 1 else "this process")
        + " ("
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        + ")"
    )


def _load(
    maker: _RowMaker,
    drafts: Iterator[_Draft],
    processes: int,
    statutory: demo_statutory.StatutoryDraws,
    timings: dict[str, float],
) -> list[int]:
    """Make and write the rows of every draft, a chunk at a time, in order (the rows made and
    made ready to send in `processes` processes); returns the numbers of rows written to each
    table, and puts the time each step took in `timings`."""
    models = (Referral, ReferralStatusChange, ReferralOutcome, CharacteristicLink)
    columns = (REFERRAL_COLUMNS, CHANGE_COLUMNS, OUTCOME_COLUMNS, CHARACTERISTIC_COLUMNS)
    with demo_load.indexes_dropped(*models, timings=timings):
        started = time_module.monotonic()
        writers = demo_load.writers_for(*zip(models, columns, strict=True))

        def make(number: int, chunk: list[_Draft]):
            made = maker.chunk(number, chunk)
            tables = zip(writers, made[:4], strict=True)
            return [writer.encode(rows) for writer, rows in tables], made.described, made.dated

        for encoded, described, dated in demo_load.made_in_chunks(make, drafts, processes):
            for writer, rows in zip(writers, encoded, strict=True):
                writer.send(rows)
            statutory.described += described
            statutory.dated += dated
        timings["rows made and copied"] = time_module.monotonic() - started
    return [writer.written for writer in writers]


def _reset_sequences() -> None:
    """PostgreSQL's id sequence must move past the primary keys given above."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Referral])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
