"""Demo data for the statutory and sector figures (issue 14).

- Each district gets a plausible adult female population (about 42% of its residents, as in
  English districts), stated as a fictional demo figure with a year.
- Each service's definitions: until the start of the current financial year, as the app
  counted before (benchmark 30 with a 20% band, every open case, oversight everywhere); from
  then, the board's agreed definitions (27 to 33, people in active support only, oversight for
  the IDVA and children's services only); and from tomorrow, repeats in the same role only (a
  change not yet in force, since the demo referrals were made with repeats in any role).
- The board has switched on some move-on destinations and one more specialist characteristic.
- Referrals to safe accommodation: the accommodation and household for most in support (a few
  left "not recorded"), why a declined household could not be supported for many declines, and
  why support ended and where the household moved on to for most closed after support.
- A victim heard at Marac who is referred again is often heard again (SafeLives' repeat rate is
  about a third).
- Victims' referrals heard at Marac get their Marac dates and referral source, except those of
  the last month (left "not recorded", so the figures show how many lack them).

The referrals' statutory fields are drawn by `StatutoryDraws` while `referrals.demo` makes each
row (so a million rows are written once, not written and then updated), from random streams
of their own: the referrals' other fields are the same as without them. `prepare` switches the
lists on and reads what the draws need, before the first referral; `seed` adds the rest.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from commissioning.constants import (
    DEFAULT_CASELOAD_BAND_HIGH,
    DEFAULT_CASELOAD_BAND_LOW,
    DEFAULT_CASELOAD_BENCHMARK,
    CaseloadCounts,
    FirstContactRule,
    ServiceType,
)
from commissioning.models import CommissionedService, ServiceDefinition
from partnership.calendar import FinancialYear
from partnership.models import Area

from . import services
from .constants import (
    ACCOMMODATION_OF_SERVICE_TYPE,
    AccommodationType,
    DeclineReason,
    Gender,
    MaracReferralSource,
    ReferralSource,
    ReturnList,
    Status,
    Subject,
)
from .marac_cases import link_marac_cases
from .models import ReturnCategory

# Start of the demo referrals (referrals.demo).
DEMO_START = date(2019, 4, 1)
ADULT_FEMALE_SHARE = Decimal("0.42")
ADULT_FEMALE_SOURCE = "Demo figure (fictional), shaped like the ONS mid-year estimates"
ADULT_FEMALE_YEAR = 2023

OVERSIGHT_SERVICES = {ServiceType.IDVA_OUTREACH, ServiceType.CHILDREN_YOUNG_PEOPLE}
SWITCHED_ON = {
    ReturnList.MOVE_ON: [
        "social_tenancy",
        "private_tenancy",
        "other_safe_accommodation",
        "family_friends",
    ],
    ReturnList.CHARACTERISTIC: ["nrpf"],
}
MARAC_SOURCE_OF = {
    ReferralSource.POLICE: MaracReferralSource.POLICE,
    ReferralSource.CHILDRENS_SERVICES: MaracReferralSource.CHILDRENS_SOCIAL_CARE,
    ReferralSource.ADULT_SOCIAL_CARE: MaracReferralSource.ADULT_SOCIAL_CARE,
    ReferralSource.HEALTH: MaracReferralSource.PRIMARY_CARE,
    ReferralSource.HOUSING: MaracReferralSource.HOUSING,
    ReferralSource.EDUCATION: MaracReferralSource.EDUCATION,
    ReferralSource.MASH: MaracReferralSource.MASH,
    ReferralSource.SPECIALIST: MaracReferralSource.VOLUNTARY_SECTOR,
}
NOT_RECORDED_SHARE = 0.04
# The statutory columns that end each demo referral row (see StatutoryDraws.draw), and their
# values when not recorded.
MARAC_COLUMNS = ("marac_referred_on", "marac_referral_source", "marac_heard_on")
MARAC_NOT_RECORDED = (None, "", None)
HOUSEHOLD_COLUMNS = (
    "accommodation_type",
    "adults_women",
    "adults_men",
    "adults_trans",
    "children_supported",
    "characteristics_recorded",
    "support_end_reason_id",
    "move_on_destination_id",
)
HOUSEHOLD_NOT_RECORDED = ("", None, None, None, None, False, None, None)
COLUMNS = (*MARAC_COLUMNS, "unable_to_support_reason_id", *HOUSEHOLD_COLUMNS)
UNABLE_TO_SUPPORT_SHARE = 0.6
REPEAT_MARAC_SHARE = 0.6
MARAC_DATES_AFTER = timedelta(days=30)


def prepare(ctx) -> StatutoryDraws:
    """Switch the board's lists on, and make the draws for the demo referrals (before them)."""
    _lists(ctx)
    draws = StatutoryDraws(ctx)
    ctx.extra["statutory"] = draws
    return draws


