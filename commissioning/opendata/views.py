"""The commissioner's pages for open data: a service's directory listing (form, preview,
publish) and a contract's OCDS preview and publication.

Commissioners change and publish; performance leads may look at the previews. The previews are
built by the same serializers as the open endpoints, so they show exactly what is, or would be,
public.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from partnership.forms import save_and_redirect
from partnership.formsets import adds_row, as_typed
from partnership.permissions import role_required

from .. import selectors as commissioning_selectors
from .. import services
from ..forms import error_summary_items
from ..views import EDITORS, READERS, can_edit
from . import oruk
from .api import contract_release
from .forms import ServiceListingForm, opening_time_formset
from .ocds import dumps
from .selectors import ocid_for


@role_required(*EDITORS)
def listing_edit(request, pk: int):
    service = commissioning_selectors.get_service_for_user(request.user, pk)
    data = request.POST if request.method == "POST" else None
    adding = adds_row(request)
    if adding:
        form = as_typed(ServiceListingForm, data, service=service)
    else:
        form = ServiceListingForm(data, service=service)
    hours = opening_time_formset(data, service=service, add_row=adding)
    saved = save_and_redirect(
        request,
        form,
        lambda _cleaned: services.service_listing_update(
            by=request.user,
            service=service,
            opening_times=hours.opening_times(),
            request=request,
            **form.listing_values(),
        ),
        success="Directory listing saved. Check it below before publishing.",
        to=reverse("commissioning:listing_preview", args=[service.pk]),
        valid=not adding and data is not None and form.is_valid() & hours.is_valid(),
    )
    if saved is not None:
        return saved
    return render(
        request,
        "commissioning/listing_edit.html",
        {
            "service": service,
            "form": form,
            "hours": hours,
            "errors": error_summary_items(form, hours),
        },
    )


def _publish_from_post(request, write, *, what: str) -> list[dict[str, str]] | None:
    """Run a publish or unpublish write from a POST: None when it worked, else the errors for
    the page's error summary."""
    if not can_edit(request.user):
        raise PermissionDenied
    publish = request.POST.get("publish") == "yes"
    try:
        write(publish)
    except ValidationError as error:
        return [{"href": "#publish", "text": message} for message in error.messages]
    messages.success(request, f"{what} {'published' if publish else 'no longer published'}.")
    return None


def _ages(public: dict) -> str:
    low, high = public.get("minimum_age"), public.get("maximum_age")
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"{low} or over"
    return f"Up to {high}" if high is not None else "Any age"


@role_required(*READERS)
def listing_preview(request, pk: int):
    service = commissioning_selectors.get_service_for_user(request.user, pk)
    errors = []
    if request.method == "POST":

        def write(publish: bool):
            services.service_listing_publish(
                by=request.user, service=service, publish=publish, request=request
            )

        errors = _publish_from_post(request, write, what=service.name)
        if errors is None:
            return redirect("commissioning:listing_preview", pk=service.pk)
    public = oruk.service_full(service)
    return render(
        request,
        "commissioning/listing_preview.html",
        {
            "service": service,
            "public": public,
            "public_json": dumps(public),
            "ages": _ages(public),
            "api_url": reverse("open_referral:service", args=[service.directory_id]),
            "is_listed": service.directory_published and service.is_active,
            "can_edit": can_edit(request.user),
            "errors": errors,
        },
    )


@role_required(*READERS)
def contract_open_data(request, pk: int):
    contract = commissioning_selectors.get_contract_for_user(request.user, pk)
    errors = []
    if request.method == "POST":

        def write(publish: bool):
            services.contract_publication_set(
                by=request.user, contract=contract, publish=publish, request=request
            )

        errors = _publish_from_post(request, write, what=f"Contract {contract.reference}")
        if errors is None:
            return redirect("commissioning:contract_open_data", pk=contract.pk)
    public = contract_release(contract)
    ocid = ocid_for(contract)
    return render(
        request,
        "commissioning/contract_open_data.html",
        {
            "contract": contract,
            "ocid": ocid,
            "release": public,
            "release_json": dumps(public),
            "api_url": reverse("open_data:contract", args=[ocid]),
            "can_edit": can_edit(request.user),
            "errors": errors,
        },
    )
