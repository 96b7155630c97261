"""The dashboard's English: each panel's title, introduction, notes and chart titles and
descriptions, in page order, and the names of rows other modules and tests read.

Panel modules take their words from here, so that a change of wording is made in one place, and
the adversary test (tests/scrutiny/adversary.py) reads the same row names as the page. A table's
caption, column headers and fixed row labels stay with its layout in the panel's module: the
headers name the CSV's columns, and tables.COUNT_HEADERS reads them. Words that depend on the
quarter, the viewer or a setting are functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from partnership.calendar import FinancialQuarter, FinancialYear
from partnership.disclosure import MIN_GROUP

from ..constants import Rag
from .periods import TREND_QUARTERS

OUT_OF_AREA = "Out of area"
ALL_SERVICES = "All services"
WAITING_LIST = "On the waiting list at quarter end"
# Shown instead of a figure where the services' definitions did not apply the standard measured.
DOES_NOT_APPLY = "Does not apply"

# The equality profile's characteristics, in page order (categories: referrals.metrics).
EQUALITY_NAMES = {
    "gender": "Gender",
    "age_band": "Age band",
    "ethnic_group": "Ethnic group",
    "disability": "Disability",
    "sexual_orientation": "Sexual orientation",
    "no_recourse_to_public_funds": "No recourse to public funds",
}


@dataclass(frozen=True)
class Words:
    """A panel's heading and the sentence under it."""

    title: str
    intro: str


# Referral volumes ------------------------------------------------------------------------------

TREND = Words(
    "Referrals by quarter",
    f"How many referrals were received in each of the last {TREND_QUARTERS} quarters, with the "
    "same quarter last year marked.",
)


def trend_description(quarter: FinancialQuarter, last_year: FinancialQuarter) -> str:
    return (
        f"Referrals received in each of the {TREND_QUARTERS} quarters to {quarter}, with "
        f"{quarter} and the same quarter last year, {last_year}, marked."
    )


DISTRICTS = Words(
    "Referrals by district",
    "Referrals by the district the person lives in, as a count and as a rate per 10,000 "
    "population, so that districts of different sizes can be compared.",
)
DISTRICT_RATES_TITLE = "Referrals per 10,000 population, by district"
DISTRICT_TOTAL = "All districts and out of area"


def district_rates_description(quarter: FinancialQuarter) -> str:
    return (
        f"Referrals received in {quarter} from residents of each district, per 10,000 people "
        "living there."
    )


def district_notes(*, exact: bool) -> list[str]:
    return [
        "Out-of-area referrals have no rate: there is no population to divide by.",
        *([] if exact else ["Rates are worked out from the rounded counts shown."]),
    ]


SERVICES = Words("Referrals by service", "Referrals received by each commissioned service.")
SOURCES = Words(
    "Referrals by source",
    "Who made the referrals: the police, the person themselves, other agencies.",
)
SUBJECTS = Words(
    "Referrals by subject",
    "Whom the referrals were about: victim-survivors, perpetrators, and children and young people.",
)
BREAKDOWN_TOTAL = "All referrals"


def breakdown_description(quarter: FinancialQuarter, label: str) -> str:
    return f"Referrals received in {quarter}, by {label.lower()}."


def nothing_by(label: str) -> str:
    return f"There is nothing to show by {label.lower()} yet."


# Response and waiting ----------------------------------------------------------------------------

RESPONSE = Words(
    "Response times against targets",
    "The share of referrals contacted within one working day, and the share with managerial "
    "oversight within 24 hours of receipt, against each service's target.",
)


def response_notes(*, exact: bool, first_contact: str, oversight: str) -> list[str]:
    """`first_contact` and `oversight`: what they meant for the services shown (their
    definitions, scrutiny.definition_notes)."""
    notes = [
        "A referral counts once its deadline has passed or it has been contacted (or "
        "overseen); one never contacted counts as not contacted in time.",
        first_contact,
        oversight,
    ]
    if not exact:
        notes.append(
            "Percentages are worked out from the rounded counts, and compared with the target "
            "as shown. Where from 1 to "
            f"{settings.DISCLOSURE_THRESHOLD} referrals missed the target, the percentage "
            "is shown as a band (for example “over 94%”) that any such number fits, so that "
            "the number cannot be worked out."
        )
    return notes