def seed(ctx) -> None:
    _areas()
    _definitions(ctx.today)
    # The one place the demo's Marac cases are linked, once every row has its dates.
    link_marac_cases(keep=False)
    draws = ctx.extra.get("statutory")
    if isinstance(draws, StatutoryDraws):
        ctx.log.append(
            f"statutory figures: {draws.described} households in safe accommodation described, "
            f"{draws.dated} Marac cases dated"
        )


def _areas() -> None:
    for area in Area.objects.all():
        area.adult_female_population = int(area.population * ADULT_FEMALE_SHARE)
        area.adult_female_population_source = ADULT_FEMALE_SOURCE
        area.adult_female_population_year = ADULT_FEMALE_YEAR
        area.full_clean()
        area.save()


def _agreed(day: date) -> str:
    return f"Agreed by the partnership board, {day.day} {day:%B %Y}"


def _definitions(today: date) -> None:
    """Rows written directly: a board's history goes back before "today", which the service
    (rightly) refuses."""
    agreed_on = FinancialYear.containing(today).start
    rows = []
    for service in CommissionedService.objects.all():
        service.definitions.all().delete()
        common = {
            "service": service,
            "first_contact_rule": FirstContactRule.END_OF_NEXT_WORKING_DAY,
        }
        rows.append(
            ServiceDefinition(
                **common,
                effective_from=DEMO_START,
                caseload_benchmark=Decimal("30"),
                caseload_band_low=Decimal("24"),
                caseload_band_high=Decimal("36"),
                caseload_counts=CaseloadCounts.ALL_OPEN,
                oversight_applies=True,
                repeats_same_role=False,
                agreed_by="As counted before the board agreed its definitions",
            )
        )
        agreed = {
            **common,
            "caseload_benchmark": DEFAULT_CASELOAD_BENCHMARK,
            "caseload_band_low": DEFAULT_CASELOAD_BAND_LOW,
            "caseload_band_high": DEFAULT_CASELOAD_BAND_HIGH,
            "caseload_counts": CaseloadCounts.ACTIVE_SUPPORT,
            "oversight_applies": service.service_type in OVERSIGHT_SERVICES,
        }
        if agreed_on > DEMO_START:
            rows.append(
                ServiceDefinition(
                    **agreed,
                    effective_from=agreed_on,
                    repeats_same_role=False,
                    agreed_by=_agreed(agreed_on - timedelta(days=20)),
                )
            )
        rows.append(
            ServiceDefinition(
                **agreed,
                effective_from=today + timedelta(days=1),
                repeats_same_role=True,
                agreed_by=_agreed(today - timedelta(days=7)),
            )
        )
    ServiceDefinition.objects.bulk_create(rows)


def _lists(ctx) -> None:
    by = ctx.users.get("performance")
    if by is None:
        return
    for kind, codes in SWITCHED_ON.items():
        for category in ReturnCategory.objects.filter(kind=kind, code__in=codes):
            services.return_category_set_active(by=by, category=category, is_active=True)


def _active(kind: str) -> list[ReturnCategory]:
    return list(ReturnCategory.objects.filter(kind=kind, is_active=True))


def _own_stream(rng: random.Random) -> random.Random:
    """A random stream seeded from `rng` without drawing from it."""
    fork = random.Random()
    fork.setstate(rng.getstate())
    return random.Random(fork.getrandbits(64) ^ 0x5747)


