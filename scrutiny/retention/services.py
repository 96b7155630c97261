"""Writes of the retention schedule: legal holds, and the nightly run that anonymises and deletes
what is due (retention.selectors says what that is). Every change is audited.

A referral is made a statistical row: its referring organisation, the links to the same
person's or household's other referrals and, for a referral from a provider's return, the
hashed case ID that ties it to the provider's case are cleared, and its address key and person
key each become a random token shared only by the household's (the person's) referrals of that
quarter (so "different households" and "children referred" still count the same, and nothing
links the row to a person or an address any more, nor to rows of another quarter). Which rows
were anonymised is recorded in `Anonymisation`, not by an empty key. What the dashboard counts
(dates, service, district, categories, the repeat and SLA flags, the stored Marac case links,
outcomes) is kept, so every figure stays the same. A committee action loses its evidence file,
evidence link and name, its closure note and the text of its updates; its description and
status stay. Report runs and agenda packs past their time are deleted with their PDFs.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from partnership.audit import audit_record
from partnership.constants import AuditAction, Role
from partnership.models import User
from referrals.models import ImportedCase, Referral
from referrals.stored_figures import mark_referrals
from scrutiny.models import Action, ActionUpdate

from . import selectors
from .constants import BATCH, REMOVED_TEXT, RecordKind
from .models import Anonymisation, LegalHold, RetentionRun

HOLD_ROLES = (Role.PERFORMANCE_LEAD, Role.ADMIN)


# Legal holds --------------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(
    *,
    by: User,
    referral: Referral | None = None,
    action: Action | None = None,
    reason: str,
    review_on: date,
    request=None,
) -> LegalHold:
    """Keep a referral or an action from the schedule until the hold is released."""
    if not by.has_role(*HOLD_ROLES):
        raise PermissionDenied
    record = referral or action
    if Anonymisation.objects.filter(**{_kind(record).value: record}).exists():
        raise ValidationError(
            {"reference": f"{record} was anonymised under the retention schedule already."}
        )
    if review_on <= timezone.localdate():
        raise ValidationError({"review_on": "The review date must be in the future."})
    hold = LegalHold(
        referral=referral, action=action, reason=reason.strip(), review_on=review_on, placed_by=by
    )
    hold.full_clean()
    hold.save()
    # The reason stays on the hold: it may name a review or a person, so not in the audit log.
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=hold,
        detail={"record": str(record), "kind": hold.kind.value, "review_on": str(review_on)},
        request=request,
    )
    return hold


@transaction.atomic
def legal_hold_release(*, by: User, hold: LegalHold, note: str, request=None) -> LegalHold:
    """End a hold. The record is due again at its next run if its time has passed."""
    if not by.has_role(*HOLD_ROLES):
        raise PermissionDenied
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not hold.is_active:
        raise ValidationError("This hold has been released already.")
    hold.released_by = by
    hold.released_at = timezone.now()
    hold.release_note = note.strip()
    hold.full_clean()
    hold.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=hold,
        detail={"record": str(hold.record), "kind": hold.kind.value, "released": True},
        request=request,
    )
    return hold


def _kind(record) -> RecordKind:
    return RecordKind.REFERRAL if isinstance(record, Referral) else RecordKind.ACTION


# The run ------------------------------------------------------------------------------------


def retention_run(*, today: date | None = None) -> RetentionRun:
    """Anonymise and delete everything due on `today` (default: today) that is not held.

    Each batch is its own transaction, so a long first run keeps what it finished if it stops;
    a second run picks up the rest and never does a record twice.
    """
    today = today or timezone.localdate()
    run = RetentionRun.objects.create(as_of=today)
    run.held = (
        selectors.referrals_held_when_due(today).count()
        + selectors.actions_held_when_due(today).count()
    )
    run.referrals_anonymised = _anonymise_referrals(run, today)
    run.actions_cleared, action_files = _clear_actions(run, today)
    run.report_runs_deleted, report_files = _delete_pdfs(selectors.report_runs_due(today), run)
    run.agenda_packs_deleted, pack_files = _delete_pdfs(selectors.agenda_packs_due(today), run)
    run.files_deleted = action_files + report_files + pack_files
    run.finished_at = timezone.now()
    run.save()
    return run


Row = tuple[int, str, str, int]  # pk, address key, person key, financial quarter index


def _together(rows: Iterable[Row]) -> list[list[Row]]:
    """Rows grouped so that a household's quarter and a person's quarter are never split: the
    groups joined by a shared (quarter, address key) or (quarter, person key)."""
    parent: dict[tuple, tuple] = {}

    def root(node: tuple) -> tuple:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    rows = list(rows)
    for pk, address, person, quarter in rows:
        for kind, key in (("address", address), ("person", person)):
            if key:
                parent[root((kind, quarter, key))] = root(("row", pk))
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for row in rows:
        groups[root(("row", row[0]))].append(row)
    return list(groups.values())


def _batches(rows: list[Row]) -> Iterator[list[list[Row]]]:
    """Whole groups (`_together`) in batches, leaving out every group with a household's or a
    person's quarter that has a referral not ready (selectors.quarters_not_ready)."""
    blocked = selectors.quarters_not_ready(rows)
    batch: list[list[Row]] = []
    size = 0
    for group in _together(rows):
        keys = {("address", q, a) for _pk, a, _p, q in group if a} | {
            ("person", q, p) for _pk, _a, p, q in group if p
        }
        if keys & blocked:
            continue
        batch.append(group)
        size += len(group)
        if size >= BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _anonymise_referrals(run: RetentionRun, today: date) -> int:
    rows = list(selectors.referrals_ready(today))
    return sum(_anonymise_referral_batch(run, batch) for batch in _batches(rows))


