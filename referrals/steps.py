"""What logging a referral and each later step do to it, in memory: the checks and the fields set.

A step checks the transition table (`constants.TRANSITIONS`), the time rules (not in the future,
not before receipt, not before the last change of status) and the reasons allowed, then sets the
referral's fields and the derived columns (`referrals.rules`). Nothing here reads or writes the
database, so the same rules serve two writers:

- `referrals.services`, for the officer's pages: lock the referral, take the step, save it with
  its history and audit rows;
- the provider-return import (`referrals.imports`): build each row's referral and replay its
  events through these steps, then write the accepted rows in bulk.

Each status step returns the status it moved from, for the history row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.models import Area, Organisation

from . import rules
from .constants import (
    AccommodationType,
    ClosureReason,
    DeclineReason,
    MaracReferralSource,
    Outcome,
    ReturnList,
    Status,
    Subject,
    may_move,
)
from .models import Referral, ReturnCategory


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y at %H:%M}"


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


def new_referral(
    *,
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
    first_contact_rule: str,
    referring_organisation: Organisation | None = None,
    marac: MaracCase | None = None,
) -> Referral:
    """A received referral with its deadlines, before its reference and repeat links. The
    first-contact rule is the service's definition in force when it was received
    (commissioning.definitions)."""
    if received_at > timezone.now():
        raise ValidationError({"received_at": "The time received cannot be in the future."})
    referral = Referral(
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
        status=Status.RECEIVED,
        status_changed_at=received_at,
        first_contact_due_at=rules.first_contact_due(received_at, first_contact_rule),
        oversight_due_at=rules.oversight_due(received_at),
    )
    if marac is not None:
        set_marac(referral, marac)
    return referral


def require_category(category: ReturnCategory | None, kind: str, field_name: str) -> None:
    if category is None or category.kind != kind or not category.is_active:
        raise ValidationError({field_name: f"Select one of the {ReturnList(kind).label.lower()}."})


def set_marac(referral: Referral, marac: MaracCase) -> None:
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


def set_accommodation(referral: Referral, details: AccommodationDetails) -> None:
    """The accommodation and household; the caller saves the characteristics (many-to-many)
    once the referral is saved."""
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
        require_category(category, ReturnList.CHARACTERISTIC, "characteristics")
    for name in ("accommodation_type", "adults_women", "adults_men", "adults_trans"):
        setattr(referral, name, getattr(details, name))
    referral.children_supported = details.children_supported
    referral.characteristics_recorded = True


def check_time(
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


def require_move(referral: Referral, to_status: str) -> None:
    """Refuse a change of status that TRANSITIONS does not allow, e.g. closing twice."""
    if may_move(referral.status, to_status):
        return
    if referral.status == Status.CLOSED:
        raise ValidationError("This referral is already closed, so it cannot be changed.")
    raise ValidationError(
        f"A referral that is {referral.get_status_display().lower()} cannot be moved to "
        f"{Status(to_status).label.lower()}."
    )


def _begin(referral: Referral, to_status: str, at: datetime, what: str) -> None:
    require_move(referral, to_status)
    check_time("at", at, referral, what, after=referral.status_changed_at)


def _move(referral: Referral, to_status: str, at: datetime) -> str:
    from_status = referral.status
    referral.status = to_status
    referral.status_changed_at = at
    return from_status


def _leave_waiting_list(referral: Referral, at: datetime) -> None:
    if referral.status == Status.WAITING_LIST:
        referral.waiting_list_left_at = at


def contact(referral: Referral, at: datetime) -> str:
    """First (or renewed) contact with the person. Only the first contact counts for the SLA."""
    _begin(referral, Status.CONTACTED, at, "contact time")
    if referral.first_contact_at is None:
        referral.first_contact_at = at
        # The deadline stored when it was received, by the rule in force then.
        referral.contacted_within_sla = at < referral.first_contact_due_at
    return _move(referral, Status.CONTACTED, at)


def unable_to_contact(referral: Referral, at: datetime) -> str:
    _begin(referral, Status.UNABLE_TO_CONTACT, at, "time")
    return _move(referral, Status.UNABLE_TO_CONTACT, at)


def oversight(referral: Referral, at: datetime) -> None:
    """Managerial oversight: recorded once, on an open referral; not a change of status."""
    if referral.is_closed:
        raise ValidationError("This referral is already closed, so it cannot be changed.")
    if referral.oversight_at is not None:
        raise ValidationError(
            f"Managerial oversight was already recorded ({_when(referral.oversight_at)})."
        )
    check_time("at", at, referral, "oversight time")
    referral.oversight_at = at
    referral.oversight_within_sla = rules.oversight_within_sla(referral.received_at, at)


def waiting_list(referral: Referral, at: datetime) -> str:
    _begin(referral, Status.WAITING_LIST, at, "time added")
    referral.waiting_list_at = at
    return _move(referral, Status.WAITING_LIST, at)


def record_marac(referral: Referral, marac: MaracCase) -> None:
    """The Marac hearing of an open referral's case, once; not a change of status."""
    if referral.is_closed:
        raise ValidationError("This referral is already closed, so it cannot be changed.")
    if referral.marac_heard_on is not None:
        raise ValidationError("The Marac hearing of this case is already recorded.")
    set_marac(referral, marac)


