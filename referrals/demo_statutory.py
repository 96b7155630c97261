"""Demo data for the statutory and sector figures (issue 14), added after the demo referrals.

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
- Victims' referrals heard at Marac get their Marac dates and referral source, except those of
  the last month (left "not recorded", so the figures show how many lack them).

Every change is a bulk update grouped by value, so a million demo referrals take seconds.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
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
from .models import Referral, ReturnCategory

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
# The statutory columns of a referral row as the demo loader first writes them: not recorded.
NOT_RECORDED = {
    "marac_referred_on": None,
    "marac_referral_source": "",
    "marac_heard_on": None,
    "accommodation_type": "",
    "adults_women": None,
    "adults_men": None,
    "adults_trans": None,
    "children_supported": None,
    "characteristics_recorded": False,
    "unable_to_support_reason_id": None,
    "support_end_reason_id": None,
    "move_on_destination_id": None,
}
UNABLE_TO_SUPPORT_SHARE = 0.6


def seed(ctx) -> None:
    rng = random.Random(ctx.rng.random())
    _areas()
    _definitions(ctx.today)
    _lists(ctx)
    with transaction.atomic():
        _unable_reasons(rng)
        supported = _safe_accommodation(rng)
        _repeat_maracs(rng)
        maracs = _marac(rng, ctx.today)
    ctx.log.append(
        f"statutory figures: {supported} households in safe accommodation described, "
        f"{maracs} Marac cases dated"
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


def _update_grouped(groups: dict[tuple, list[int]], names: tuple[str, ...]) -> None:
    """One UPDATE per distinct tuple of values (a few hundred at most)."""
    for values, pks in groups.items():
        for start in range(0, len(pks), 5000):
            Referral.objects.filter(pk__in=pks[start : start + 5000]).update(
                **dict(zip(names, values, strict=True))
            )


def _active(kind: str) -> list[ReturnCategory]:
    return list(ReturnCategory.objects.filter(kind=kind, is_active=True))


def _household(rng: random.Random, gender: str, children: int) -> tuple[int, int, int, int]:
    women = int(gender == Gender.WOMAN or gender not in (Gender.MAN, Gender.TRANS))
    men = int(gender == Gender.MAN)
    trans = int(gender == Gender.TRANS)
    if rng.random() < 0.05:  # another adult with them, such as a grown-up daughter
        women += 1
    return women, men, trans, min(children, 6)


def _safe_accommodation(rng: random.Random) -> int:
    kinds = dict(
        CommissionedService.objects.filter(
            service_type__in=list(ACCOMMODATION_OF_SERVICE_TYPE)
        ).values_list("pk", "service_type")
    )
    if not kinds:
        return 0
    characteristics = _active(ReturnList.CHARACTERISTIC)
    unable = {c.code: c for c in _active(ReturnList.UNABLE_TO_SUPPORT)}
    ended = {c.code: c for c in _active(ReturnList.SUPPORT_ENDED)}
    destinations = _active(ReturnList.MOVE_ON)
    household: dict[tuple, list[int]] = defaultdict(list)
    declined: dict[tuple, list[int]] = defaultdict(list)
    closing: dict[tuple, list[int]] = defaultdict(list)
    links = []
    rows = Referral.objects.filter(service_id__in=list(kinds)).order_by("pk")
    for pk, service_id, gender, children, started, closed, decline in rows.values_list(
        "pk",
        "service_id",
        "gender",
        "children_in_household",
        "support_started_at",
        "closed_at",
        "decline_reason",
    ).iterator(5000):
        accommodation = ACCOMMODATION_OF_SERVICE_TYPE[kinds[service_id]]
        if decline and rng.random() < UNABLE_TO_SUPPORT_SHARE:
            draw = rng.random()
            code = "capacity" if draw < 0.6 else "needs_not_met" if draw < 0.9 else "other"
            declined[(DeclineReason.UNABLE_TO_SUPPORT, unable[code].pk)].append(pk)
        if started is None or rng.random() < NOT_RECORDED_SHARE:
            continue
        household[(accommodation, *_household(rng, gender, children), True)].append(pk)
        chosen = [c for c in characteristics if rng.random() < 0.25]
        links += [
            Referral.specialist_characteristics.through(referral_id=pk, returncategory_id=c.pk)
            for c in chosen
        ]
        if closed is not None and rng.random() > NOT_RECORDED_SHARE:
            if accommodation == AccommodationType.SANCTUARY:
                reason = ended["no_longer_needed" if rng.random() < 0.8 else "other"]
                closing[(reason.pk, None)].append(pk)
            else:
                reason = ended["moved_on" if rng.random() < 0.85 else "other"]
                closing[(reason.pk, rng.choice(destinations).pk)].append(pk)
    _update_grouped(
        household,
        (
            "accommodation_type",
            "adults_women",
            "adults_men",
            "adults_trans",
            "children_supported",
            "characteristics_recorded",
        ),
    )
    _update_grouped(declined, ("decline_reason", "unable_to_support_reason_id"))
    _update_grouped(closing, ("support_end_reason_id", "move_on_destination_id"))
    Referral.specialist_characteristics.through.objects.bulk_create(links, batch_size=5000)
    return sum(len(pks) for pks in household.values())


def _unable_reasons(rng: random.Random) -> None:
    """The demo referrals declined as "unable to support" get one of the return's reasons."""
    unable = {c.code: c for c in _active(ReturnList.UNABLE_TO_SUPPORT)}
    groups: dict[tuple, list[int]] = defaultdict(list)
    for pk in Referral.objects.filter(
        decline_reason=DeclineReason.UNABLE_TO_SUPPORT, unable_to_support_reason__isnull=True
    ).values_list("pk", flat=True):
        draw = rng.random()
        code = "capacity" if draw < 0.6 else "needs_not_met" if draw < 0.9 else "other"
        groups[(unable[code].pk,)].append(pk)
    _update_grouped(groups, ("unable_to_support_reason_id",))


