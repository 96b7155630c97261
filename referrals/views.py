"""The officer's pages: the referral list, logging a referral, the referral page and its steps.

Officers and performance leads read referrals (each through `selectors`, so another agency's
referral is a 404); only officers log and change them. Committee members, clerks and
commissioners get 403 on every page here: they see aggregates elsewhere. Every view of a
referral record (the referral page and each step's page), every change and every export writes
an audit row. The identifying inputs of the log form are hidden from error reports
(`sensitive_post_parameters`, `sensitive_variables`); after an error they are shown again to
the officer who typed them, on a page the browser does not keep, and never anywhere else.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import BooleanField, ExpressionWrapper
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from partnership.constants import Role
from partnership.csvexport import csv_streaming_response
from partnership.forms import save_and_redirect
from partnership.pagination import Ordering, count_up_to, keyset_page
from partnership.permissions import role_required

from . import services
from .constants import COUNT_LIMIT, EXPORT_ROW_LIMIT, LIST_PAGE_SIZE, Action
from .forms import (
    IDENTITY_POST_PARAMETERS,
    AccommodationForm,
    CloseForm,
    ContactForm,
    DeclineForm,
    MaracForm,
    OversightForm,
    ReferralFilterForm,
    ReferralForm,
    SignpostForm,
    StartSupportForm,
    UnableToContactForm,
    WaitingListForm,
)
from .imports.selectors import imported_case_of
from .metrics import overdue_counts
from .models import Referral
from .rules import first_contact_overdue, oversight_overdue
from .selectors import (
    filtered_referrals_for_user,
    get_referral_for_user,
    may_see_referral,
    meets_rule,
    referral_history,
    referrals_for_user,
)

READ_ROLES = (Role.OFFICER, Role.PERFORMANCE_LEAD)

ACTION_FORMS = {
    Action.CONTACT: ContactForm,
    Action.UNABLE_TO_CONTACT: UnableToContactForm,
    Action.OVERSIGHT: OversightForm,
    Action.WAITING_LIST: WaitingListForm,
    Action.START_SUPPORT: StartSupportForm,
    Action.SIGNPOST: SignpostForm,
    Action.DECLINE: DeclineForm,
    Action.CLOSE: CloseForm,
    Action.ACCOMMODATION: AccommodationForm,
    Action.MARAC: MaracForm,
}

ACTION_SERVICES = {
    Action.CONTACT: lambda at, **kw: services.referral_record_contact(contacted_at=at, **kw),
    Action.UNABLE_TO_CONTACT: lambda at, **kw: services.referral_record_unable_to_contact(
        at=at, **kw
    ),
    Action.OVERSIGHT: lambda at, **kw: services.referral_record_oversight(oversight_at=at, **kw),
    Action.WAITING_LIST: lambda at, **kw: services.referral_add_to_waiting_list(at=at, **kw),
    Action.START_SUPPORT: lambda at, **kw: services.referral_start_support(started_at=at, **kw),
    Action.SIGNPOST: lambda at, **kw: services.referral_signpost(at=at, **kw),
    Action.DECLINE: lambda at, **kw: services.referral_decline(at=at, **kw),
    Action.CLOSE: lambda at, **kw: services.referral_close(closed_at=at, **kw),
    Action.ACCOMMODATION: lambda _at, **kw: services.referral_record_accommodation(**kw),
    Action.MARAC: lambda _at, **kw: services.referral_record_marac(**kw),
}

ACTION_DONE = {
    Action.CONTACT: "Contact recorded",
    Action.UNABLE_TO_CONTACT: "Unable to contact recorded",
    Action.OVERSIGHT: "Managerial oversight recorded",
    Action.WAITING_LIST: "Added to the waiting list",
    Action.START_SUPPORT: "Support started",
    Action.SIGNPOST: "Signposting recorded",
    Action.DECLINE: "Referral declined",
    Action.CLOSE: "Referral closed",
    Action.ACCOMMODATION: "Safe accommodation details saved",
    Action.MARAC: "Marac hearing recorded",
}

# Where a service's field errors belong on the forms.
SERVICE_ERROR_FIELDS = {
    "at": "at_date",
    "received_at": "received_time",
    "reason": "reason",
    "unable_to_support_reason": "reason",
}


# Sortable columns of the list: (sort parameter, the field, its label). Each has an index on
# (field, id), so that any page of it is as quick as the first (partnership.pagination).
SORTS = {"received": "received_at", "reference": "reference"}
DEFAULT_SORT = "received"


def _filters(form: ReferralFilterForm) -> dict:
    return form.cleaned_data if form.is_valid() else {}


def _ordering(params) -> tuple[str, bool, Ordering]:
    """The list's sort (column, descending), from `?sort=` and `?order=`: newest first
    unless asked otherwise, and by reference when searching for one (the reference index
    then finds the page at once; see selectors.reference_matches)."""
    default = "reference" if params.get("q") else DEFAULT_SORT
    sort = params.get("sort") if params.get("sort") in SORTS else default
    descending = params.get("order") != "asc"
    return sort, descending, Ordering(SORTS[sort], descending=descending)


@role_required(*READ_ROLES)
def referral_list(request):
    form = ReferralFilterForm(request.GET or None)
    now = timezone.now()
    referrals = filtered_referrals_for_user(request.user, filters=_filters(form), now=now)
    sort, descending, ordering = _ordering(request.GET)
    shown = referrals.select_related("service", "area").annotate(
        contact_is_overdue=ExpressionWrapper(
            first_contact_overdue(now), output_field=BooleanField()
        ),
        oversight_is_overdue=ExpressionWrapper(oversight_overdue(now), output_field=BooleanField()),
    )
    page = keyset_page(shown, ordering, request.GET, size=LIST_PAGE_SIZE)
    query = _query_without_page(request)
    return render(
        request,
        "referrals/referral_list.html",
        {
            "form": form,
            "page": page,
            "page_links": page.links(request.GET),
            "count": count_up_to(referrals, COUNT_LIMIT),
            "count_limit": COUNT_LIMIT,
            "sort_links": _sort_links(request.GET, sort, descending),
            "query": query,
            "overdue": overdue_counts(referrals_for_user(request.user), now),
            "contact_overdue_url": "?" + urlencode({"contact_overdue": "on"}),
            "oversight_overdue_url": "?" + urlencode({"oversight_overdue": "on"}),
            "may_log": request.user.has_role(Role.OFFICER),
            "export_limit": EXPORT_ROW_LIMIT,
        },
    )


def _query_without_page(request) -> str:
    """The filters and sort of this page, without its place in the list."""
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return query.urlencode()


def _sort_links(params, sort: str, descending: bool) -> dict[str, dict]:
    """For each sortable column: the URL that sorts by it (the other way round when it is
    the current sort) and its aria-sort value."""
    kept = {k: v for k, v in params.items() if k not in ("page", "after", "before")}
    links = {}
    for column in SORTS:
        current = column == sort
        # A new column starts newest (or highest) first; the current one turns round.
        order = ("asc" if descending else "desc") if current else "desc"
        aria = ("descending" if descending else "ascending") if current else "none"
        url = "?" + urlencode({**kept, "sort": column, "order": order})
        links[column] = {"url": url, "aria_sort": aria}
    return links


EXPORT_HEADER = [
    "Reference",
    "Service",
    "Received",
    "Source",
    "Subject",
    "District",
    "Risk level",
    "Heard at MARAC",
    "Children in household",
    "Status",
    "First contact",
    "Contacted within one working day",
    "Managerial oversight",
    "Oversight within 24 hours",
    "Support started",
    "Closed",
    "Closure reason",
    "Repeat referral",
    "Repeat address",
]
EXPORT_CHUNK = 2000


@role_required(*READ_ROLES)
def referral_export(request):
    """The filtered list as CSV, sent as it is read; refused above EXPORT_ROW_LIMIT rows
    (counting no further than that)."""
    form = ReferralFilterForm(request.GET or None)
    referrals = filtered_referrals_for_user(request.user, filters=_filters(form))
    if count_up_to(referrals, EXPORT_ROW_LIMIT) > EXPORT_ROW_LIMIT:
        messages.error(
            request,
            f"There are more than {EXPORT_ROW_LIMIT:,} referrals to export, which is the "
            "limit. Narrow the filters, for example by date received, and export again.",
        )
        query = _query_without_page(request)
        return redirect(reverse("referrals:referral_list") + (f"?{query}" if query else ""))
    _, _, ordering = _ordering(request.GET)
    chosen = list(referrals.order_by(*ordering.order_by()).only("pk", "reference"))
    # The audit names exactly the referrals sent: the rows are then read by these ids.
    services.referrals_record_export(referrals=chosen, by=request.user, request=request)
    ids = [referral.pk for referral in chosen]
    return csv_streaming_response(
        f"referrals-{timezone.localdate():%Y-%m-%d}.csv", EXPORT_HEADER, _export_rows(ids)
    )


def _export_rows(ids: list[int]):
    """The export's rows, read EXPORT_CHUNK referrals at a time, in the order of `ids`."""
    labels = {
        name: dict(Referral._meta.get_field(name).flatchoices)
        for name in ("source", "subject", "risk_level", "status", "closure_reason")
    }
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        found = Referral.objects.filter(pk__in=chunk).select_related("service", "area")
        by_id = {referral.pk: referral for referral in found}
        for pk in chunk:
            if pk in by_id:
                yield _export_row(by_id[pk], labels)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _yes_no(value) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _export_row(referral: Referral, labels: dict[str, dict]) -> list:
    """One referral as a row of EXPORT_HEADER (`labels`: each choice field's labels, looked
    up once for the whole export rather than once a cell)."""
    return [
        referral.reference,
        referral.service.name,
        _when(referral.received_at),
        labels["source"].get(referral.source, referral.source),
        labels["subject"].get(referral.subject, referral.subject),
        referral.district_name,
        labels["risk_level"].get(referral.risk_level, referral.risk_level),
        _yes_no(referral.heard_at_marac),
        referral.children_in_household,
        labels["status"].get(referral.status, referral.status),
        _when(referral.first_contact_at),
        _yes_no(referral.contacted_within_sla),
        _when(referral.oversight_at),
        _yes_no(referral.oversight_within_sla),
        _when(referral.support_started_at),
        _when(referral.closed_at),
        labels["closure_reason"].get(referral.closure_reason, referral.closure_reason),
        _yes_no(referral.is_repeat),
        _yes_no(referral.is_repeat_address),
    ]


