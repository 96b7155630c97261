"""The retention page (what is due in the next 90 days, what is held) and legal holds.

For performance leads and admins: they may see every referral, and they decide on holds.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from partnership.constants import Role
from partnership.forms import save_and_redirect
from partnership.permissions import role_required

from . import selectors, services
from .constants import DUE_WITHIN_DAYS, RecordKind
from .forms import HoldForm, ReleaseForm
from .models import RetentionRun

PER_PAGE = 50


@role_required(Role.PERFORMANCE_LEAD)
def retention_index(request):
    today = timezone.localdate()
    horizon = today + timedelta(days=DUE_WITHIN_DAYS)
    referrals = Paginator(selectors.referrals_due_listed(horizon), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "today": today,
        "horizon": horizon,
        "days": DUE_WITHIN_DAYS,
        "years": settings.RETENTION_YEARS,
        "counts": selectors.due_counts(horizon),
        "referrals": referrals,
        "referral_rows": [(r, selectors.referral_due_on(r)) for r in referrals],
        "action_rows": [
            (a, selectors.action_due_on(a)) for a in selectors.actions_due_listed(horizon)[:200]
        ],
        "holds": selectors.active_holds(),
        "last_run": RetentionRun.objects.filter(finished_at__isnull=False).first(),
    }
    return render(request, "retention/retention_index.html", context)


@role_required(Role.PERFORMANCE_LEAD)
def hold_create(request):
    form = HoldForm(request.POST or None)
    placed = save_and_redirect(
        request,
        form,
        lambda data: services.legal_hold_place(
            by=request.user,
            reason=data["reason"],
            review_on=data["review_on"],
            request=request,
            **{data["kind"]: data["record"]},
        ),
        success=lambda hold: f"{hold.record} is on legal hold.",
        to="retention:index",
    )
    if placed:
        return placed
    return render(
        request,
        "scrutiny/form_page.html",
        {
            "form": form,
            "title": "Place a legal hold",
            "intro": "A record on hold is kept as it is: the retention schedule skips it until "
            "the hold is released.",
            "back_url": reverse("retention:index"),
        },
    )


@role_required(Role.PERFORMANCE_LEAD)
def hold_release(request, pk):
    hold = selectors.get_active_hold_for_user(request.user, pk)
    form = ReleaseForm(request.POST or None)
    released = save_and_redirect(
        request,
        form,
        lambda data: services.legal_hold_release(
            by=request.user, hold=hold, note=data["note"], request=request
        ),
        success=f"The hold on {hold.record} is released.",
        to="retention:index",
    )
    if released:
        return released
    kind = "referral" if hold.kind == RecordKind.REFERRAL else "committee action"
    return render(
        request,
        "scrutiny/form_page.html",
        {
            "form": form,
            "title": f"Release the hold on {hold.record}",
            "caption": "Legal hold",
            "intro": f"The {kind} {hold.record} has been on hold since "
            f"{timezone.localtime(hold.placed_at):%-d %B %Y}. Reason: {hold.reason} Once "
            "released, it is anonymised at the next nightly run if its time has passed.",
            "back_url": reverse("retention:index"),
        },
    )
