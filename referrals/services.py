"""Writes to referrals, with their rules and audit rows. Views never save referrals themselves.

Every function runs in one transaction, locks the referral row it changes (so two officers
cannot close the same referral twice), takes the step in `referrals.steps` (the transition
table in `constants.TRANSITIONS`, the time rules, the fields each step sets), writes a
`ReferralStatusChange` for a change of status and an audit row for every change. Audit details
hold references and statuses, never identifying input.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from commissioning.definitions import definition_on
from commissioning.models import CommissionedService
from partnership.audit import audit_record
from partnership.constants import AuditAction
from partnership.models import Area, AuditEvent, Organisation, User

from . import rules, steps, summary
from .constants import ACTION_STATUS, Action, ReturnList, Status, Subject, may_move
from .imports.models import ImportedCase
from .marac_cases import link_marac_cases
from .models import (
    ReferenceCounter,
    Referral,
    ReferralOutcome,
    ReferralStatusChange,
    ReturnCategory,
    format_reference,
)
from .steps import AccommodationDetails, MaracCase


def allocate_reference(year: int) -> str:
    """The next reference for `year`, safe when two officers save at the same moment.

    The counter row is updated with `last_number = last_number + 1`, which takes the row's write
    lock until the transaction ends (PostgreSQL) or holds the database write lock (SQLite), so
    no two transactions read the same number. Call it inside the transaction that saves the
    referral, so a failed save gives its number back.
    """
    return allocate_references(year, 1)[0]


def allocate_references(year: int, count: int) -> list[str]:
    """The next `count` references for `year` in order, taken at once (allocate_reference's
    rule; an imported return takes its references in one update)."""
    counters = ReferenceCounter.objects.filter(year=year)
    step = F("last_number") + count
    if not counters.update(last_number=step):
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last_number=count)
        except IntegrityError:
            # Another transaction created this year's counter first.
            counters.update(last_number=step)
    last = counters.get().last_number
    return [format_reference(year, number) for number in range(last - count + 1, last + 1)]


def find_earlier(
    *,
    field: str,
    key: str,
    received_at: datetime,
    subject: str | None = None,
    exclude: int | None = None,
) -> Referral | None:
    """The latest other referral with the same key within the repeat window, any service;
    with `subject`, only referrals in that role (the service's repeat definition); leaving
    out the referral `exclude`, when an existing one's links are worked out again."""
    if not key:
        return None
    earlier = Referral.objects.filter(
        **{field: key},
        received_at__gte=rules.repeat_window_start(received_at),
        received_at__lte=received_at,
    )
    if subject is not None:
        earlier = earlier.filter(subject=subject)
    if exclude is not None:
        earlier = earlier.exclude(pk=exclude)
    return earlier.order_by("-received_at", "-pk").first()


@transaction.atomic
def referral_create(
    *,
    by: User,
    service: CommissionedService,
    received_at: datetime,
    source: str,
    subject: str,
    area: Area | None,
    risk_level: str,
    heard_at_marac: bool,
    children_in_household: int,
    age_band: str,
    gender: str,
    ethnic_group: str,
    disability: str,
    sexual_orientation: str,
    no_recourse_to_public_funds: str,
    person_key: str,
    address_key: str = "",
    referring_organisation: Organisation | None = None,
    marac: MaracCase | None = None,
    request=None,
) -> Referral:
    """Log a referral. Takes the keyed hashes (referrals.identity), never the identifiers.

    The repeat links point to the latest earlier referral of the same person (or household)
    within settings.REPEAT_WINDOW_MONTHS, to any service; for the person, in the same role
    when the service's definition in force on the day says so. The first-contact deadline
    follows that definition's rule too (commissioning.definitions).
    """
    if received_at > timezone.now():
        raise ValidationError({"received_at": "The time received cannot be in the future."})
    definition = definition_on(service, received_at)
    referral = steps.new_referral(
        service=service,
        received_at=received_at,
        source=source,
        subject=subject,
        area=area,
        risk_level=risk_level,
        heard_at_marac=heard_at_marac,
        children_in_household=children_in_household,
        age_band=age_band,
        gender=gender,
        ethnic_group=ethnic_group,
        disability=disability,
        sexual_orientation=sexual_orientation,
        no_recourse_to_public_funds=no_recourse_to_public_funds,
        person_key=person_key,
        address_key=address_key,
        first_contact_rule=definition.first_contact_rule,
        referring_organisation=referring_organisation,
        marac=marac,
    )
    earlier_person = find_earlier(
        field="person_key",
        key=person_key,
        received_at=received_at,
        subject=subject if definition.repeats_same_role else None,
    )
    earlier_address = find_earlier(field="address_key", key=address_key, received_at=received_at)
    referral.reference = allocate_reference(timezone.localtime(received_at).year)
    referral.is_repeat = earlier_person is not None
    referral.repeat_of = earlier_person
    referral.is_repeat_address = earlier_address is not None
    referral.repeat_address_of = earlier_address
    referral.logged_by = by
    referral.full_clean()
    referral.save()
    if marac is not None:
        link_marac_cases(people=[person_key])
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=referral,
        detail={
            "reference": referral.reference,
            "service": service.pk,
            "repeat": referral.is_repeat,
            "repeat_address": referral.is_repeat_address,
        },
        request=request,
    )
    return referral


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _save_move(referral: Referral, from_status: str, *, by: User, action: str, request) -> None:
    """Save a referral a status step has changed, with its history row and audit row."""
    referral.full_clean()
    referral.save()
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=referral.status,
        at=referral.status_changed_at,
        by=by,
    )
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=referral,
        detail={"action": action, "from": from_status, "to": referral.status},
        request=request,
    )


