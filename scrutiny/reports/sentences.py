"""The executive summary of the quarterly report, written from the dashboard's headline figures.

Every figure comes already disclosed (`partnership.disclosure.Disclosed`); this module only
decides which sentence to write about it, never a number.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from ..dashboard.wording import DOES_NOT_APPLY


def _shown(figure) -> bool:
    return figure is not None and not figure.suppressed and figure.value is not None


def _percent(value: Decimal) -> str:
    """A percentage as a sentence says it: "94%", or "93.9%" when it is not a whole number."""
    value = Decimal(value)
    return f"{value:.0f}%" if value == value.to_integral_value() else f"{value.normalize()}%"


def _fewer_than(threshold: int) -> str:
    return f"fewer than {threshold + 1}"


def _change_sentence(headlines, threshold: int) -> str | None:
    now, before = headlines.referrals, headlines.referrals_last_year
    change = headlines.referrals_change
    if now is None:
        return None
    if not _shown(now):
        if now.suppressed:
            return (
                f"{_fewer_than(threshold).capitalize()} referrals were received this quarter, "
                "so the figures are not shown."
            )
        return "No referrals were received this quarter."
    received = f"{now.display} referrals were received this quarter"
    if before is None or not _shown(before):
        return f"{received}; the same quarter last year is not shown to compare with."
    last_year = "on the same quarter last year"
    if change is not None and _shown(change) and change.value != 0:
        direction = "rose" if change.value > 0 else "fell"
        return (
            f"Referrals {direction} {_percent(abs(change.value))} {last_year}, "
            f"from {before.display} to {now.display}."
        )
    if change is not None and _shown(change):
        return f"Referrals were unchanged {last_year}, at {now.display}."
    return f"{received}, against {before.display} in the same quarter last year."


def _target_sentence(achieved, target, *, did: str, what: str, threshold: int) -> str | None:
    """E.g. "94% were contacted within one working day against a 95% target (target missed)." """
    if achieved is None:
        return None
    if getattr(achieved, "is_band", False):
        sentence = (
            f"Over {_percent(achieved.above)} {did}: from 1 to {threshold} were not, a number "
            "too small to give"
        )
        if target is None:
            return sentence + "."
        if achieved.above >= Decimal(target):
            return f"{sentence}, so the {_percent(target)} target was met."
        return f"{sentence}, so whether the {_percent(target)} target was met cannot be shown."
    if not _shown(achieved):
        if achieved.suppressed:
            return (
                f"The percentage {what} is not shown this quarter, because it would rest on, or "
                f"give away, a count of {_fewer_than(threshold)}."
            )
        return f"There were no referrals this quarter to measure the percentage {what}."
    sentence = f"{_percent(achieved.value)} {did}"
    if target is None:
        return sentence + "."
    verdict = "met" if achieved.value >= Decimal(target) else "missed"
    return f"{sentence} against a {_percent(target)} target (target {verdict})."


def _count_sentence(figure, *, some: str, one: str, none: str, threshold: int) -> str | None:
    if figure is None:
        return None
    if _shown(figure):
        return (one if figure.value == 1 else some).format(figure.display)
    if figure.suppressed:
        return some.format(_fewer_than(threshold).capitalize())
    return none


def summary_sentences(headlines, *, threshold: int | None = None) -> list[str]:
    """The executive summary, written from the dashboard's headline figures and nothing else.

    Every figure is a `Disclosed` value that has already been through disclosure control. Each
    headline count is disclosed on its own (no table around it), so a suppressed one is from 1
    to the threshold and is written as "fewer than 8", never as the number; a percentage is
    compared with its target only when it is shown.
    """
    threshold = settings.DISCLOSURE_THRESHOLD if threshold is None else threshold
    sentences = [
        _change_sentence(headlines, threshold),
        _target_sentence(
            headlines.contacted_within_one_day,
            headlines.contact_target,
            did="were contacted within one working day",
            what="contacted within one working day",
            threshold=threshold,
        ),
        "Managerial oversight within 24 hours is not measured for these services."
        if getattr(headlines.oversight_within_24_hours, "display", "") == DOES_NOT_APPLY
        else _target_sentence(
            headlines.oversight_within_24_hours,
            headlines.oversight_target,
            did="had managerial oversight within 24 hours",
            what="with managerial oversight within 24 hours",
            threshold=threshold,
        ),
        _count_sentence(
            headlines.waiting_list,
            some="{} referrals were waiting for support at the end of the quarter.",
            one="{} referral was waiting for support at the end of the quarter.",
            none="No referrals were waiting for support at the end of the quarter.",
            threshold=threshold,
        ),
    ]
    repeat = headlines.repeat_rate
    if repeat is not None and _shown(repeat):
        sentences.append(f"{_percent(repeat.value)} of referrals were repeat referrals.")
    elif repeat is not None and repeat.suppressed:
        sentences.append(
            "The repeat referral rate is not shown this quarter, because it would rest on, or "
            f"give away, a count of {_fewer_than(threshold)}."
        )
    if getattr(headlines, "marac", None) is not None:
        sentences.append(marac_sentence(headlines.marac, threshold=threshold))
    if getattr(headlines, "children", None) is not None:
        sentences.append(children_sentence(headlines.children, threshold=threshold))
    overdue = headlines.overdue_actions
    if overdue is not None and overdue.value is not None:
        sentences.append(
            "No committee actions are overdue."
            if overdue.value == 0
            else f"{overdue.display} committee action{'s are' if overdue.value != 1 else ' is'} "
            "overdue."
        )
    return [sentence for sentence in sentences if sentence]


def marac_sentence(quarter, *, threshold: int) -> str:
    """The quarter's Marac cases (a `scrutiny.statutory_release.MaracRelease`), its rate per
    10,000 adult women against SafeLives' recommended volume, and its repeat rate."""
    cases = quarter.cases
    if cases.suppressed:
        return (
            f"{_fewer_than(threshold).capitalize()} cases were heard at Marac this quarter, so "
            "the Marac figures are not shown."
        )
    if cases.value == 0:
        return "No cases were heard at Marac this quarter."
    sentence = f"{cases.display} cases were heard at Marac this quarter"
    if _shown(quarter.rate):
        recommended = f"{quarter.recommended_rate.normalize():f}"
        sentence += (
            f", {quarter.rate.display} per 10,000 adult women against the {recommended} "
            "SafeLives recommends"
        )
    if _shown(quarter.repeat_rate):
        return f"{sentence}; {quarter.repeat_rate.display} were repeat cases."
    return f"{sentence}."


def children_sentence(figures, *, threshold: int) -> str:
    """Children reached by the quarter's referrals (a `ChildrenRelease`), each counted once."""
    reached = figures.children_reached
    if reached.suppressed:
        return f"The quarter's referrals reached {_fewer_than(threshold)} children."
    if reached.value == 0:
        return "No children were recorded in the households of the quarter's referrals."
    return f"The quarter's referrals reached {reached.display} children, each counted once."