def record_accommodation(referral: Referral, accommodation: AccommodationDetails) -> None:
    """Record or correct the safe accommodation details while the household is in support."""
    if referral.status != Status.IN_SUPPORT:
        raise ValidationError(
            "Safe accommodation details are recorded while the household is in support."
        )
    set_accommodation(referral, accommodation)


def start_support(
    referral: Referral, at: datetime, *, accommodation: AccommodationDetails | None = None
) -> str:
    """Start support; in safe accommodation, with the accommodation and household supported
    (the officer's form asks for them; a provider's return may not have them)."""
    _begin(referral, Status.IN_SUPPORT, at, "support start")
    if accommodation is not None:
        set_accommodation(referral, accommodation)
    _leave_waiting_list(referral, at)
    referral.support_started_at = at
    referral.waiting_time = rules.waiting_time(referral.received_at, at)
    return _move(referral, Status.IN_SUPPORT, at)


def signpost(
    referral: Referral,
    at: datetime,
    *,
    to_service: CommissionedService | None = None,
    to_organisation: Organisation | None = None,
) -> str:
    if (to_service is None) == (to_organisation is None):
        raise ValidationError({"destination": "Select the service or organisation signposted to."})
    require_move(referral, Status.SIGNPOSTED)
    if to_service is not None and to_service.pk == referral.service_id:
        raise ValidationError(
            {"destination": "Select a different service: this referral is already with it."}
        )
    check_time("at", at, referral, "time signposted", after=referral.status_changed_at)
    _leave_waiting_list(referral, at)
    referral.signposted_at = at
    referral.signposted_to_service = to_service
    referral.signposted_to_organisation = to_organisation
    return _move(referral, Status.SIGNPOSTED, at)


def decline(
    referral: Referral,
    at: datetime,
    *,
    reason: str,
    unable_to_support_reason: ReturnCategory | None = None,
) -> str:
    """Decline, with the reason; "unable to support" needs which of the return's reasons."""
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": "Select why the referral was declined."})
    if reason == DeclineReason.UNABLE_TO_SUPPORT:
        require_category(unable_to_support_reason, ReturnList.UNABLE_TO_SUPPORT, "reason")
    elif unable_to_support_reason is not None:
        raise ValidationError(
            {"reason": "Only a referral the service was unable to support has such a reason."}
        )
    _begin(referral, Status.DECLINED, at, "time declined")
    _leave_waiting_list(referral, at)
    referral.declined_at = at
    referral.decline_reason = reason
    referral.unable_to_support_reason = unable_to_support_reason
    return _move(referral, Status.DECLINED, at)


def close(
    referral: Referral,
    at: datetime,
    *,
    reason: str,
    outcomes: Iterable[str] = (),
    support_end_reason: ReturnCategory | None = None,
    move_on_destination: ReturnCategory | None = None,
) -> str:
    """Close once, with the reason; the outcomes are checked here and saved by the caller. For
    support in safe accommodation, also why support ended and where the household moved on to
    (for the annual return; either may be left unrecorded)."""
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": "Select why the referral is being closed."})
    if any(outcome not in Outcome.values for outcome in outcomes):
        raise ValidationError({"outcomes": "Select outcomes from the list."})
    if support_end_reason is not None:
        require_category(support_end_reason, ReturnList.SUPPORT_ENDED, "support_end_reason")
    if move_on_destination is not None:
        require_category(move_on_destination, ReturnList.MOVE_ON, "move_on_destination")
    if referral.is_closed:
        raise ValidationError("This referral is already closed, so it cannot be closed again.")
    ended_support = support_end_reason is not None or move_on_destination is not None
    if ended_support and not (referral.is_safe_accommodation and referral.support_started_at):
        raise ValidationError(
            "Why support ended and where the household moved on to are only for support in "
            "safe accommodation that has started."
        )
    _begin(referral, Status.CLOSED, at, "closing time")
    _leave_waiting_list(referral, at)
    referral.closed_at = at
    referral.closure_reason = reason
    referral.support_end_reason = support_end_reason
    referral.move_on_destination = move_on_destination
    return _move(referral, Status.CLOSED, at)