def _save_characteristics(referral: Referral, accommodation: AccommodationDetails | None) -> None:
    """The specialist characteristics (many-to-many), once the referral is saved."""
    if accommodation is not None:
        referral.specialist_characteristics.set(accommodation.characteristics)


# Safe accommodation and Marac details ------------------------------------------------------


@transaction.atomic
def referral_record_accommodation(
    *, referral: Referral, by: User, accommodation: AccommodationDetails, request=None
) -> Referral:
    """Record or correct the safe accommodation details of a referral in support."""
    referral = _locked(referral)
    steps.record_accommodation(referral, accommodation)
    referral.full_clean()
    referral.save()
    _save_characteristics(referral, accommodation)
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=referral,
        detail={"action": "accommodation", "type": accommodation.accommodation_type},
        request=request,
    )
    return referral


@transaction.atomic
def referral_record_marac(
    *, referral: Referral, by: User, marac: MaracCase, request=None
) -> Referral:
    """Record the Marac hearing of an open referral's case (once)."""
    referral = _locked(referral)
    steps.record_marac(referral, marac)
    referral.full_clean()
    referral.save()
    link_marac_cases(people=[referral.person_key])
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=referral,
        detail={"action": "marac", "source": marac.source},
        request=request,
    )
    return referral


# Steps of a referral's life ------------------------------------------------------------------


@transaction.atomic
def referral_record_contact(
    *, referral: Referral, by: User, contacted_at: datetime, request=None
) -> Referral:
    """First (or renewed) contact with the person. Only the first contact counts for the SLA."""
    referral = _locked(referral)
    from_status = steps.contact(referral, contacted_at)
    _save_move(referral, from_status, by=by, action="contact", request=request)
    return referral


@transaction.atomic
def referral_record_unable_to_contact(
    *, referral: Referral, by: User, at: datetime, request=None
) -> Referral:
    referral = _locked(referral)
    from_status = steps.unable_to_contact(referral, at)
    _save_move(referral, from_status, by=by, action="unable_to_contact", request=request)
    return referral


