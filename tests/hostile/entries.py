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
    """One referral of the demo officer's organisation for each step it may take next."""
    from referrals.services import next_actions
    from referrals.views import ACTION_FORMS

    found: dict[str, int] = {}
    referrals = Referral.objects.filter(service__provider=ctx.users["officer"].organisation)
    for referral in referrals.order_by("pk"):
        for action in next_actions(referral):
            found.setdefault(action, referral.pk)
        if len(found) == len(ACTION_FORMS):
            break
    return [{"pk": pk, "action": str(action)} for action, pk in sorted(found.items())]


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
    # Referrals: the officer's form, each step's form, and the list's filters.
    "referrals:referral_create": Entry(given=_referral),
    "referrals:referral_action": Entry(variants=_referral_steps),
    "referrals:referral_list?": Entry(),
    # Retention: legal holds.
    "retention:hold_create": Entry(),
    "retention:hold_release": Entry(),
    # Scrutiny: committees, meetings, papers, resolutions, actions, reports and packs.
    "scrutiny:action_close": Entry(),
    "scrutiny:action_complete": Entry(given=lambda ctx: {"evidence_url": "https://example.org/"}),
    "scrutiny:action_create": Entry(
        given=lambda ctx: {"description": "Report back.", **_date("due_date", 1, 6, 2027)}
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
    "scrutiny:agenda_pack_export": Entry(),
    "scrutiny:committee_create": Entry(given=lambda ctx: {"name": "A committee"}),
    "scrutiny:committee_edit": Entry(),
    # Showing committee figures without suppression is audited, whatever else the filter says;
    # the page takes a second to make, so fewer tries.
    "scrutiny:dashboard?": Entry(refused_may_write=("partnership_auditevent",), examples=10),
    "scrutiny:meeting_create": Entry(
        given=lambda ctx: {**_date("date", 1, 6, 2027), "start_time": "10:00", "venue": "Hall"}
    ),
    "scrutiny:meeting_edit": Entry(),
    "scrutiny:report_attach": Entry(),
    "scrutiny:report_publish": Entry(),
    "scrutiny:report_request": Entry(),
    "scrutiny:report_retry": Entry(),
    "scrutiny:resolution_create": Entry(given=lambda ctx: {"text": "That it is noted."}),
    "scrutiny:resolution_edit": Entry(),
    "scrutiny:topic_create": Entry(given=lambda ctx: {"name": "A topic"}),
}
