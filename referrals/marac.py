"""Marac figures as SafeLives asks for them, for a quarter and the rolling 12 months to its end.

Raw counts, nothing suppressed: whoever shows them to committee members or clerks passes them
through `partnership.disclosure`, like every referral figure. The definitions (SafeLives, "Latest
Marac data" and "Definition of a repeat Marac"; copied with sources in
`referrals/sources/safe-accommodation-and-marac.md`):

- **Case**: a victim-survivor's case heard at a Marac meeting: a referral of a victim-survivor
  with a Marac hearing date. Two services' referrals of the same person with the same Marac
  referral date are one case. A case is counted in the period of its hearing date.
- **Repeat case**: the same victim had an earlier Marac referral within the 12 months before
  this case's Marac referral (SafeLives: any further abuse within 12 months of the last Marac
  referral; the new referral stands for the further abuse, so the date compared is the new
  referral's, which is on or after the abuse). Exactly 12 months is within (31 May 2024 to
  31 May 2025 is a repeat; to 1 June 2025 is not). Referrals of the same person in other roles
  never count. The repeat rate is repeats as a share of cases.
- **Children**: the children in the households of the cases discussed (the largest number
  recorded on the case's referrals).
- **Cases per 10,000 adult women**: cases for every 10,000 women aged 16 and over in the
  districts (each district's population with its source and year; see `Area`), to one decimal
  place, half up. No rate when a district has no figure. SafeLives recommends 40 cases a year
  per 10,000 adult women: shown beside each rate, as a rate and as a number of cases for the
  population (for a quarter, a quarter of that: 10 per 10,000).
- **Referral sources**: cases by who referred them to Marac; partner-agency referrals are
  those not from the police (a joint referral is recorded as its first agency).
- **Victims' profile**, as shares of all cases: racially minoritised (the Asian, Black, Mixed
  and other ethnic groups of the 2021 Census; White minorities are not counted, as in
  SafeLives' "Black, Asian and racially minoritised"); LGBT+ (gay, lesbian, bisexual or another
  sexual orientation, or trans or non-binary); disabled; male (gender man); aged 16 or 17. For
  each, how many cases have it not known.
- **Stored links**: which referrals are one case and whether it is a repeat are stored on the
  referral when it is recorded (`marac_case`, `marac_repeat`; `referrals.marac_cases`), while
  its person key is there: the figures read those, so anonymising a referral changes none.
- **Not recorded**: victims' referrals marked heard at Marac without a hearing date (such as
  referrals recorded before the date was asked) are in no figure; their number is given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from commissioning.definitions import local_midnight
from partnership.calendar import FinancialQuarter
from partnership.models import Area

from . import stored_figures
from .constants import (
    AgeBand,
    EthnicGroup,
    Gender,
    MaracReferralSource,
    SexualOrientation,
    Subject,
    YesNoUnknown,
)
from .marac_cases import REPEAT_MONTHS, months_before
from .metrics import Percentage, rate_per_10000
from .models import Referral

__all__ = ["REPEAT_MONTHS", "MaracFigures", "MaracPeriod", "marac_figures", "months_before"]
RECOMMENDED_PER_10000_A_YEAR = 40
NOT_KNOWN = ("not_known", "prefer_not_to_say")
WHITE_GROUPS = frozenset(value for value in EthnicGroup.values if value.startswith("white_"))
LGBT_ORIENTATIONS = frozenset(
    {SexualOrientation.GAY_LESBIAN, SexualOrientation.BISEXUAL, SexualOrientation.ANOTHER}
)
LGBT_GENDERS = frozenset({Gender.TRANS, Gender.NON_BINARY})
PROFILE = (
    ("racially_minoritised", "Racially minoritised"),
    ("lgbt", "LGBT+"),
    ("disabled", "Disabled"),
    ("male", "Male"),
    ("aged_16_17", "Aged 16 or 17"),
)


@dataclass(frozen=True)
class Share:
    """A share of all cases, and how many cases had the answer not known."""

    percentage: Percentage
    not_known: int


@dataclass(frozen=True)
class AreaCases:
    area_id: int | None  # None: out of area
    name: str
    cases: int
    adult_women: int | None
    rate_per_10000: Decimal | None


@dataclass(frozen=True)
class MaracPeriod:
    label: str
    start: date
    end: date  # inclusive
    cases: int
    repeats: Percentage
    children: int
    adult_women: int | None  # None: a district has no figure
    rate_per_10000: Decimal | None
    recommended_per_10000: Decimal
    recommended_cases: int | None
    by_source: dict[str, int]
    partner_agency: Percentage
    profile: dict[str, Share]
    by_area: list[AreaCases]
    not_recorded: int
    population_sources: list[str] = field(default_factory=list)

    @property
    def police(self) -> int:
        return self.by_source.get(MaracReferralSource.POLICE, 0)


@dataclass(frozen=True)
class MaracFigures:
    quarter: MaracPeriod
    rolling: MaracPeriod


def _victims() -> Q:
    return Q(subject=Subject.VICTIM_SURVIVOR)


_LGBT = Q(sexual_orientation__in=LGBT_ORIENTATIONS) | Q(gender__in=LGBT_GENDERS)
# For each profile characteristic: (the case has it, not known), read from the case's first row.
_ANSWERS = {
    "racially_minoritised": (
        ~Q(ethnic_group__in=NOT_KNOWN) & ~Q(ethnic_group__in=WHITE_GROUPS),
        Q(ethnic_group__in=NOT_KNOWN),
    ),
    "lgbt": (_LGBT, ~_LGBT & Q(sexual_orientation__in=NOT_KNOWN)),
    "disabled": (Q(disability=YesNoUnknown.YES), Q(disability__in=NOT_KNOWN)),
    "male": (Q(gender=Gender.MAN), Q(gender__in=NOT_KNOWN)),
    "aged_16_17": (Q(age_band=AgeBand.AGE_16_17), Q(age_band__in=NOT_KNOWN)),
}


@dataclass
class _Cases:
    """The period's cases counted in SQL: a case is its referrals grouped by stored case."""

    count: int = 0
    repeats: int = 0
    children: int = 0
    by_area: dict[int | None, int] = field(default_factory=lambda: defaultdict(int))
    by_source: dict[str, int] = field(default_factory=dict)
    profile: dict[str, list[int]] = field(default_factory=dict)  # [has it, not known]
    not_recorded: int = 0

    def as_json(self) -> dict:
        return {
            "count": self.count,
            "repeats": self.repeats,
            "children": self.children,
            "by_area": list(self.by_area.items()),
            "by_source": self.by_source,
            "profile": self.profile,
            "not_recorded": self.not_recorded,
        }

    @classmethod
    def from_json(cls, data: dict) -> _Cases:
        """The counts as `as_json` wrote them, in the order they were counted (PostgreSQL's
        jsonb keeps no order of keys, and the tables list sources in the dict's order)."""
        by_area: dict[int | None, int] = defaultdict(int, (tuple(p) for p in data["by_area"]))
        by_source = {key: data["by_source"][key] for key in MaracReferralSource.values}
        profile = {key: data["profile"][key] for key, _label in PROFILE}
        return cls(**{**data, "by_area": by_area, "by_source": by_source, "profile": profile})


