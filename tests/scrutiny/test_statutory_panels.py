"""The Marac and children figures released (scrutiny.statutory_release) and laid out as panels
(scrutiny.dashboard.statutory), against hand-worked releases.

Threshold 7: a count from 1 to 7 is "*", others round to the nearest 5. Every percentage and rate
is worked out from the released cells, so the hand-worked figures below differ from the exact
ones on purpose (the repeat rate is 40%, from 10 of 25 shown, where the exact 9 of 23 is 39.1%).
"""

from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest

from partnership.calendar import FinancialQuarter
from partnership.disclosure import Disclosure
from referrals.children import ChildrenFigures
from referrals.marac import AreaCases, MaracFigures, MaracPeriod, Share
from referrals.metrics import Percentage
from scrutiny.dashboard.statutory import children_panel, marac_panel
from scrutiny.reports.sentences import children_sentence, marac_sentence
from scrutiny.statutory_release import release_children, release_marac, release_marac_figures

Q = FinancialQuarter(2025, 1)
COMMITTEE = Disclosure(threshold=7)
EXACT = Disclosure(exact=True, threshold=7)
NO_SOURCE = {
    "police": 0,
    "idva": 0,
    "childrens_social_care": 0,
    "adult_social_care": 0,
    "primary_care": 0,
    "secondary_care": 0,
    "mental_health": 0,
    "substance_misuse": 0,
    "probation": 0,
    "voluntary_sector": 0,
    "mash": 0,
    "education": 0,
    "housing": 0,
    "other": 0,
}


def period(label="2025/26 Q1", **changes) -> MaracPeriod:
    """23 cases: North 12, South 8, out of area 3; police 14, Idva 6, source not recorded 3."""
    cases = changes.pop("cases", 23)
    base = MaracPeriod(
        label=label,
        start=Q.start,
        end=Q.end,
        cases=cases,
        repeats=Percentage(9, cases),
        children=31,
        adult_women=50_000,
        rate_per_10000=Decimal("4.6"),
        recommended_per_10000=Decimal(10),
        recommended_cases=50,
        by_source=NO_SOURCE | {"police": 14, "idva": 6},
        partner_agency=Percentage(9, cases),
        profile={
            "racially_minoritised": Share(Percentage(12, cases), 0),
            "lgbt": Share(Percentage(0, cases), 0),
            "disabled": Share(Percentage(9, cases), 4),
            "male": Share(Percentage(2, cases), 0),
            "aged_16_17": Share(Percentage(0, cases), 23),
        },
        by_area=[
            AreaCases(1, "North", 12, 20_000, None),
            AreaCases(2, "South", 8, 30_000, None),
            AreaCases(None, "Out of area", 3, None, None),
        ],
        not_recorded=2,
        population_sources=["Test figure (2023)"],
    )
    return replace(base, **changes)


def figures() -> MaracFigures:
    return MaracFigures(
        quarter=period(),
        rolling=period(
            "12 months to 30 June 2025", recommended_per_10000=Decimal(40), recommended_cases=200
        ),
    )


def test_cases_repeats_and_the_rate_per_10000_adult_women_from_the_released_cases():
    released = release_marac(period(), COMMITTEE)

    assert released.cases.display == "25"
    assert released.repeats.display == "10"
    # 10 of 25 shown, not the exact 9 of 23 (39.1%).
    assert released.repeat_rate.display == "40%"
    assert released.children.display == "30"
    # 25 per 50,000 adult women, not the exact 23 (4.6).
    assert released.rate.display == "5.0"
    assert (released.recommended_rate, released.recommended_cases) == (10, 50)
    assert released.not_recorded.display == "*"


def test_districts_hide_a_second_cell_beside_a_small_one_and_rates_use_the_shown_cells():
    released = release_marac(period(), COMMITTEE)
    areas = {a.name: (a.cases.display, a.rate.display) for a in released.by_area}

    # Out of area (3) is small; the cases' total is shown, so the smallest other, South (8),
    # is hidden too. North: 10 shown per 20,000 adult women is 5.0 (exact 12: 6.0).
    assert areas == {"North": ("10", "5.0"), "South": ("*", "*"), "Out of area": ("*", "–")}


def test_referral_routes_with_not_recorded_and_the_partner_share_from_the_police_share():
    released = release_marac(period(), COMMITTEE)

    assert released.by_source["police"].display == "15"
    assert released.by_source["idva"].display == "*"
    assert released.by_source["not_recorded"].display == "*"
    assert released.by_source["housing"].display == "0"
    assert released.source_shares["police"].display == "60%"
    assert released.partner_share.display == "40%"
    assert released.source_shares["idva"].display == "*"
    assert released.source_shares["housing"].display == "0%"


def test_profile_shares_hide_a_share_whose_not_known_count_is_small():
    profile = release_marac(period(), COMMITTEE).profile

    minoritised = profile["racially_minoritised"]
    assert (minoritised.number.display, minoritised.share.display) == ("10", "40%")
    assert minoritised.not_known.display == "0"
    # Disabled: 9 with, 4 not known (small), 10 without. The smallest other cell, 9, is hidden
    # too, or it would give the 4 away (23 - 9 - 10): so is the share.
    disabled = profile["disabled"]
    assert (disabled.number.display, disabled.share.display) == ("*", "*")
    assert disabled.not_known.display == "*"
    assert profile["male"].share.display == "*"
    assert profile["aged_16_17"].not_known.display == "25"