WAITING = Words(
    "Waiting list and waiting times",
    "How many people were waiting for support at the end of the quarter, and how long those "
    "who started support in the quarter had waited, by risk level.",
)
WAITING_ROW = "Referrals on a waiting list"
STARTED = "Started support in the quarter"
ALL_RISK_LEVELS = "All risk levels"


def waiting_notes() -> list[str]:
    return [
        "The median is the middle wait; the 90th percentile is the wait that 9 in 10 "
        "people did not exceed.",
        f"Waits are shown only for a group of at least {MIN_GROUP} as shown: in a smaller "
        "group they are one or two people's own waits.",
    ]


# Casework ----------------------------------------------------------------------------------------


def repeats_words(months: int) -> Words:
    return Words(
        "Repeat referrals and repeat addresses",
        f"Referrals of someone referred before within {months} months, and households "
        "referred again, as numbers and shares.",
    )


def repeats_notes(months: int) -> list[str]:
    return [
        f"A repeat referral is of a person referred to any service in the {months} "
        "months before. A repeat address is a household among the quarter's referrals "
        f"with an earlier referral within {months} months."
    ]


OUTCOMES = Words(
    "Outcomes at closure and signposting",
    "Why referrals were closed in the quarter, the outcome measures they met, and how many "
    "were signposted to another service.",
)
OUTCOMES_NOTES = [
    "A closed referral can meet several outcome measures, so the outcomes do not add up to "
    "the number closed."
]

CASELOAD = Words(
    "Caseload per caseworker",
    "Open cases per full-time-equivalent caseworker at the end of the quarter, against each "
    "service's benchmark range.",
)
CASELOAD_CHART_TITLE = "Open cases per caseworker FTE, by service"


def caseload_description(quarter: FinancialQuarter, *, band: bool) -> str:
    return (
        f"Open cases at the end of {quarter} for each full-time-equivalent caseworker, by "
        "service" + (", against the benchmark range." if band else ".")
    )


def caseload_notes(quarter: FinancialQuarter, counted: dict[str, list[str]]) -> list[str]:
    """`counted`: what counted as an open case (its label) and the services it did for."""
    if not counted:
        return [f"No service has a caseworker FTE figure for {quarter}."]
    if len(counted) == 1:
        return [f"Open cases counted: {next(iter(counted)).lower()}, for every service."]
    return [
        "Open cases counted: "
        + "; ".join(f"{what.lower()} for {', '.join(names)}" for what, names in counted.items())
        + "."
    ]


# Safe accommodation and equality -----------------------------------------------------------------

SAFE_ACCOMMODATION = Words(
    "Safe accommodation",
    "The safe accommodation the partnership commissions under Part 4 of the Domestic Abuse "
    "Act 2021: bed spaces and units by type of accommodation.",
)
SAFE_ACCOMMODATION_TOTAL = "All safe accommodation"
SAFE_ACCOMMODATION_NOTES = [
    "Capacity is for the whole partnership; the service filter does not apply."
]

MARAC = Words(
    "Marac: multi-agency risk assessment conferences",
    "Cases heard at Marac in the quarter and in the 12 months to its end, repeat cases, the "
    "children in the households, who referred them and the victims' profile, against the "
    "volume SafeLives recommends.",
)
MARAC_ALL_AREAS = "All districts and out of area"
MARAC_ALL_CASES = "All cases"
MARAC_PARTNER_AGENCIES = "Partner agencies (not the police)"
MARAC_NOT_RECORDED = "Not recorded"
MARAC_NOTES = [
    "Marac figures are for the whole partnership: the service filter does not apply.",
    "A case is a victim-survivor's case heard at a Marac meeting, counted in the period of its "
    "hearing; a repeat case is one whose victim had an earlier Marac referral within 12 months "
    "(SafeLives' definition; referrals in another role do not count). Children are those in "
    "the households of the cases.",
    "Rates are cases per 10,000 women aged 16 and over. SafeLives recommends 40 cases a year "
    "per 10,000 adult women (10 a quarter).",
    "Partner agencies are every referrer but the police, with the cases whose referrer was not "
    "recorded.",
    "Where a figure is hidden for the quarter and the 12 months count the same cases, it is "
    "hidden for the 12 months too.",
]
MARAC_NO_POPULATION = "A district has no adult female population recorded, so there is no rate."
ROUNDED_RATES = "Percentages and rates are worked out from the rounded counts shown."


