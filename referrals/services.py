"""Writes to referrals, with their rules and audit rows. Views never save referrals themselves.

Every function runs in one transaction, locks the referral row it changes (so two officers
cannot close the same referral twice), checks the transition table in `constants.TRANSITIONS`
and the time rules, writes a `ReferralStatusChange` for a change of status and an audit row
for every change. Audit details hold references and statuses, never identifying input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

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

from . import rules, summary
from .constants import (
    ACTION_STATUS,
    AccommodationType,
    Action,
    ClosureReason,
    DeclineReason,
    MaracReferralSource,
    Outcome,
    ReturnList,
    Status,
    Subject,
    may_move,
)
from .models import (
    ReferenceCounter,
    Referral,
    ReferralOutcome,
    ReferralStatusChange,
    ReturnCategory,
)


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y at %H:%M}"


def format_reference(year: int, number: int) -> str:
    return f"R-{year}-{number:06d}"


def allocate_reference(year: int) -> str:
    """The next reference for `year`, safe when two officers save at the same moment.

    The counter row is updated with `last_number = last_number + 1`, which takes the row's write
    lock until the transaction ends (PostgreSQL) or holds the database write lock (SQLite), so
    no two transactions read the same number. Call it inside the transaction that saves the
    referral, so a failed save gives its number back.
    """
    counters = ReferenceCounter.objects.filter(year=year)
    if not counters.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last_number=1)
        except IntegrityError:
            # Another transaction created this year's counter first.
            counters.update(last_number=F("last_number") + 1)
    return format_reference(year, counters.get().last_number)


def _check_time(
    field: str, moment: datetime, referral: Referral, what: str, *, after: datetime | None = None
) -> None:
    if moment > timezone.now():
        raise ValidationError({field: f"The {what} cannot be in the future."})
    if moment < referral.received_at:
        raise ValidationError(
            {
                field: f"The {what} cannot be before the referral was received "
                f"({_when(referral.received_at)})."
            }
        )
    if after is not None and moment < after:
        raise ValidationError(
            {field: f"The {what} cannot be before the last change of status ({_when(after)})."}
        )


def find_earlier(
    *, field: str, key: str, received_at: datetime, subject: str | None = None
) -> Referral | None:
    """The latest other referral with the same key within the repeat window, any service;
    with `subject`, only referrals in that role (the service's repeat definition)."""
    if not key:
        return None
    earlier = Referral.objects.filter(
        **{field: key},
        received_at__gte=rules.repeat_window_start(received_at),
        received_at__lte=received_at,
    )
    if subject is not None:
        earlier = earlier.filter(subject=subject)
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
    earlier_person = find_earlier(
        field="person_key",
        key=person_key,
        received_at=received_at,
        subject=subject if definition.repeats_same_role else None,
    )
    earlier_address = find_earlier(field="address_key", key=address_key, received_at=received_at)
    referral = Referral(
        reference=allocate_reference(timezone.localtime(received_at).year),
        service=service,
        received_at=received_at,
        source=source,
        referring_organisation=referring_organisation,
        subject=subject,
        area=area,
        risk_level=risk_level,
        heard_at_marac=heard_at_marac or marac is not None,
        children_in_household=children_in_household,
        age_band=age_band,
        gender=gender,
        ethnic_group=ethnic_group,
        disability=disability,
        sexual_orientation=sexual_orientation,
        no_recourse_to_public_funds=no_recourse_to_public_funds,
        person_key=person_key,
        address_key=address_key,
        is_repeat=earlier_person is not None,
        repeat_of=earlier_person,
        is_repeat_address=earlier_address is not None,
        repeat_address_of=earlier_address,
        status=Status.RECEIVED,
        status_changed_at=received_at,
        logged_by=by,
        first_contact_due_at=rules.first_contact_due(received_at, definition.first_contact_rule),
        oversight_due_at=rules.oversight_due(received_at),
    )
    if marac is not None:
        _set_marac(referral, marac)
    referral.full_clean()
    referral.save()
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


# Safe accommodation and Marac details ------------------------------------------------------


@dataclass(frozen=True)
class MaracCase:
    """The Marac hearing of a referral's case (SafeLives): referred when and by whom, heard
    when."""

    referred_on: date
    source: str
    heard_on: date


@dataclass(frozen=True)
class AccommodationDetails:
    """Safe accommodation support as the annual return counts it: the accommodation, the
    household supported, and the specialist characteristics of the person referred."""

    accommodation_type: str
    adults_women: int
    adults_men: int
    adults_trans: int
    children_supported: int
    characteristics: Sequence[ReturnCategory] = field(default_factory=tuple)

    @property
    def people(self) -> int:
        return self.adults_women + self.adults_men + self.adults_trans + self.children_supported


def _require_category(category: ReturnCategory | None, kind: str, field_name: str) -> None:
    if category is None or category.kind != kind or not category.is_active:
        raise ValidationError({field_name: f"Select one of the {ReturnList(kind).label.lower()}."})


def _set_marac(referral: Referral, marac: MaracCase) -> None:
    if referral.subject != Subject.VICTIM_SURVIVOR:
        raise ValidationError(
            "Marac figures count victims' cases: record the hearing on the victim's referral."
        )
    if marac.source not in MaracReferralSource.values:
        raise ValidationError({"marac_referral_source": "Select who referred the case to Marac."})
    if marac.heard_on > timezone.localdate():
        raise ValidationError({"marac_heard_on": "The Marac date cannot be in the future."})
    if marac.heard_on < marac.referred_on:
        raise ValidationError(
            {"marac_heard_on": "The case cannot be heard before it was referred to Marac."}
        )
    referral.heard_at_marac = True
    referral.marac_referred_on = marac.referred_on
    referral.marac_referral_source = marac.source
    referral.marac_heard_on = marac.heard_on


def _set_accommodation(referral: Referral, details: AccommodationDetails) -> None:
    if not referral.is_safe_accommodation:
        raise ValidationError(
            "Safe accommodation details are only for referrals to safe accommodation services."
        )
    if details.accommodation_type not in AccommodationType.values:
        raise ValidationError({"accommodation_type": "Select the type of accommodation."})
    if details.people < 1:
        raise ValidationError(
            {"adults_women": "Enter the people supported: at least one adult or child."}
        )
    for category in details.characteristics:
        _require_category(category, ReturnList.CHARACTERISTIC, "characteristics")
    for name in ("accommodation_type", "adults_women", "adults_men", "adults_trans"):
        setattr(referral, name, getattr(details, name))
    referral.children_supported = details.children_supported
    referral.characteristics_recorded = True
    referral.specialist_characteristics.set(details.characteristics)


@transaction.atomic
def referral_record_accommodation(
    *, referral: Referral, by: User, accommodation: AccommodationDetails, request=None
) -> Referral:
    """Record or correct the safe accommodation details of a referral in support."""
    referral = _locked(referral)
    if referral.status != Status.IN_SUPPORT:
        raise ValidationError(
            "Safe accommodation details are recorded while the household is in support."
        )
    _set_accommodation(referral, accommodation)
    referral.full_clean()
    referral.save()
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
    if referral.is_closed:
        raise ValidationError("This referral is already closed, so it cannot be changed.")
    if referral.marac_heard_on is not None:
        raise ValidationError("The Marac hearing of this case is already recorded.")
    _set_marac(referral, marac)
    referral.full_clean()
    referral.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=referral,
        detail={"action": "marac", "source": marac.source},
        request=request,
    )
    return referral


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _require_move(referral: Referral, to_status: str) -> None:
    """Refuse a change of status that TRANSITIONS does not allow, e.g. closing twice."""
    if may_move(referral.status, to_status):
        return
    if referral.status == Status.CLOSED:
        raise ValidationError("This referral is already closed, so it cannot be changed.")
    raise ValidationError(
        f"A referral that is {referral.get_status_display().lower()} cannot be moved to "
        f"{Status(to_status).label.lower()}."
    )