@transaction.atomic
def referral_record_oversight(
    *, referral: Referral, by: User, oversight_at: datetime, request=None
) -> Referral:
    """Managerial oversight: recorded once, on an open referral; not a change of status."""
    referral = _locked(referral)
    steps.oversight(referral, oversight_at)
    referral.full_clean()
    referral.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=referral,
        detail={"action": "oversight", "within_24_hours": referral.oversight_within_sla},
        request=request,
    )
    return referral


@transaction.atomic
def referral_add_to_waiting_list(
    *, referral: Referral, by: User, at: datetime, request=None
) -> Referral:
    referral = _locked(referral)
    from_status = steps.waiting_list(referral, at)
    _save_move(referral, from_status, by=by, action="waiting_list", request=request)
    return referral


@transaction.atomic
def referral_start_support(
    *,
    referral: Referral,
    by: User,
    started_at: datetime,
    accommodation: AccommodationDetails | None = None,
    request=None,
) -> Referral:
    """Start support; in safe accommodation, with the accommodation and household supported
    (the officer's form asks for them; a provider's return may not have them)."""
    referral = _locked(referral)
    from_status = steps.start_support(referral, started_at, accommodation=accommodation)
    _save_move(referral, from_status, by=by, action="start_support", request=request)
    _save_characteristics(referral, accommodation)
    return referral


@transaction.atomic
def referral_signpost(
    *,
    referral: Referral,
    by: User,
    at: datetime,
    to_service: CommissionedService | None = None,
    to_organisation: Organisation | None = None,
    request=None,
) -> Referral:
    if (to_service is None) == (to_organisation is None):
        raise ValidationError({"destination": "Select the service or organisation signposted to."})
    referral = _locked(referral)
    from_status = steps.signpost(
        referral, at, to_service=to_service, to_organisation=to_organisation
    )
    _save_move(referral, from_status, by=by, action="signpost", request=request)
    return referral


@transaction.atomic
def referral_decline(
    *,
    referral: Referral,
    by: User,
    at: datetime,
    reason: str,
    unable_to_support_reason: ReturnCategory | None = None,
    request=None,
) -> Referral:
    """Decline, with the reason; "unable to support" needs which of the return's reasons."""
    referral = _locked(referral)
    from_status = steps.decline(
        referral, at, reason=reason, unable_to_support_reason=unable_to_support_reason
    )
    _save_move(referral, from_status, by=by, action="decline", request=request)
    return referral


@transaction.atomic
def referral_close(
    *,
    referral: Referral,
    by: User,
    closed_at: datetime,
    reason: str,
    outcomes: Iterable[str] = (),
    support_end_reason: ReturnCategory | None = None,
    move_on_destination: ReturnCategory | None = None,
    request=None,
) -> Referral:
    """Close once, with the reason and the outcome measures met (context/002); for support in
    safe accommodation, also why support ended and where the household moved on to (for the
    annual return; either may be left unrecorded)."""
    outcomes = sorted(set(outcomes))
    referral = _locked(referral)
    from_status = steps.close(
        referral,
        closed_at,
        reason=reason,
        outcomes=outcomes,
        support_end_reason=support_end_reason,
        move_on_destination=move_on_destination,
    )
    _save_move(referral, from_status, by=by, action="close", request=request)
    ReferralOutcome.objects.bulk_create(
        ReferralOutcome(referral=referral, outcome=outcome) for outcome in outcomes
    )
    summary.add_outcomes(referral, outcomes)  # bulk_create sends no signal to count them
    return referral


def referral_record_view(*, referral: Referral, by: User, request=None) -> None:
    """Every view of a referral record is audited."""
    audit_record(by=by, action=AuditAction.VIEW, obj=referral, request=request)


