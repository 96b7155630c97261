"""The import journey's pages: provider returns, upload, progress and preview, confirm, result;
the return format, templates and the demo's sample return.

Performance leads and officers (for their own organisation's services) use them; everyone else
gets 403, and an import or service the user may not see is a 404 (`selectors`). While a return
is being checked or applied its page reloads itself every few seconds (a Refresh header, so no
script is needed), until the user switches that off.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from partnership.constants import Role
from partnership.csvexport import csv_response
from partnership.forms import save_and_redirect
from partnership.permissions import role_required

from . import downloads, services
from .forms import ConfirmForm, UploadForm
from .models import FileFormat
from .reading import MAX_BYTES, MAX_ROWS, megabytes
from .selectors import (
    get_importable_service_for_user,
    get_return_import_for_user,
    importable_services,
    may_import,
    return_imports_for_user,
)

IMPORT_ROLES = (Role.OFFICER, Role.PERFORMANCE_LEAD)
REFRESH_SECONDS = 3
PROBLEMS_PER_PAGE = 100
HISTORY_LENGTH = 100


def importers_only(view):
    """Performance leads, and officers of an organisation; 403 for everyone else."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return role_required(*IMPORT_ROLES)(wrapped)


def _samples_for(user) -> list:
    """The demo's sample returns (seed_demo writes them; a real board has none)."""
    folder = downloads.SAMPLE_FOLDER
    if not default_storage.exists(folder):
        return []
    _folders, files = default_storage.listdir(folder)
    services = {downloads.sample_path(service.pk): service for service in importable_services(user)}
    paths = [f"{folder}/{name}" for name in sorted(files)]
    return [services[path] for path in paths if path in services]


@importers_only
def import_list(request):
    return render(
        request,
        "referrals/import_list.html",
        {
            "imports": return_imports_for_user(request.user)[:HISTORY_LENGTH],
            "services": importable_services(request.user),
            "samples": _samples_for(request.user),
            "history_length": HISTORY_LENGTH,
        },
    )


@importers_only
def import_create(request):
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        services=importable_services(request.user),
    )
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.return_import_create(
            by=request.user,
            service=data["service"],
            upload=data["file"],
            file_format=data["file"].file_format,
            request=request,
        ),
        success="Return uploaded. Its rows are being checked.",
    )
    if saved:
        return saved
    return render(
        request,
        "referrals/import_create.html",
        {"form": form, "max_size": megabytes(MAX_BYTES), "max_rows": MAX_ROWS},
    )


def _refreshing(request, response, pending: bool):
    if pending and request.GET.get("refresh") != "off":
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@importers_only
def import_detail(request, pk: int):
    run = get_return_import_for_user(request.user, pk)
    problems = Paginator(run.problems.all(), PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    response = render(
        request,
        "referrals/import_detail.html",
        {
            "run": run,
            "problems": problems,
            "confirm_form": ConfirmForm(rejected=run.rejected or 0),
            "earlier": _earlier_imports_of_same_file(request.user, run),
            "refresh_seconds": REFRESH_SECONDS,
            "refresh_off": request.GET.get("refresh") == "off",
        },
    )
    return _refreshing(request, response, run.is_pending)


def _earlier_imports_of_same_file(user, run):
    return (
        return_imports_for_user(user)
        .filter(sha256=run.sha256, applied_at__isnull=False, created_at__lt=run.created_at)
        .order_by("-applied_at")[:3]
    )


@importers_only
@require_POST
def import_confirm(request, pk: int):
    run = get_return_import_for_user(request.user, pk)
    form = ConfirmForm(request.POST, rejected=run.rejected or 0)
    saved = save_and_redirect(
        request,
        form,
        lambda data: services.return_import_confirm(
            by=request.user,
            return_import=run,
            leave_out_rejected=data["leave_out"],
            request=request,
        ),
        success=lambda confirmed: (
            "Import confirmed. The accepted rows are being written"
            + (", leaving out the rejected rows." if confirmed.leave_out_rejected else ".")
        ),
    )
    if saved:
        return saved
    problems = Paginator(run.problems.all(), PROBLEMS_PER_PAGE).get_page(1)
    return render(
        request,
        "referrals/import_detail.html",
        {
            "run": run,
            "problems": problems,
            "confirm_form": form,
            "earlier": _earlier_imports_of_same_file(request.user, run),
        },
        status=400,
    )


def _simple_action(request, pk: int, write, done: str):
    run = get_return_import_for_user(request.user, pk)
    try:
        write(by=request.user, return_import=run, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(run)


@importers_only
@require_POST
def import_discard(request, pk: int):
    return _simple_action(
        request, pk, services.return_import_discard, "Import discarded. Its file is deleted."
    )


@importers_only
@require_POST
def import_check_again(request, pk: int):
    return _simple_action(
        request, pk, services.return_import_check_again, "The return is being checked again."
    )


@importers_only
def import_problems(request, pk: int):
    run = get_return_import_for_user(request.user, pk)
    return csv_response(
        downloads.problems_name(run), downloads.PROBLEMS_HEADER, downloads.problems_rows(run)
    )


@importers_only
def import_format(request):
    return render(
        request,
        "referrals/import_format.html",
        {"entries": downloads.data_dictionary(), "services": importable_services(request.user)},
    )


@importers_only
def import_template(request, service: int, file_format: str):
    service = get_importable_service_for_user(request.user, service)
    if file_format == FileFormat.CSV:
        content, content_type = downloads.template_csv(service), "text/csv; charset=utf-8"
    elif file_format == FileFormat.XLSX:
        content, content_type = downloads.template_xlsx(service), downloads.XLSX_TYPE
    else:
        raise Http404("No such format.")
    response = HttpResponse(content, content_type=content_type)
    name = downloads.template_name(service, file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@importers_only
def import_sample(request, service: int):
    service = get_importable_service_for_user(request.user, service)
    path = downloads.sample_path(service.pk)
    if not default_storage.exists(path):
        raise Http404("No sample return for this service.")
    with default_storage.open(path, "rb") as sample:
        content = sample.read()
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = downloads.template_name(service, "csv").replace("return-", "sample-return-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