def _cases(start: date, end: date) -> _Cases:
    """Cases heard in the period; each case described by its first referral (lowest pk). And
    victims' referrals received in the period marked heard without a hearing date."""
    by_case = (
        Referral.objects.filter(_victims(), marac_heard_on__gte=start, marac_heard_on__lte=end)
        .order_by()
        .annotate(case=Coalesce("marac_case", "pk", output_field=BigIntegerField()))
        .values("case")
        .annotate(first=Min("pk"), most_children=Max("children_in_household"))
    )
    children = by_case.aggregate(children=Coalesce(Sum("most_children"), 0))["children"]
    described = {
        f"{key}_{part}": Count("pk", filter=condition)
        for key, answers in _ANSWERS.items()
        for part, condition in zip(("has", "not_known"), answers, strict=True)
    }
    groups = (
        Referral.objects.filter(pk__in=by_case.values("first"))
        .order_by()
        .values("area_id", "marac_referral_source")
        .annotate(n=Count("pk"), repeats=Count("pk", filter=Q(marac_repeat=True)), **described)
    )
    cases = _Cases(children=children, by_source=dict.fromkeys(MaracReferralSource.values, 0))
    cases.profile = {key: [0, 0] for key, _label in PROFILE}
    for group in groups:
        cases.count += group["n"]
        cases.repeats += group["repeats"]
        cases.by_area[group["area_id"]] += group["n"]
        if group["marac_referral_source"]:
            cases.by_source[group["marac_referral_source"]] += group["n"]
        for key, counts in cases.profile.items():
            counts[0] += group[f"{key}_has"]
            counts[1] += group[f"{key}_not_known"]
    cases.not_recorded = Referral.objects.filter(
        _victims(),
        heard_at_marac=True,
        marac_heard_on__isnull=True,
        received_at__gte=local_midnight(start),
        received_at__lt=local_midnight(end + timedelta(days=1)),
    ).count()
    return cases