def _repeat_notices(user, referral: Referral) -> list[str]:
    months = settings.REPEAT_WINDOW_MONTHS
    notices = []
    if referral.is_repeat:
        if may_see_referral(user, referral.repeat_of_id):
            notices.append(
                f"This person was referred before, within {months} months: the earlier "
                f"referral is {referral.repeat_of.reference}."
            )
        else:
            notices.append(
                f"This person was referred before, within {months} months; the earlier "
                "referral is with another organisation."
            )
    if referral.is_repeat_address:
        notices.append(f"There was another referral from the same address within {months} months.")
    return notices


@role_required(Role.OFFICER)
@sensitive_post_parameters(*IDENTITY_POST_PARAMETERS)
@sensitive_variables()
def referral_create(request):
    form = ReferralForm(request.POST if request.method == "POST" else None)

    @sensitive_variables()
    def write(_data):
        person_key, address_key = form.identity_keys()
        return services.referral_create(
            by=request.user,
            person_key=person_key,
            address_key=address_key,
            request=request,
            **form.referral_fields(),
        )

    saved = save_and_redirect(
        request,
        form,
        write,
        success=lambda referral: f"Referral {referral.reference} saved.",
        notices=lambda referral: _repeat_notices(request.user, referral),
        fields=SERVICE_ERROR_FIELDS,
    )
    if saved:
        return saved
    # Shown again after an error with what was typed, and only that (see referrals.forms).
    return render(
        request,
        "referrals/referral_create.html",
        {"form": form, "repeat_window_months": settings.REPEAT_WINDOW_MONTHS},
    )


