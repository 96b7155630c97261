"""Which Marac case a victim's referral belongs to, and whether that case is a repeat, stored on
the referral when it is recorded (as `is_repeat` is), so the Marac figures never need the person.

The retention schedule clears a referral's person key (scrutiny.retention), and the Marac
figures link a victim's referrals across years: what links them is worked out here while the
key is there, and kept on the row:

- `marac_case`: the primary key of the first referral (lowest pk) of the same victim's same
  Marac case, on the case's other referrals; the same person's victim referrals with the same
  Marac referral date (the hearing date where the referral date is not recorded) are one case.
  Empty on a case's first referral, which is its own case, and on every other referral. A
  plain integer, not a foreign key, so anonymising the first referral leaves the others in its
  case.
- `marac_repeat`: the victim had an earlier Marac referral (any victim referral of the same
  person with an earlier Marac referral date) within the 12 months before the case's date;
  exactly 12 months is within (SafeLives' repeat Marac; `referrals.marac` has the definition).
  Referrals of the person in other roles never count.

`link_marac_cases` works these out again for some people (every referral of theirs that still
has its person key) or for everyone, in one read and one write of the rows that change: the
services call it for the person they record, the import for the people of its rows, the demo
once its rows exist, and migration 0010 for the rows already stored. A referral without a person
key (anonymised, or recorded without one) is never changed: its stored links stay as they were,
and one that never had them is a case of its own and not a repeat, as the figures counted it.

Recording only adds Marac dates, and an added date can only make cases repeats or join them,
so by default (`keep=True`) a stored repeat is kept and so is a link to a case's first referral
that is no longer keyed: an earlier referral anonymised since cannot undo a figure. An import
that corrects dates passes `keep=False`, and so do the demo and the migration, which see every
referral: links are then what the keyed referrals say now.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from .constants import Subject

REPEAT_MONTHS = 12
CHUNK = 2000  # people per read, under every database's limit on query parameters


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier; 31 May less 3 months is 28 or 29 February."""
    index = day.year * 12 + day.month - 1 - months
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def is_repeat(case_date: date, earlier_referrals: Iterable[date]) -> bool:
    """Whether a Marac referral on one of `earlier_referrals` falls in the 12 months before."""
    start = months_before(case_date, REPEAT_MONTHS)
    return any(start <= day < case_date for day in earlier_referrals)


def _links(rows: list[tuple]) -> dict[int, tuple[int | None, bool]]:
    """(pk, person, subject, referred on, heard on) rows -> {pk: (marac_case, marac_repeat)}."""
    first: dict[tuple[str, date], int] = {}
    referred: dict[str, set[date]] = defaultdict(set)
    for pk, person, subject, referred_on, heard_on in rows:
        if subject == Subject.VICTIM_SURVIVOR and (referred_on or heard_on):
            key = (person, referred_on or heard_on)
            first[key] = min(pk, first.get(key, pk))
            if referred_on:
                referred[person].add(referred_on)
    links: dict[int, tuple[int | None, bool]] = {}
    for pk, person, subject, referred_on, heard_on in rows:
        case_date = referred_on or heard_on
        if subject != Subject.VICTIM_SURVIVOR or case_date is None:
            links[pk] = (None, False)
            continue
        case = first[(person, case_date)]
        links[pk] = (None if case == pk else case, is_repeat(case_date, referred[person]))
    return links


def link_marac_cases(*, people: Iterable[str] | None = None, keep: bool = True, model=None) -> int:
    """Store `marac_case` and `marac_repeat` on the keyed referrals of `people` (person keys;
    None: everyone's). Returns how many rows changed. `model` is the Referral model (migration
    0010 passes its historical one). Set-based: one read of the rows with a Marac date or a
    stored link, and one update per case and per chunk of flags changed."""
    live = model is None
    if model is None:
        from .models import Referral as model
    keyed = model.objects.exclude(person_key="").filter(
        Q(marac_referred_on__isnull=False)
        | Q(marac_heard_on__isnull=False)
        | Q(marac_case__isnull=False)
        | Q(marac_repeat=True)
    )
    if people is None:
        changed = _store(model, keyed, keep=keep)
    else:
        wanted = sorted({person for person in people if person})
        changed = [
            pk
            for start in range(0, len(wanted), CHUNK)
            for pk in _store(
                model, keyed.filter(person_key__in=wanted[start : start + CHUNK]), keep=keep
            )
        ]
    if live and changed:  # a migration's historical model comes before the stored figures
        _mark_changed(model, people, changed)
    return len(changed)


def _mark_changed(model, people: Iterable[str] | None, changed: list[int]) -> None:
    """Stored figures of the changed rows' quarters are counted again; after relinking
    everyone (the demo, once its rows are in), none is kept."""
    from .stored_figures import forget_stored_figures, mark_referrals

    if people is None:
        forget_stored_figures()
        return
    for start in range(0, len(changed), CHUNK):
        mark_referrals(model.objects.filter(pk__in=changed[start : start + CHUNK]))


def _store(model, rows, *, keep: bool) -> list[int]:
    """Work out the rows' links and store those that changed; returns their pks."""
    read, stored = [], {}
    for pk, person, subject, referred_on, heard_on, case, repeat in (
        rows.order_by()
        .values_list(
            "pk",
            "person_key",
            "subject",
            "marac_referred_on",
            "marac_heard_on",
            "marac_case",
            "marac_repeat",
        )
        .iterator(5000)
    ):
        read.append((pk, person, subject, referred_on, heard_on))
        stored[pk] = (case, repeat)
    by_value: dict[tuple[int | None, bool], list[int]] = defaultdict(list)
    for pk, (case, repeat) in _links(read).items():
        stored_case, stored_repeat = stored[pk]
        if keep and stored_case is not None and stored_case not in stored:
            case = stored_case  # the case's first referral is anonymised: still its case
        links = (case, repeat or (keep and stored_repeat))
        if stored[pk] != links:
            by_value[links].append(pk)
    for (case, repeat), pks in by_value.items():
        for start in range(0, len(pks), CHUNK):
            model.objects.filter(pk__in=pks[start : start + CHUNK]).update(
                marac_case=case, marac_repeat=repeat
            )
    return [pk for pks in by_value.values() for pk in pks]
