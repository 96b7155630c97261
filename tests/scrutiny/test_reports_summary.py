"""The executive summary's sentences, written from the dashboard's disclosed headline figures."""

from decimal import Decimal

from partnership.disclosure import Disclosed, disclose_change, disclose_count
from scrutiny.reports.sentences import summary_sentences
from tests.scrutiny.reportfakes import headlines, share


def sentences(**changes) -> list[str]:
    return summary_sentences(headlines(**changes), threshold=7)


def sentence_about(text: str, **changes) -> str:
    return next(sentence for sentence in sentences(**changes) if text in sentence)


def test_a_rise_on_last_year_is_written_with_its_percentage_and_both_figures():
    assert sentences()[0] == ("Referrals rose 7.1% on the same quarter last year, from 810 to 870.")


def test_a_fall_on_last_year_is_written_as_a_fall():
    summary = sentences(
        referrals=disclose_count(600),
        referrals_change=Disclosed(Decimal("-26.1"), "-26.1%"),
    )

    assert summary[0] == "Referrals fell 26.1% on the same quarter last year, from 810 to 600."


def test_no_change_on_last_year_is_written_as_unchanged():
    summary = sentences(
        referrals=disclose_count(812), referrals_change=Disclosed(Decimal("0.0"), "0.0%")
    )

    assert summary[0] == "Referrals were unchanged on the same quarter last year, at 810."


def test_a_suppressed_referral_count_is_written_as_fewer_than_the_threshold_never_as_itself():
    summary = sentences(
        referrals=disclose_count(5),
        referrals_change=disclose_change(disclose_count(5), disclose_count(812)),
    )

    assert summary[0] == (
        "Fewer than 8 referrals were received this quarter, so the figures are not shown."
    )


def test_a_suppressed_figure_last_year_leaves_out_the_comparison():
    summary = sentences(referrals_last_year=disclose_count(6), referrals_change=None)

    assert summary[0] == (
        "870 referrals were received this quarter; the same quarter last year is not shown to "
        "compare with."
    )
    assert "6" not in summary[0]


def test_a_percentage_below_its_target_says_the_target_was_missed():
    # 817 of 870 is shown as 815 of 870: 93.7%, to a whole number 94%.
    assert sentence_about("contacted") == (
        "94% were contacted within one working day against a 95% target (target missed)."
    )


def test_a_percentage_above_its_target_says_the_target_was_met():
    text = sentence_about("contacted", contacted_within_one_day=share(840, 870))

    assert text == "97% were contacted within one working day against a 95% target (target met)."


def test_a_percentage_equal_to_its_target_has_met_it():
    text = sentence_about(
        "contacted",
        contacted_within_one_day=share(95, 100, band=False),
        contact_target=Decimal("95"),
    )

    assert text == "95% were contacted within one working day against a 95% target (target met)."


def test_a_suppressed_percentage_is_not_compared_with_its_target():
    text = sentence_about("oversight")

    assert text == (
        "The percentage with managerial oversight within 24 hours is not shown this quarter, "
        "because it would rest on, or give away, a count of fewer than 8."
    )
    assert "target" not in text


def test_a_percentage_with_nothing_to_measure_says_so():
    text = sentence_about("oversight", oversight_within_24_hours=share(0, 0))

    assert text == (
        "There were no referrals this quarter to measure the percentage with managerial "
        "oversight within 24 hours."
    )


def test_a_suppressed_waiting_list_is_fewer_than_the_threshold():
    assert sentence_about("waiting") == (
        "Fewer than 8 referrals were waiting for support at the end of the quarter."
    )


def test_a_shown_waiting_list_gives_its_rounded_figure():
    text = sentence_about("waiting", waiting_list=disclose_count(43))

    assert text == "45 referrals were waiting for support at the end of the quarter."


def test_the_repeat_rate_and_overdue_actions_are_written_when_shown():
    summary = sentences()

    assert "24% of referrals were repeat referrals." in summary  # 205 of 870, as shown
    assert summary[-1] == "2 committee actions are overdue."


def test_no_overdue_actions_is_said_plainly():
    assert sentences(overdue_actions=disclose_count(0))[-1] == "No committee actions are overdue."


def test_a_headline_the_dashboard_does_not_give_is_left_out():
    summary = sentences(waiting_list=None, repeat_rate=None)

    assert not any("waiting" in sentence or "repeat" in sentence for sentence in summary)


def test_no_sentence_holds_a_count_from_one_to_the_threshold():
    small = {n: disclose_count(n) for n in range(1, 8)}
    for n, figure in small.items():
        summary = sentences(
            referrals=figure,
            referrals_change=disclose_change(figure, disclose_count(812)),
            waiting_list=figure,
            repeat_rate=share(n, 870, band=False),
        )
        text = " ".join(summary[:1] + [s for s in summary if "waiting" in s or "repeat" in s])
        assert str(n) not in text.lower().replace("fewer than 8", ""), text


def test_a_band_says_how_many_missed_without_a_number_and_no_verdict_it_cannot_give():
    text = sentence_about("contacted", contacted_within_one_day=share(133, 140))

    assert text == (
        "Over 94% were contacted within one working day: from 1 to 7 were not, a number too "
        "small to give, so whether the 95% target was met cannot be shown."
    )


def test_a_band_above_the_target_has_met_it():
    text = sentence_about(
        "contacted", contacted_within_one_day=share(863, 870), contact_target=Decimal("90")
    )

    assert text == (
        "Over 99% were contacted within one working day: from 1 to 7 were not, a number too "
        "small to give, so the 90% target was met."
    )