@role_required(*READ_ROLES)
def referral_detail(request, pk: int):
    referral = get_referral_for_user(request.user, pk)
    services.referral_record_view(referral=referral, by=request.user, request=request)
    now = timezone.now()
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "history": referral_history(referral),
            "outcomes": [row.get_outcome_display() for row in referral.outcomes.all()],
            "repeat_of_visible": may_see_referral(request.user, referral.repeat_of_id),
            "repeat_address_of_visible": may_see_referral(
                request.user, referral.repeat_address_of_id
            ),
            "repeat_window_months": settings.REPEAT_WINDOW_MONTHS,
            "actions": (
                [
                    (Action(action), reverse("referrals:referral_action", args=[pk, action]))
                    for action in services.next_actions(referral)
                ]
                if request.user.has_role(Role.OFFICER)
                else []
            ),
            "imported": imported_case_of(request.user, referral),
            "contact_overdue": meets_rule(referral, first_contact_overdue(now)),
            "oversight_overdue": meets_rule(referral, oversight_overdue(now)),
        },
    )


@role_required(Role.OFFICER)
def referral_action(request, pk: int, action: str):
    if action not in ACTION_FORMS:
        raise Http404("No such step.")
    referral = get_referral_for_user(request.user, pk)
    action = Action(action)
    if action not in services.next_actions(referral):
        messages.error(
            request,
            f"{action.label} is not possible now: the referral is "
            f"{referral.get_status_display().lower()}.",
        )
        return redirect(referral)
    form = ACTION_FORMS[action](
        request.POST if request.method == "POST" else None, referral=referral
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: ACTION_SERVICES[action](
            data.get("at"),
            referral=referral,
            by=request.user,
            request=request,
            **form.service_arguments(),
        ),
        success=f"{ACTION_DONE[action]} for {referral.reference}.",
        to=referral,
        fields=SERVICE_ERROR_FIELDS,
    )
    if saved:
        return saved
    if request.method != "POST":
        services.referral_record_view(referral=referral, by=request.user, request=request)
    return render(
        request,
        "referrals/referral_action.html",
        {"referral": referral, "form": form, "action": action},
    )