def _move(
    referral: Referral, *, to_status: str, at: datetime, by: User, action: str, request
) -> None:
    """Change status, write the history row and the audit row, save the referral."""
    _require_move(referral, to_status)
    from_status = referral.status
    referral.status = to_status
    referral.status_changed_at = at
    referral.full_clean()
    referral.save()
    ReferralStatusChange.objects.create(
        referral=referral, from_status=from_status, to_status=to_status, at=at, by=by
    )
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=referral,
        detail={"action": action, "from": from_status, "to": to_status},
        request=request,
    )


@transaction.atomic
def referral_record_contact(
    *, referral: Referral, by: User, contacted_at: datetime, request=None
) -> Referral:
    """First (or renewed) contact with the person. Only the first contact counts for the SLA."""
    referral = _locked(referral)
    _require_move(referral, Status.CONTACTED)
    _check_time("at", contacted_at, referral, "contact time", after=referral.status_changed_at)
    if referral.first_contact_at is None:
        referral.first_contact_at = contacted_at
        # The deadline stored when it was received, by the rule in force then.
        referral.contacted_within_sla = contacted_at < referral.first_contact_due_at
    _move(
        referral,
        to_status=Status.CONTACTED,
        at=contacted_at,
        by=by,
        action="contact",
        request=request,
    )
    return referral


@transaction.atomic
def referral_record_unable_to_contact(
    *, referral: Referral, by: User, at: datetime, request=None
) -> Referral:
    referral = _locked(referral)
    _require_move(referral, Status.UNABLE_TO_CONTACT)
    _check_time("at", at, referral, "time", after=referral.status_changed_at)
    _move(
        referral,
        to_status=Status.UNABLE_TO_CONTACT,
        at=at,
        by=by,
        action="unable_to_contact",
        request=request,
    )
    return referral