@transaction.atomic
def _anonymise_referral_batch(run: RetentionRun, batch: list[list[Row]]) -> int:
    ids = [row[0] for group in batch for row in group]
    references = dict(
        Referral.objects.select_for_update().filter(pk__in=ids).values_list("pk", "reference")
    )
    # A hold placed since the batch was chosen keeps its whole group back.
    held = set(
        LegalHold.objects.active().filter(referral_id__in=ids).values_list("referral_id", flat=True)
    )
    done = set(
        Anonymisation.objects.filter(referral_id__in=ids).values_list("referral_id", flat=True)
    )
    tokens: dict[tuple, str] = {}
    changed: list[Referral] = []
    for group in batch:
        if any(row[0] in held for row in group):
            continue
        for pk, address, person, quarter in group:
            if pk in done or pk not in references:
                continue
            changed.append(
                Referral(
                    pk=pk,
                    address_key=_token(tokens, "address", quarter, address),
                    person_key=_token(tokens, "person", quarter, person),
                )
            )
    if not changed:
        return 0
    ids = [referral.pk for referral in changed]
    # Anonymising is built to leave every figure as it was; marking the quarters changed all
    # the same means no stored figure can ever hide it if it did not.
    mark_referrals(Referral.objects.filter(pk__in=ids))
    Referral.objects.filter(pk__in=ids).update(
        referring_organisation=None, repeat_of=None, repeat_address_of=None
    )
    Referral.objects.bulk_update(changed, ["address_key", "person_key"], batch_size=100)
    ImportedCase.objects.filter(referral_id__in=ids).delete()
    # Later referrals keep their repeat flag but no longer point at the anonymised one.
    Referral.objects.filter(repeat_of__in=ids).update(repeat_of=None)
    Referral.objects.filter(repeat_address_of__in=ids).update(repeat_address_of=None)
    Anonymisation.objects.bulk_create(Anonymisation(referral_id=pk, run=run) for pk in ids)
    audit_record(
        by=None,
        action=AuditAction.UPDATE,
        object_type=Referral._meta.label,
        detail={
            "retention": "anonymised",
            "run": run.pk,
            "references": [references[pk] for pk in ids],
        },
    )
    return len(ids)


def _token(tokens: dict[tuple, str], kind: str, quarter: int, key: str) -> str:
    """The random token replacing a key for its quarter ("" stays "")."""
    return tokens.setdefault((kind, quarter, key), secrets.token_hex(32)) if key else ""


def _delete_file_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _clear_actions(run: RetentionRun, today: date) -> tuple[int, int]:
    ids = list(selectors.actions_ready(today).values_list("pk", flat=True))
    cleared = files = 0
    for start in range(0, len(ids), BATCH):
        batch_cleared, batch_files = _clear_action_batch(run, ids[start : start + BATCH])
        cleared += batch_cleared
        files += batch_files
    return cleared, files


@transaction.atomic
def _clear_action_batch(run: RetentionRun, ids: list[int]) -> tuple[int, int]:
    done = set(Anonymisation.objects.filter(action_id__in=ids).values_list("action_id", flat=True))
    held = set(
        LegalHold.objects.active().filter(action_id__in=ids).values_list("action_id", flat=True)
    )
    actions = list(
        Action.objects.select_for_update().filter(pk__in=set(ids) - done - held).order_by("pk")
    )
    if not actions:
        return 0, 0
    files = [action.evidence_file.name for action in actions if action.evidence_file]
    for name in files:
        _delete_file_after_commit(name)
    action_ids = [action.pk for action in actions]
    Action.objects.filter(pk__in=action_ids).update(
        evidence_file="", evidence_name="", evidence_url=""
    )
    Action.objects.filter(pk__in=action_ids).exclude(closure_note="").update(
        closure_note=REMOVED_TEXT
    )
    ActionUpdate.objects.filter(action_id__in=action_ids).update(text=REMOVED_TEXT)
    Anonymisation.objects.bulk_create(Anonymisation(action=a, run=run) for a in actions)
    audit_record(
        by=None,
        action=AuditAction.UPDATE,
        object_type=Action._meta.label,
        detail={
            "retention": "evidence and notes removed",
            "run": run.pk,
            "references": [action.reference for action in actions],
            "files_deleted": len(files),
        },
    )
    return len(actions), len(files)


def _delete_pdfs(queryset, run: RetentionRun) -> tuple[int, int]:
    """Delete report runs or agenda packs and their PDFs; returns (rows, files) deleted."""
    deleted = files = 0
    for obj in queryset.order_by("pk").iterator():
        try:
            with transaction.atomic():
                name = obj.pdf.name
                label, pk, text = obj._meta.label, obj.pk, str(obj)
                obj.delete()
                _delete_file_after_commit(name)
                audit_record(
                    by=None,
                    action=AuditAction.DELETE,
                    object_type=label,
                    object_id=str(pk),
                    detail={"retention": "deleted", "run": run.pk, "record": text[:150]},
                )
        except ProtectedError:
            continue  # something still points at it: kept, and tried again next run
        deleted += 1
        files += bool(name)
    return deleted, files