class StatutoryDraws:
    """The statutory fields of the demo referrals (see the module docstring): whether a victim
    heard at Marac before is heard again, drawn in order (`heard_again`); the rest drawn for
    each referral from the random stream it is given (`draw`). `described` and `dated` count
    the households described and Marac cases dated, as the demo adds them up."""

    def __init__(self, ctx):
        self.rng = _own_stream(ctx.rng)
        self.accommodation = {
            pk: ACCOMMODATION_OF_SERVICE_TYPE[kind]
            for pk, kind in CommissionedService.objects.filter(
                service_type__in=list(ACCOMMODATION_OF_SERVICE_TYPE)
            ).values_list("pk", "service_type")
        }
        self.characteristics = [c.pk for c in _active(ReturnList.CHARACTERISTIC)]
        self.unable = {c.code: c.pk for c in _active(ReturnList.UNABLE_TO_SUPPORT)}
        self.ended = {c.code: c.pk for c in _active(ReturnList.SUPPORT_ENDED)}
        self.destinations = [c.pk for c in _active(ReturnList.MOVE_ON)]
        self.marac_cutoff = timezone.make_aware(
            datetime.combine(ctx.today - MARAC_DATES_AFTER, time())
        )
        self.heard_before = bytearray()  # by person number: 1 once heard at Marac as a victim
        self.described = self.dated = 0

    def heard_again(self, person: int, heard: bool) -> bool:
        """A victim's referral is heard at Marac as drawn, or, if they were heard before,
        often again."""
        seen = self.heard_before
        if person >= len(seen):
            seen.extend(bytes(person + 1 - len(seen) + len(seen) // 2))
        if not heard and seen[person] and self.rng.random() < REPEAT_MARAC_SHARE:
            heard = True
        if heard:
            seen[person] = 1
        return heard

    def draw(
        self,
        rng: random.Random,
        referral: tuple,
        status: str,
        started: datetime | None,
        closed: datetime | None,
    ) -> tuple[str, tuple, list[int]]:
        """(decline reason, the COLUMNS' values, specialist characteristics' ids) of one demo
        referral: `referral` is (service id, subject, received at, source, gender, children
        in household, heard at Marac, decline reason as drawn). Only victims' Marac cases are
        dated."""
        service_id, subject, received_at, source, gender, children, heard, declined = referral
        decline_reason, unable_reason = self._decline(rng, service_id, declined)
        marac = MARAC_NOT_RECORDED
        if heard and subject == Subject.VICTIM_SURVIVOR:
            marac = self._marac(rng, received_at, source, status)
        household, chosen = self._household(rng, service_id, gender, children, started, closed)
        return decline_reason, (*marac, unable_reason, *household), chosen

    def _decline(self, rng: random.Random, service_id: int, reason: str) -> tuple[str, int | None]:
        """(decline reason, unable-to-support reason's id) of a referral declined for
        `reason` (empty: not declined)."""
        if not reason:
            return reason, None
        if service_id in self.accommodation and rng.random() < UNABLE_TO_SUPPORT_SHARE:
            reason = DeclineReason.UNABLE_TO_SUPPORT
        if reason != DeclineReason.UNABLE_TO_SUPPORT:
            return reason, None
        draw = rng.random()
        code = "capacity" if draw < 0.6 else "needs_not_met" if draw < 0.9 else "other"
        return reason, self.unable[code]

    def _marac(self, rng: random.Random, received_at: datetime, source: str, status: str) -> tuple:
        """The MARAC_COLUMNS of a referral heard at Marac: dated if received over a month ago
        and acted on."""
        if received_at >= self.marac_cutoff or status == Status.RECEIVED:
            return MARAC_NOT_RECORDED
        referred = timezone.localtime(received_at).date() + timedelta(days=rng.randrange(0, 8))
        marac_source = MARAC_SOURCE_OF.get(source)
        if marac_source is None or rng.random() < 0.15:
            marac_source = MaracReferralSource.IDVA
        return referred, marac_source, referred + timedelta(days=rng.randrange(7, 22))

    def _household(
        self,
        rng: random.Random,
        service_id: int,
        gender: str,
        children: int,
        started: datetime | None,
        closed: datetime | None,
    ) -> tuple[tuple, list[int]]:
        """The HOUSEHOLD_COLUMNS and the specialist characteristics' ids of a referral to safe
        accommodation in support (not recorded for others, and a few of those)."""
        accommodation = self.accommodation.get(service_id)
        if accommodation is None or started is None or rng.random() < NOT_RECORDED_SHARE:
            return HOUSEHOLD_NOT_RECORDED, []
        women, men, trans, supported = _household(rng, gender, children)
        chosen = [pk for pk in self.characteristics if rng.random() < 0.25]
        reason = destination = None
        if closed is not None and rng.random() > NOT_RECORDED_SHARE:
            if accommodation == AccommodationType.SANCTUARY:
                reason = self.ended["no_longer_needed" if rng.random() < 0.8 else "other"]
            else:
                reason = self.ended["moved_on" if rng.random() < 0.85 else "other"]
                destination = rng.choice(self.destinations)
        return (accommodation, women, men, trans, supported, True, reason, destination), chosen


def _household(rng: random.Random, gender: str, children: int) -> tuple[int, int, int, int]:
    women = int(gender == Gender.WOMAN or gender not in (Gender.MAN, Gender.TRANS))
    men = int(gender == Gender.MAN)
    trans = int(gender == Gender.TRANS)
    if rng.random() < 0.05:  # another adult with them, such as a grown-up daughter
        women += 1
    return women, men, trans, min(children, 6)