def _repeat_maracs(rng: random.Random) -> None:
    """A victim heard at Marac who is referred again is often heard again (SafeLives' repeat
    rate is about a third): later high-risk referrals of the same person go to Marac too."""
    people = set(
        Referral.objects.filter(heard_at_marac=True, subject=Subject.VICTIM_SURVIVOR)
        .exclude(person_key="")
        .values_list("person_key", flat=True)
    )
    again = []
    seen: set[str] = set()
    for pk, person, heard in (
        Referral.objects.filter(subject=Subject.VICTIM_SURVIVOR, person_key__in=people)
        .order_by("person_key", "received_at", "pk")
        .values_list("pk", "person_key", "heard_at_marac")
        .iterator(5000)
    ):
        if person in seen and not heard and rng.random() < 0.6:
            again.append(pk)
        if heard:
            seen.add(person)
    for start in range(0, len(again), 5000):
        Referral.objects.filter(pk__in=again[start : start + 5000]).update(heard_at_marac=True)


def _marac(rng: random.Random, today: date) -> int:
    """Dates and source for victims' referrals heard at Marac, received over a month ago."""
    cutoff = timezone.make_aware(
        timezone.datetime.combine(today - timedelta(days=30), timezone.datetime.min.time())
    )
    heard = Referral.objects.filter(
        heard_at_marac=True, subject=Subject.VICTIM_SURVIVOR, received_at__lt=cutoff
    ).exclude(status=Status.RECEIVED)
    dated = []
    for pk, received_at, source in (
        heard.order_by("pk").values_list("pk", "received_at", "source").iterator(5000)
    ):
        referred = timezone.localtime(received_at).date() + timedelta(days=rng.randrange(0, 8))
        marac_source = MARAC_SOURCE_OF.get(source)
        if marac_source is None or rng.random() < 0.15:
            marac_source = MaracReferralSource.IDVA
        dated.append(
            Referral(
                pk=pk,
                marac_referred_on=referred,
                marac_heard_on=referred + timedelta(days=rng.randrange(7, 22)),
                marac_referral_source=marac_source,
            )
        )
    Referral.objects.bulk_update(
        dated,
        ["marac_referred_on", "marac_heard_on", "marac_referral_source"],
        batch_size=2000,
    )
    return len(dated)