def marac_population_note(sources: list[str]) -> str:
    return f"Adult female population: {'; '.join(sources)}."


CHILDREN = Words(
    "Children",
    "Children in the households of the quarter's referrals and children referred themselves, "
    "with each child counted once.",
)
CHILDREN_IN_HOUSEHOLDS = "Children in the households referred"
CHILD_REFERRALS = "Child referrals"
CHILDREN_REFERRED = "Children referred (each child once)"
CHILDREN_REACHED = "Children reached (each child once)"
CHILDREN_NOTES = [
    "Referrals from the same address are one household; its children are the largest number "
    "recorded on its referrals.",
    "Children reached counts each child once: a child referred from a household whose children "
    "were already counted is not counted again.",
]

EQUALITY = Words(
    "Equality profile",
    "Who was referred in the quarter, by gender, age band, ethnic group, disability, sexual "
    "orientation and no recourse to public funds.",
)


def equality_notes(*, exact: bool) -> list[str]:
    return [
        "Ethnic groups are the 19 groups of the 2021 Census. Percentages are of all "
        "referrals in the quarter"
        + ("." if exact else ", worked out from the rounded counts shown.")
    ]


# Money and actions -------------------------------------------------------------------------------


def funding_words(year: FinancialYear) -> Words:
    return Words(
        "Contract funding splits",
        f"Who pays for each contract in {year}, and whether the contributions add up to the "
        "contract's value.",
    )


def funding_notes(year: FinancialYear, problems: list[str], *, any_rows: bool) -> list[str]:
    if not any_rows:
        return [f"No contract has a value recorded for {year}."]
    return problems or [f"Every contract's contributions for {year} add up."]


def grants_words(year: FinancialYear) -> Words:
    return Words("Grant allocations", f"How each grant for {year} is shared between recipients.")


def grants_notes(year: FinancialYear, problems: list[str], *, any_rows: bool) -> list[str]:
    if problems:
        return problems
    if not any_rows:
        return [f"No grant is recorded for {year}."]
    return ["Every grant's allocations add up to its total."]


ACTIONS = Words(
    "Committee actions",
    "Actions raised by committee resolutions, by RAG status, and those now overdue.",
)


def actions_notes(*, any_overdue: bool) -> list[str]:
    return [
        "Actions raised on exempt (confidential) agenda items are not included.",
        f"Red means overdue; {Rag.AMBER.label.lower()} means due within 14 days.",
    ] + ([] if any_overdue else ["No action is overdue."])


# Normal variation or real change ---------------------------------------------------------------

DISTRICT_VARIATION = Words(
    "Normal variation or real change: districts",
    "Whether each district's quarterly referrals moved beyond their normal variation, over "
    "every quarter with data.",
)
SERVICE_VARIATION = Words(
    "Normal variation or real change: services",
    "Whether each service's quarterly referrals moved beyond their normal variation, over "
    "every quarter with data.",
)


def variation_chart_title(name: str) -> str:
    return f"{name}: referrals by quarter, with process limits"


def referrals_from(district: str) -> str:
    """How a district's chart names its figures in its description and reading."""
    return f"Referrals from {district}"


def referrals_to(service: str) -> str:
    return f"Referrals to {service}"


def variation_notes(*, exact: bool) -> list[str]:
    return [
        "Each chart is a statistical process control (XmR) chart, as in NHS England's "
        "'Making Data Count'. Points outside the process limits, runs of 7 quarters "
        "above or below the mean and trends of 7 rising or falling quarters are "
        "special-cause variation: a real change rather than normal fluctuation.",
        *(
            []
            if exact
            else [
                "The charts use the rounded figures shown; a quarter too small to show "
                "is a gap and is left out of the mean and the limits."
            ]
        ),
    ]