@transaction.atomic
def referral_record_oversight(
    *, referral: Referral, by: User, oversight_at: datetime, request=None
) -> Referral:
    """Managerial oversight: recorded once, on an open referral; not a change of status."""
    referral = _locked(referral)
    if referral.is_closed:
        raise ValidationError("This referral is already closed, so it cannot be changed.")
    if referral.oversight_at is not None:
        raise ValidationError(
            f"Managerial oversight was already recorded ({_when(referral.oversight_at)})."
        )
    _check_time("at", oversight_at, referral, "oversight time")
    referral.oversight_at = oversight_at
    referral.oversight_within_sla = rules.oversight_within_sla(referral.received_at, oversight_at)
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
    _require_move(referral, Status.WAITING_LIST)
    _check_time("at", at, referral, "time added", after=referral.status_changed_at)
    referral.waiting_list_at = at
    _move(
        referral,
        to_status=Status.WAITING_LIST,
        at=at,
        by=by,
        action="waiting_list",
        request=request,
    )
    return referral


def _leave_waiting_list(referral: Referral, at: datetime) -> None:
    if referral.status == Status.WAITING_LIST:
        referral.waiting_list_left_at = at


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
    _require_move(referral, Status.IN_SUPPORT)
    _check_time("at", started_at, referral, "support start", after=referral.status_changed_at)
    if accommodation is not None:
        _set_accommodation(referral, accommodation)
    _leave_waiting_list(referral, started_at)
    referral.support_started_at = started_at
    referral.waiting_time = rules.waiting_time(referral.received_at, started_at)
    _move(
        referral,
        to_status=Status.IN_SUPPORT,
        at=started_at,
        by=by,
        action="start_support",
        request=request,
    )
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
    _require_move(referral, Status.SIGNPOSTED)
    if to_service is not None and to_service.pk == referral.service_id:
        raise ValidationError(
            {"destination": "Select a different service: this referral is already with it."}
        )
    _check_time("at", at, referral, "time signposted", after=referral.status_changed_at)
    _leave_waiting_list(referral, at)
    referral.signposted_at = at
    referral.signposted_to_service = to_service
    referral.signposted_to_organisation = to_organisation
    _move(referral, to_status=Status.SIGNPOSTED, at=at, by=by, action="signpost", request=request)
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
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": "Select why the referral was declined."})
    if reason == DeclineReason.UNABLE_TO_SUPPORT:
        _require_category(unable_to_support_reason, ReturnList.UNABLE_TO_SUPPORT, "reason")
    elif unable_to_support_reason is not None:
        raise ValidationError(
            {"reason": "Only a referral the service was unable to support has such a reason."}
        )
    referral = _locked(referral)
    _require_move(referral, Status.DECLINED)
    _check_time("at", at, referral, "time declined", after=referral.status_changed_at)
    _leave_waiting_list(referral, at)
    referral.declined_at = at
    referral.decline_reason = reason
    referral.unable_to_support_reason = unable_to_support_reason
    _move(referral, to_status=Status.DECLINED, at=at, by=by, action="decline", request=request)
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
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": "Select why the referral is being closed."})
    if any(outcome not in Outcome.values for outcome in outcomes):
        raise ValidationError({"outcomes": "Select outcomes from the list."})
    if support_end_reason is not None:
        _require_category(support_end_reason, ReturnList.SUPPORT_ENDED, "support_end_reason")
    if move_on_destination is not None:
        _require_category(move_on_destination, ReturnList.MOVE_ON, "move_on_destination")
    referral = _locked(referral)
    if referral.is_closed:
        raise ValidationError("This referral is already closed, so it cannot be closed again.")
    ended_support = support_end_reason is not None or move_on_destination is not None
    if ended_support and not (referral.is_safe_accommodation and referral.support_started_at):
        raise ValidationError(
            "Why support ended and where the household moved on to are only for support in "
            "safe accommodation that has started."
        )
    _require_move(referral, Status.CLOSED)
    _check_time("at", closed_at, referral, "closing time", after=referral.status_changed_at)
    _leave_waiting_list(referral, closed_at)
    referral.closed_at = closed_at
    referral.closure_reason = reason
    referral.support_end_reason = support_end_reason
    referral.move_on_destination = move_on_destination
    _move(referral, to_status=Status.CLOSED, at=closed_at, by=by, action="close", request=request)
    ReferralOutcome.objects.bulk_create(
        ReferralOutcome(referral=referral, outcome=outcome) for outcome in outcomes
    )
    summary.refresh_referral(referral)  # bulk_create sends no signal to count the outcomes
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
    accommodation details while in support there, and a victim's Marac hearing once."""
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
