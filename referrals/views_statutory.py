"""The safe accommodation return's pages, for performance leads and admins only (its figures
are exact): make the return for a year, see it with its reconciliation, download the XLSX, and
choose the values of its configurable lists. Everyone else gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from partnership.forms import save_and_redirect, show_errors
from partnership.permissions import role_required

from . import services
from .annual_return import services as return_services
from .annual_return.layout import AnnualReturn
from .annual_return.selectors import RETURN_ROLES, get_return_for_user, returns_for_user
from .constants import ReturnList
from .forms import AnnualReturnForm, ReturnListForm, ReturnValueForm

REFRESH_SECONDS = 3
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@role_required(*RETURN_ROLES)
def annual_return_list(request):
    form = AnnualReturnForm(request.POST or None)
    saved = save_and_redirect(
        request,
        form,
        lambda data: return_services.annual_return_request(
            by=request.user, year=data["year"], request=request
        ),
        success=lambda run: f"The return for {run.year_label} has been asked for.",
    )
    return saved or render(
        request,
        "referrals/annual_return_list.html",
        {"form": form, "runs": returns_for_user(request.user)[:20]},
    )


@role_required(*RETURN_ROLES)
def annual_return_detail(request, pk: int):
    run = get_return_for_user(request.user, pk)
    response = render(
        request,
        "referrals/annual_return_detail.html",
        {
            "run": run,
            "made": AnnualReturn.from_json(run.figures) if run.is_ready else None,
            "refresh_seconds": REFRESH_SECONDS,
            "refresh_off": request.GET.get("refresh") == "off",
        },
    )
    if run.is_pending and request.GET.get("refresh") != "off":
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@role_required(*RETURN_ROLES)
def annual_return_download(request, pk: int):
    run = get_return_for_user(request.user, pk)
    if not run.is_ready:
        raise Http404("The return is not ready.")
    return_services.annual_return_record_download(by=request.user, run=run, request=request)
    return FileResponse(
        run.xlsx.open("rb"), as_attachment=True, filename=run.download_name, content_type=XLSX
    )


@role_required(*RETURN_ROLES)
def return_lists(request):
    """Each list with the values in use, and a form to add a value."""
    posted = request.POST if request.method == "POST" else None
    kind = next((k for k in ReturnList.values if f"save_{k}" in (posted or {})), None)
    forms = {k: ReturnListForm(posted if k == kind else None, kind=k) for k in ReturnList.values}
    adding = ReturnValueForm(posted if posted and "add" in posted else None)
    if kind is not None and forms[kind].is_valid():
        try:
            services.return_list_update(
                by=request.user, kind=kind, in_use=forms[kind].chosen(), request=request
            )
        except ValidationError as error:
            show_errors(forms[kind], error)
        else:
            messages.success(request, f"{ReturnList(kind).label} saved.")
            return redirect(reverse("referrals:return_lists") + f"#{kind}")
    saved = save_and_redirect(
        request,
        adding,
        lambda data: services.return_category_add(
            by=request.user, kind=data["kind"], label=data["label"], request=request
        ),
        success=lambda category: f"{category.label} added to the list, in use.",
        to=lambda category: reverse("referrals:return_lists") + f"#{category.kind}",
        valid=adding.is_bound and adding.is_valid(),
    )
    return saved or render(
        request, "referrals/return_lists.html", {"forms": forms.values(), "adding": adding}
    )
