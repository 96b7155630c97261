"""The headlines the report's executive summary is written from: the same cells as the panels."""

from __future__ import annotations

from partnership.disclosure import Disclosed, disclose_count

from .figures import Figures
from .model import Headlines
from .wording import DOES_NOT_APPLY


def headlines(f: Figures) -> Headlines:
    r = f.release
    now, before = f.received(f.quarter), f.received(f.last_year)
    contact_target, oversight_target = f.targets
    return Headlines(
        referrals=now,
        referrals_last_year=before,
        referrals_change=f.disclosure.change(now, before),
        contacted_within_one_day=f.share(r.first_contact, band=True),
        contact_target=contact_target,
        oversight_within_24_hours=f.share(r.oversight, band=True)
        if f.definitions.oversight_applies_anywhere
        else Disclosed(None, DOES_NOT_APPLY),
        oversight_target=oversight_target,
        waiting_list=f.view.of_series(r.waiting_list),
        repeat_rate=f.repeat_rate,
        overdue_actions=disclose_count(len(f.actions.overdue), exact=True),
        marac=f.marac[1][0],
        children=f.children,
    )