def test_exact_figures_for_those_who_may_see_them():
    released = release_marac(period(), EXACT)

    assert released.cases.display == "23"
    assert released.repeat_rate.display == "39.1%"
    assert released.rate.display == "4.6"
    assert released.partner_share.display == "39.1%"
    assert released.profile["disabled"].share.display == "39.1%"


def test_no_cases_shows_zeros_and_no_percentages():
    empty = period(
        cases=0,
        repeats=Percentage(0, 0),
        children=0,
        by_source=NO_SOURCE,
        profile={key: Share(Percentage(0, 0), 0) for key in period().profile},
        by_area=[AreaCases(1, "North", 0, 20_000, None)],
        not_recorded=0,
    )
    released = release_marac(empty, COMMITTEE)

    assert released.cases.display == "0"
    assert released.repeat_rate.display == "–"
    assert released.rate.display == "0.0"
    assert released.partner_share.display == "–"


def test_the_panel_shows_both_periods_and_its_csv_holds_every_table_row():
    marac = figures()
    f = SimpleNamespace(marac=(marac, release_marac_figures(marac, COMMITTEE)), exact=False)
    panel = marac_panel(f)

    assert panel.slug == "marac"
    assert [len(t.rows) for t in panel.tables] == [8, 8, 34, 10]
    assert sum(len(t.rows) for t in panel.tables) == len(panel.csv_rows)
    cases = panel.tables[0].rows
    assert cases[0] == ["Cases", "2025/26 Q1", "25", "5.0", "10 per 10,000 (50 cases)"]
    assert cases[4][1:] == ["12 months to 30 June 2025", "25", "5.0", "40 per 10,000 (200 cases)"]
    assert panel.csv_rows[0] == [
        "Cases",
        "Cases",
        "2025/26 Q1",
        "25",
        "5.0",
        "10 per 10,000 (50 cases)",
        "–",
    ]
    profile_row = next(row for row in panel.csv_rows if row[1] == "Disabled")
    assert profile_row == ["Profile", "Disabled", "2025/26 Q1", "*", "*", "–", "*"]
    assert any("service filter does not apply" in note for note in panel.notes)
    assert any("rounded counts" in note for note in panel.notes)


def test_children_are_released_for_the_view_with_the_subjects_cell_for_child_referrals():
    children = ChildrenFigures(
        quarter=Q,
        households=40,
        households_with_children=20,
        children_in_households=33,
        child_referrals=12,
        children_referred=11,
        children_reached=41,
    )
    from_subjects = COMMITTEE.series({"child": 12}).items["child"]
    released = release_children(children, from_subjects, COMMITTEE)
    panel = children_panel(SimpleNamespace(quarter=Q, children=released))

    assert released.child_referrals is from_subjects
    assert panel.csv_rows == [
        ["Children in the households referred", "35"],
        ["Child referrals", "10"],
        ["Children referred (each child once)", "10"],
        ["Children reached (each child once)", "40"],
    ]
    assert children_sentence(released, threshold=7) == (
        "The quarter's referrals reached 40 children, each counted once."
    )


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        (
            23,
            "25 cases were heard at Marac this quarter, 5.0 per 10,000 adult women against the "
            "10 SafeLives recommends; 40% were repeat cases.",
        ),
        (5, "Fewer than 8 cases were heard at Marac this quarter, so the Marac figures are not "),
        (0, "No cases were heard at Marac this quarter."),
    ],
)
def test_the_report_s_marac_sentence_is_written_from_the_released_figures(cases, expected):
    repeats = min(cases, 9)
    released = release_marac(
        period(
            cases=cases,
            repeats=Percentage(repeats, cases),
            by_source=NO_SOURCE | {"police": cases},
            profile={key: Share(Percentage(0, cases), 0) for key in period().profile},
            by_area=[AreaCases(1, "North", cases, 50_000, None)],
        ),
        COMMITTEE,
    )

    assert marac_sentence(released, threshold=7).startswith(expected)


def test_the_12_months_hide_a_cell_the_quarter_hides_when_they_count_the_same_cases():
    """South's 8 cases are hidden in the quarter (beside out of area's 3). Over 12 months with
    nothing else in South, its count is the same 8: shown there, it would give the quarter's
    hidden cell away, so it is hidden with a second cell of its own (North, the smallest other
    shown), and out of area, 3 in the quarter and 9 in the 12 months, is shown."""
    rolling = period(
        "12 months to 30 June 2025",
        cases=50,
        repeats=Percentage(20, 50),
        by_source=NO_SOURCE | {"police": 30, "idva": 20},
        profile={key: Share(Percentage(10, 50), 10) for key in period().profile},
        by_area=[
            AreaCases(1, "North", 33, 20_000, None),
            AreaCases(2, "South", 8, 30_000, None),
            AreaCases(None, "Out of area", 9, None, None),
        ],
    )
    quarter_alone, rolling_alone = (
        release_marac(period(), COMMITTEE),
        release_marac(rolling, COMMITTEE),
    )
    assert {a.name: a.cases.display for a in rolling_alone.by_area} == {
        "North": "35",
        "South": "10",
        "Out of area": "10",
    }
    assert [a.cases.display for a in quarter_alone.by_area] == ["10", "*", "*"]

    quarter, year = release_marac_figures(MaracFigures(period(), rolling), COMMITTEE)

    assert quarter == quarter_alone
    areas = {a.name: a.cases.display for a in year.by_area}
    assert areas["South"] == "*"
    assert list(areas.values()).count("*") == 2  # and a second cell, so no subtraction gives it
    # Exact figures hide nothing.
    exact = release_marac_figures(MaracFigures(period(), rolling), EXACT)[1]
    assert [a.cases.display for a in exact.by_area] == ["33", "8", "9"]
