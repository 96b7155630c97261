"""Writing a return's accepted rows: referrals created and updated in bulk, as typed ones would be.

`ReturnWriter` runs inside the caller's transaction (`runs.return_import_apply` holds one
around the whole file), one batch of checked rows at a time:

- **Created** rows get their references in one update of the year's counter, their repeat
  links by `services.find_earlier`'s rule (the latest referral of the same person, or household,
  received within the repeat window up to this one, of any service; for the person, in the same
  role when the service's definition says so; earlier rows of the same file count, as if the
  return were typed in its order), then are inserted with their history, outcomes, specialist
  characteristics, `ImportedCase` and audit rows.
- **Updated** rows overwrite the referral an earlier import made, its history, outcomes and
  characteristics with the row's; its repeat links are worked out again only if its time
  received, role or keys changed.

Bulk writes send no signals, so `finish` recounts the monthly summary for the months the rows
touched (before and after) in the same transaction, and marks their quarters changed for
`referrals.stored_figures`. Imported referrals have no `logged_by`
(the model says so); the audit rows name the person who confirmed the import.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from partnership.constants import AuditAction
from partnership.models import AuditEvent, User

from .. import rules, stored_figures, summary
from ..marac_cases import link_marac_cases
from ..models import Referral, ReferralOutcome, ReferralStatusChange
from ..services import allocate_references, find_earlier
from .checking import CREATE, UPDATE, CheckedRow
from .models import ImportedCase, ReturnImport

Characteristic = Referral.specialist_characteristics.through
LINKS = {
    "person_key": ("repeat_of", "is_repeat"),
    "address_key": ("repeat_address_of", "is_repeat_address"),
}
# Fields an import never sets on an existing referral: who logged it and its reference stay.
KEPT = {"id", "reference", "logged_by", "logged_at", *(f for pair in LINKS.values() for f in pair)}
UPDATED_FIELDS = [f.name for f in Referral._meta.concrete_fields if f.name not in KEPT]
LINK_FIELDS = [f for pair in LINKS.values() for f in pair]
# An existing referral's repeat links depend on these; an update that changes none keeps them.
LINKED_BY = ("received_at", "subject", "person_key", "address_key")


def _months(referral: Referral) -> set[int]:
    moments = (referral.received_at, referral.closed_at, referral.signposted_at)
    return {summary.month_index(moment) for moment in moments if moment is not None}


class ReturnWriter:
    """Writes the accepted rows of one import (see the module docstring)."""

    def __init__(self, return_import: ReturnImport, *, by: User | None):
        self.run = return_import
        self.by = by
        self.months: set[int] = set()
        self.quarters: set[stored_figures.Mark] = set()  # for the stored figures

    def write(self, rows: list[CheckedRow]) -> None:
        created = [row for row in rows if row.action == CREATE]
        updated = [row for row in rows if row.action == UPDATE]
        if created:
            self._create(created)
            # New Marac dates only add to their people's cases (referrals.marac_cases).
            link_marac_cases(people={row.referral.person_key for row in created})
        if updated:
            corrected = self._update(updated)
            link_marac_cases(people=corrected, keep=False)

    def finish(self) -> None:
        """Recount the monthly summary for every month the rows touched, and mark their
        quarters changed for the stored figures."""
        if self.months:
            summary.refresh_months(self.months, self.run.service_id)
        stored_figures.mark_changed(self.quarters)

    def _touched(self, referral: Referral) -> None:
        self.months |= _months(referral)
        self.quarters |= stored_figures.quarters_of([stored_figures.figure_columns(referral)])

    # Created ---------------------------------------------------------------------------------

    def _create(self, rows: list[CheckedRow]) -> None:
        referrals = [row.referral for row in rows]
        pending = self._link_new(rows)
        self._give_references(referrals)
        for referral in referrals:
            referral.clean_fields(exclude=FOREIGN_KEYS)
            self._touched(referral)
        Referral.objects.bulk_create(referrals)
        for referral, field, target in pending:  # links to rows of this batch, now saved
            setattr(referral, field, target)
        if pending:
            Referral.objects.bulk_update({r for r, _f, _t in pending}, LINK_FIELDS)
        ImportedCase.objects.bulk_create(
            ImportedCase(
                referral=row.referral,
                service_id=self.run.service_id,
                case_key=row.case_key,
                created_by_import=self.run,
                updated_by_import=self.run,
                row_sha256=row.fingerprint,
            )
            for row in rows
        )
        self._history(rows)
        ReferralOutcome.objects.bulk_create(
            ReferralOutcome(referral=row.referral, outcome=outcome)
            for row in rows
            for outcome in row.outcomes
        )
        self._characteristics(rows)
        self._audit(AuditAction.CREATE, referrals)

    def _give_references(self, referrals: list[Referral]) -> None:
        by_year: dict[int, list[Referral]] = defaultdict(list)
        for referral in referrals:
            by_year[timezone.localtime(referral.received_at).year].append(referral)
        for year, of_year in by_year.items():
            for referral, reference in zip(
                of_year, allocate_references(year, len(of_year)), strict=True
            ):
                referral.reference = reference

    def _link_new(self, rows: list[CheckedRow]) -> list[tuple[Referral, str, Referral]]:
        """Set the repeat links of new referrals, in file order. Links to a referral of the same
        batch are returned, to be set once it has its primary key."""
        referrals = [row.referral for row in rows]
        pending = []
        for key_field, (link, flag) in LINKS.items():
            stored = _stored_by_key(key_field, referrals)
            earlier_in_file: dict[str, list[tuple]] = defaultdict(list)
            for position, row in enumerate(rows):
                referral = row.referral
                key = getattr(referral, key_field)
                if not key:
                    continue
                candidates = stored.get(key, []) + earlier_in_file[key]
                if key_field == "person_key" and row.repeats_same_role:
                    candidates = [c for c in candidates if c[3] == referral.subject]
                target = _latest_within_window(candidates, referral.received_at)
                setattr(referral, flag, target is not None)
                if isinstance(target, Referral):
                    pending.append((referral, link, target))
                else:
                    setattr(referral, f"{link}_id", target)
                # Saved later than every stored referral: it wins a tie on time, as a higher pk.
                earlier_in_file[key].append(
                    (referral.received_at, (1 << 62) + position, referral, referral.subject)
                )
        return pending

    def _characteristics(self, rows: list[CheckedRow]) -> None:
        """The specialist characteristics of rows that recorded them (many-to-many rows)."""
        Characteristic.objects.bulk_create(
            Characteristic(referral_id=row.referral.pk, returncategory_id=category)
            for row in rows
            for category in row.characteristics or ()
        )

    # Updated ---------------------------------------------------------------------------------

    def _update(self, rows: list[CheckedRow]) -> set[str]:
        """Write the rows over their referrals; the person keys they had and have now."""
        stored = Referral.objects.in_bulk([row.existing.referral_id for row in rows])
        referrals = []
        people = {referral.person_key for referral in stored.values()}
        for row in rows:
            referral = stored[row.existing.referral_id]
            relink = any(
                getattr(referral, name) != getattr(row.referral, name) for name in LINKED_BY
            )
            self._touched(referral)
            for name in UPDATED_FIELDS:
                setattr(referral, name, getattr(row.referral, name))
            referral.clean_fields(exclude=FOREIGN_KEYS)
            if relink:
                _relink(referral, same_role=row.repeats_same_role)
            self._touched(referral)
            row.referral = referral
            referrals.append(referral)
        Referral.objects.bulk_update(referrals, UPDATED_FIELDS + LINK_FIELDS)
        ReferralStatusChange.objects.filter(referral__in=referrals).delete()
        self._history(rows)
        self._replace_outcomes(rows)
        Characteristic.objects.filter(referral__in=referrals).delete()
        self._characteristics(rows)
        cases = []
        for row in rows:
            row.existing.updated_by_import = self.run
            row.existing.row_sha256 = row.fingerprint
            cases.append(row.existing)
        ImportedCase.objects.bulk_update(cases, ["updated_by_import", "row_sha256"])
        self._audit(AuditAction.UPDATE, referrals)
        return people | {referral.person_key for referral in referrals}

    def _replace_outcomes(self, rows: list[CheckedRow]) -> None:
        held: dict[int, set[str]] = defaultdict(set)
        for referral_id, outcome in ReferralOutcome.objects.filter(
            referral__in=[row.referral for row in rows]
        ).values_list("referral_id", "outcome"):
            held[referral_id].add(outcome)
        removed = Q()
        added = []
        for row in rows:
            wanted, had = set(row.outcomes), held[row.referral.pk]
            if had - wanted:
                removed |= Q(referral=row.referral, outcome__in=had - wanted)
            added += [ReferralOutcome(referral=row.referral, outcome=o) for o in wanted - had]
        if removed:
            ReferralOutcome.objects.filter(removed).delete()
        ReferralOutcome.objects.bulk_create(added)

    # Both ------------------------------------------------------------------------------------

    def _history(self, rows: list[CheckedRow]) -> None:
        ReferralStatusChange.objects.bulk_create(
            ReferralStatusChange(
                referral=row.referral, from_status=before, to_status=after, at=at, by=None
            )
            for row in rows
            for before, after, at in row.moves
        )

    def _audit(self, action: str, referrals: list[Referral]) -> None:
        """One audit row per referral written, naming the import, like every other write."""
        roles = ",".join(sorted(self.by.role_names())) if self.by is not None else ""
        AuditEvent.objects.bulk_create(
            AuditEvent(
                user=self.by,
                roles=roles,
                action=action,
                object_type=Referral._meta.label,
                object_id=str(referral.pk),
                object_repr=referral.reference,
                detail={"import": self.run.pk, "service": self.run.service_id},
            )
            for referral in referrals
        )


FOREIGN_KEYS = [f.name for f in Referral._meta.concrete_fields if f.is_relation]


def _stored_by_key(key_field: str, referrals: list[Referral]) -> dict[str, list]:
    """Stored referrals that could be the earlier referral of any of these, by key."""
    keys = {getattr(r, key_field) for r in referrals if getattr(r, key_field)}
    if not keys:
        return {}
    start = min(rules.repeat_window_start(r.received_at) for r in referrals)
    end = max(r.received_at for r in referrals)
    found: dict[str, list] = defaultdict(list)
    for key, received_at, pk, subject in Referral.objects.filter(
        **{f"{key_field}__in": keys}, received_at__gte=start, received_at__lte=end
    ).values_list(key_field, "received_at", "pk", "subject"):
        found[key].append((received_at, pk, pk, subject))
    return found


def _latest_within_window(candidates: list[tuple], received_at: datetime):
    """find_earlier's choice: the latest (then highest pk) received within the window up to
    `received_at`; candidates are (received, order, target, subject)."""
    start = rules.repeat_window_start(received_at)
    within = [c for c in candidates if start <= c[0] <= received_at]
    return max(within, key=lambda c: (c[0], c[1]))[2] if within else None


def _relink(referral: Referral, *, same_role: bool) -> None:
    """Work out an existing referral's repeat links again, leaving itself out."""
    for key_field, (link, flag) in LINKS.items():
        in_role = same_role and key_field == "person_key"
        earlier = find_earlier(
            field=key_field,
            key=getattr(referral, key_field),
            received_at=referral.received_at,
            subject=referral.subject if in_role else None,
            exclude=referral.pk,
        )
        setattr(referral, link, earlier)
        setattr(referral, flag, earlier is not None)