@transaction.atomic
def referrals_record_export(*, referrals: Iterable[Referral], by: User, request=None) -> int:
    """One audit row for the export and one per exported referral, so that the question
    "who has seen R-2025-000123?" finds exports as well as views."""
    referrals = list(referrals)
    template = audit_record(
        by=by,
        action=AuditAction.EXPORT,
        object_type=Referral._meta.label,
        detail={"format": "csv", "referrals": len(referrals)},
        request=request,
    )
    rows = [
        AuditEvent(
            user=template.user,
            roles=template.roles,
            action=AuditAction.EXPORT,
            object_type=Referral._meta.label,
            object_id=str(referral.pk),
            object_repr=referral.reference,
            detail={"format": "csv"},
            ip_address=template.ip_address,
        )
        for referral in referrals
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def next_actions(referral: Referral) -> list[str]:
    """The steps the referral page offers now: those TRANSITIONS allows, oversight once, safe
    accommodation details while in support there, and a victim's Marac hearing once.

    None for a referral from a provider's return: the provider's system holds its history, and
    its corrected return updates it (a step typed here would be undone by the next import)."""
    if ImportedCase.objects.filter(referral_id=referral.pk).exists():
        return []
    offered = {
        Action.OVERSIGHT: not referral.is_closed and referral.oversight_at is None,
        Action.ACCOMMODATION: referral.status == Status.IN_SUPPORT
        and referral.is_safe_accommodation,
        Action.MARAC: not referral.is_closed
        and referral.marac_heard_on is None
        and referral.subject == Subject.VICTIM_SURVIVOR,
    }
    return [
        action
        for action in Action
        if offered.get(
            action, action in ACTION_STATUS and may_move(referral.status, ACTION_STATUS[action])
        )
    ]


# The safe accommodation return's lists ------------------------------------------------------


@transaction.atomic
def return_category_set_active(
    *, by: User, category: ReturnCategory, is_active: bool, request=None
) -> ReturnCategory:
    """Switch a value of one of the return's lists on or off (values are never deleted, as
    referrals may use them). A list keeps at least one value in use."""
    category = ReturnCategory.objects.select_for_update().get(pk=category.pk)
    if category.is_active == is_active:
        return category
    if (
        not is_active
        and not ReturnCategory.objects.filter(kind=category.kind, is_active=True)
        .exclude(pk=category.pk)
        .exists()
    ):
        raise ValidationError(f"{ReturnList(category.kind).label} need at least one value in use.")
    category.is_active = is_active
    category.full_clean()
    category.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=category,
        detail={"list": category.kind, "in_use": is_active},
        request=request,
    )
    return category


@transaction.atomic
def return_list_update(
    *, by: User, kind: str, in_use: Iterable[ReturnCategory], request=None
) -> None:
    """Choose which values of one list are in use: those given, and no others."""
    chosen = {category.pk for category in in_use}
    categories = list(ReturnCategory.objects.filter(kind=kind).order_by("pk"))
    if not chosen & {category.pk for category in categories}:
        raise ValidationError(f"{ReturnList(kind).label} need at least one value in use.")
    for category in sorted(categories, key=lambda c: c.pk not in chosen):
        return_category_set_active(
            by=by, category=category, is_active=category.pk in chosen, request=request
        )


@transaction.atomic
def return_category_add(*, by: User, kind: str, label: str, request=None) -> ReturnCategory:
    """Add a value, in use, at the end of one of the return's lists."""
    if kind not in ReturnList.values:
        raise ValidationError({"kind": "Select a list."})
    label = " ".join(label.split())
    if not label:
        raise ValidationError({"label": "Enter the value's name."})
    code = slugify(label)[:40] or "value"
    taken = set(ReturnCategory.objects.filter(kind=kind).values_list("code", flat=True))
    base, number = code, 2
    while code in taken:
        suffix = f"-{number}"
        code, number = f"{base[: 40 - len(suffix)]}{suffix}", number + 1
    last = ReturnCategory.objects.filter(kind=kind).order_by("-position").first()
    category = ReturnCategory(
        kind=kind,
        code=code,
        label=label,
        confirmed=False,
        source=f"Added by {by.get_full_name() or by.get_username()}",
        is_active=True,
        position=(last.position + 1) if last else 0,
    )
    category.full_clean()
    category.save()
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=category,
        detail={"list": kind, "label": label},
        request=request,
    )
    return category
