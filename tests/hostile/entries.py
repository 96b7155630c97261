"""Every form in the project, by the URL name it sends to (`name?` for a form sent with GET).

tests/hostile/test_hostile_forms.py finds the forms by opening every page (tests/hostile/forms.py)
and fails for a form with no entry here, as the access matrix does for a URL with no row. An
entry may say:

- `given`: values that get a post past the form's other checks, so that a hostile value in one
  field reaches the deep ones (the page's own values are used otherwise);
- `variants`: the other URL arguments that show a different form at the same URL name (each
  referral step is its own form);
- `refused_may_write`: tables a refused post writes on purpose (a wrong password is counted);
- `examples`: fewer posts than the default, for a page that takes long to make.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from referrals.models import Referral


@dataclass(frozen=True)
class Entry:
    given: Callable[[object], dict[str, str]] | None = None
    variants: Callable[[object], list[dict]] | None = None
    refused_may_write: tuple[str, ...] = field(default=())
    examples: int | None = None  # fewer posts for a page that takes long to make


def _date(prefix: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{prefix}_0": str(day), f"{prefix}_1": str(month), f"{prefix}_2": str(year)}


def _referral_steps(ctx) -> list[dict]:
    """A referral of the demo officer's organisation for each step it may take next, once in a
    safe accommodation service and once in another (their forms differ: accommodation and
    household when support starts, where the household moved on to when it closes)."""
    from commissioning.constants import ServiceType
    from referrals.constants import Status
    from referrals.services import next_actions
    from referrals.views import ACTION_FORMS
    from tests.factories import CommissionedServiceFactory, ReferralFactory

    organisation = ctx.users["officer"].organisation
    refuge = CommissionedServiceFactory(provider=organisation, service_type=ServiceType.REFUGE)
    outreach = Referral.objects.filter(service__provider=organisation).first().service
    area = next(iter(ctx.areas.values()))
    received = timezone.now() - timedelta(days=30)
    days_ago = received + timedelta(days=1)
    for service in (refuge, outreach):  # the demo has no referral in these states
        ReferralFactory(
            service=service,
            area=area,
            received_at=received,
            status=Status.CONTACTED,
            first_contact_at=days_ago,
        )
        ReferralFactory(
            service=service,
            area=area,
            received_at=received,
            status=Status.IN_SUPPORT,
            first_contact_at=days_ago,
            support_started_at=days_ago,
        )
    found: dict[tuple[str, bool], int] = {}
    referrals = Referral.objects.filter(service__provider=organisation).select_related("service")
    for referral in referrals.order_by("pk"):
        for action in next_actions(referral):
            found.setdefault((str(action), referral.is_safe_accommodation), referral.pk)
    assert {action for action, _ in found} == {str(action) for action in ACTION_FORMS}, found
    return [{"pk": pk, "action": action} for (action, _), pk in sorted(found.items())]


def _referral(ctx) -> dict[str, str]:
    return {
        **_date("received_date", 3, 3, 2025),
        "received_time": "10:30",
        "children_in_household": "2",
        "full_name": "Alex Example",
        **_date("date_of_birth", 1, 2, 1990),
        "postcode": "EX1 1AA",
        "house": "12",
    }


ENTRIES: dict[str, Entry] = {
    # The core app. A refused sign-in is counted towards the lockout (django-axes).
    "login": Entry(refused_may_write=("axes_accessattempt", "axes_accessfailurelog")),
    "logout": Entry(),
    # Accounts: a wrong code counts towards the lockout, as a wrong password does.
    # Its page draws a QR code each time (about a second), so fewer tries.
    "login_set_up": Entry(
        refused_may_write=("axes_accessattempt", "axes_accessfailurelog"), examples=6
    ),
    "account_new_recovery_codes": Entry(),
    # Moving to a new phone: a wrong code counts towards the lockout and the app's throttle.
    "account_authenticator_move": Entry(
        refused_may_write=("axes_accessattempt", "axes_accessfailurelog", "otp_totp_totpdevice"),
        examples=6,
    ),
    "password_reset": Entry(given=lambda ctx: {"email": "nobody@example.org"}),
    # Commissioning.
    "commissioning:capacity_edit": Entry(given=lambda ctx: {"quarter": "2024/25 Q4", "fte": "3"}),
    "commissioning:contract_create": Entry(
        given=lambda ctx: {
            "reference": "ESX-HOSTILE-01",
            "title": "A contract",
            **_date("start_date", 1, 4, 2024),
            **_date("end_date", 31, 3, 2027),
        }
    ),
    "commissioning:contract_edit": Entry(),
    "commissioning:contract_year_create": Entry(given=lambda ctx: {"annual_value": "100000"}),
    "commissioning:contract_year_edit": Entry(),
    "commissioning:extension_create": Entry(
        given=lambda ctx: {"period_months": "12", **_date("decision_due", 1, 1, 2027)}
    ),
    "commissioning:extension_edit": Entry(),
    "commissioning:funding?": Entry(),
    "commissioning:grant_allocations_edit": Entry(),
    "commissioning:grant_create": Entry(
        given=lambda ctx: {"name": "A grant", "financial_year": "2024/25", "total": "1000"}
    ),
    "commissioning:grant_edit": Entry(),
    "commissioning:listing_edit": Entry(),
    "commissioning:service_create": Entry(given=lambda ctx: {"name": "A service"}),
    "commissioning:service_edit": Entry(),
    # A service's definitions: the page gives the current ones.
    "commissioning:service_definitions": Entry(),
    # Referrals: the officer's form, each step's form, and the list's filters.
    "referrals:referral_create": Entry(given=_referral),
    "referrals:referral_action": Entry(variants=_referral_steps),
    "referrals:referral_list?": Entry(),
    # Statutory: the safe accommodation return (an accepted post makes the return, eagerly
    # here: fewer tries) and the return's lists.
    "referrals:annual_return_list": Entry(examples=8),
    "referrals:return_lists": Entry(),
    # Provider returns: an accepted upload is checked and a confirmed one applied, eagerly here
    # (fewer tries).
    "referrals:import_create": Entry(examples=8),
    "referrals:import_check_again": Entry(examples=8),
    "referrals:import_confirm": Entry(examples=8),
    "referrals:import_discard": Entry(),
    # Retention: legal holds.
    "retention:hold_create": Entry(),
    "retention:hold_release": Entry(),
    # Scrutiny: committees, meetings, papers, resolutions, actions, reports and packs.
    "scrutiny:action_close": Entry(),
    "scrutiny:action_complete": Entry(given=lambda ctx: {"evidence_url": "https://example.org/"}),
    "scrutiny:action_create": Entry(
        given=lambda ctx: {"description": "Report back.", **_date("due_date", 1, 6, 2027)}
    ),
    "scrutiny:action_create_other": Entry(
        given=lambda ctx: {
            "other_source": "Board development day",
            "description": "Report back.",
            **_date("due_date", 1, 6, 2027),
        }
    ),
    "scrutiny:action_edit": Entry(),
    "scrutiny:action_list?": Entry(),
    "scrutiny:action_update_add": Entry(given=lambda ctx: {"text": "Progress."}),
    "scrutiny:agenda_document_add": Entry(given=lambda ctx: {"title": "Appendix A"}),
    "scrutiny:agenda_document_delete": Entry(),
    "scrutiny:agenda_item_create": Entry(
        given=lambda ctx: {"title": "An item", "recommendation": "That it is noted."}
    ),
    "scrutiny:agenda_item_edit": Entry(),
    "scrutiny:agenda_item_move": Entry(),
    "scrutiny:agenda_item_remove": Entry(),
    "scrutiny:agenda_pack_export": Entry(),
    "scrutiny:committee_create": Entry(given=lambda ctx: {"name": "A committee"}),
    "scrutiny:committee_edit": Entry(),
    "scrutiny:commitment_create": Entry(given=lambda ctx: {"title": "Refresh the assessment"}),
    "scrutiny:commitment_edit": Entry(),
    # Showing committee figures without suppression is audited, whatever else the filter says,
    # and the figures counted for it are kept (referrals.stored_figures: counts, never input);
    # the page takes a second to make, so fewer tries.
    "scrutiny:dashboard?": Entry(
        refused_may_write=("partnership_auditevent", "referrals_storedfigures"), examples=10
    ),
    "scrutiny:meeting_create": Entry(
        given=lambda ctx: {**_date("date", 1, 6, 2027), "start_time": "10:00", "venue": "Hall"}
    ),
    "scrutiny:meeting_edit": Entry(),
    # The meeting cycle: membership, attendance, declarations, questions and minutes.
    "scrutiny:attendance_record": Entry(),
    "scrutiny:declaration_add": Entry(
        given=lambda ctx: {"kind": "other_registrable", "nature": "A trustee of a charity."}
    ),
    "scrutiny:declaration_remove": Entry(),
    "scrutiny:item_minute_edit": Entry(given=lambda ctx: {"discussion": "Discussed."}),
    "scrutiny:membership_add": Entry(
        given=lambda ctx: {"role": "member", **_date("start_date", 1, 4, 2025)}
    ),
    "scrutiny:membership_end": Entry(given=lambda ctx: _date("end_date", 31, 3, 2026)),
    "scrutiny:minutes_amend": Entry(
        given=lambda ctx: {"new_text": "Corrected text.", "reason": "A typing error."}
    ),
    "scrutiny:minutes_approve": Entry(),
    "scrutiny:minutes_circulate": Entry(),
    "scrutiny:minutes_publish": Entry(),
    "scrutiny:other_attendee_add": Entry(given=lambda ctx: {"name": "A guest"}),
    "scrutiny:other_attendee_remove": Entry(),
    "scrutiny:question_add": Entry(
        given=lambda ctx: {"asked_by": "A resident", "question": "When?"}
    ),
    "scrutiny:question_edit": Entry(),
    # The delivery plan and the review register.
    "scrutiny:milestone_create": Entry(
        given=lambda ctx: {"description": "Published.", **_date("due_date", 1, 6, 2027)}
    ),
    "scrutiny:recommendation_create": Entry(
        given=lambda ctx: {"description": "Train staff.", **_date("due_date", 1, 6, 2027)}
    ),
    "scrutiny:report_attach": Entry(),
    "scrutiny:report_publish": Entry(),
    "scrutiny:report_request": Entry(),
    "scrutiny:report_retry": Entry(),
    "scrutiny:resolution_create": Entry(given=lambda ctx: {"text": "That it is noted."}),
    "scrutiny:resolution_edit": Entry(),
    "scrutiny:review_create": Entry(
        given=lambda ctx: {
            "reference": "DHR-2024-09",
            "kind": "domestic_homicide",
            "status": "commissioned",
            **_date("commissioned_on", 14, 2, 2024),
        }
    ),
    "scrutiny:review_edit": Entry(),
    "scrutiny:strategy_create": Entry(
        given=lambda ctx: {"title": "A strategy", "start_year": "2025", "end_year": "2028"}
    ),
    "scrutiny:strategy_edit": Entry(),
    "scrutiny:theme_create": Entry(given=lambda ctx: {"title": "A theme"}),
    "scrutiny:theme_edit": Entry(),
    "scrutiny:topic_create": Entry(given=lambda ctx: {"name": "A topic"}),
}