def _stored_cases(start: date, end: date) -> _Cases:
    """`_cases`, kept between changes to the period's referrals (referrals.stored_figures)."""
    return stored_figures.stored(
        "marac",
        start=start,
        end=end,
        service_ids=None,
        count=lambda: _cases(start, end),
        encode=_Cases.as_json,
        decode=_Cases.from_json,
    )


def _period(label: str, start: date, end: date, quarters: int, *, kept: bool) -> MaracPeriod:
    cases = _stored_cases(start, end) if kept else _cases(start, end)
    areas = list(Area.objects.all())
    by_area_counts, by_source = cases.by_area, cases.by_source
    populations = [area.adult_female_population for area in areas]
    adult_women = None if not areas or None in populations else sum(populations)
    recommended = Decimal(RECOMMENDED_PER_10000_A_YEAR * quarters) / 4
    by_area = [
        AreaCases(
            area.pk,
            area.name,
            by_area_counts.get(area.pk, 0),
            area.adult_female_population,
            rate_per_10000(by_area_counts.get(area.pk, 0), area.adult_female_population),
        )
        for area in areas
    ]
    by_area.append(AreaCases(None, "Out of area", by_area_counts.get(None, 0), None, None))
    return MaracPeriod(
        label=label,
        start=start,
        end=end,
        cases=cases.count,
        repeats=Percentage(cases.repeats, cases.count),
        children=cases.children,
        adult_women=adult_women,
        rate_per_10000=rate_per_10000(cases.count, adult_women),
        recommended_per_10000=recommended,
        recommended_cases=None
        if adult_women is None
        else int((recommended * adult_women / 10_000).to_integral_value(ROUND_HALF_UP)),
        by_source=by_source,
        partner_agency=Percentage(cases.count - by_source[MaracReferralSource.POLICE], cases.count),
        profile={
            key: Share(Percentage(has, cases.count), not_known)
            for key, (has, not_known) in cases.profile.items()
        },
        by_area=by_area,
        not_recorded=cases.not_recorded,
        population_sources=sorted(
            {
                f"{area.adult_female_population_source} ({area.adult_female_population_year})"
                for area in areas
                if area.adult_female_population is not None
            }
        ),
    )


def marac_figures(quarter: FinancialQuarter, *, kept: bool = False) -> MaracFigures:
    """The quarter's Marac figures and those of the 12 months ending with it. `kept`: the
    counts are kept between changes to the periods' referrals (referrals.stored_figures)."""
    first = FinancialQuarter.from_index(quarter.index - 3)
    rolling = f"12 months to {quarter.end:%-d %B %Y}"
    return MaracFigures(
        quarter=_period(quarter.label, quarter.start, quarter.end, 1, kept=kept),
        rolling=_period(rolling, first.start, quarter.end, 4, kept=kept),
    )
