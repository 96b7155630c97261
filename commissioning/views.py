"""Commissioning pages. Who may use each page is decided here, by role:

- commissioners (and admins) read and change everything;
- performance leads read everything;
- committee members and clerks read the funding split per contract and year, with its
  reconciliation status, and the grant allocations (the funding page and its CSV exports);
- officers get 403 everywhere.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.calendar import FinancialYear
from partnership.constants import Role
from partnership.csvexport import csv_response
from partnership.forms import save_and_redirect
from partnership.formsets import (
    adds_row,
    as_typed,
    running_total,
    running_total_text,
    typed_amount,
)
from partnership.permissions import role_required

from . import definitions, metrics, selectors, services
from .forms import (
    AllocationMethodForm,
    CapacityForm,
    ContractForm,
    ContractYearForm,
    DefinitionForm,
    ExtensionForm,
    FundingStreamForm,
    ServiceForm,
    allocation_formset,
    contribution_formset,
    error_summary_items,
)
from .models import ContractYear

EDITORS = (Role.COMMISSIONER,)
READERS = (Role.COMMISSIONER, Role.PERFORMANCE_LEAD)
# The definitions a board signs off are kept by its commissioners and performance leads.
DEFINITION_EDITORS = (Role.COMMISSIONER, Role.PERFORMANCE_LEAD)
FUNDING_READERS = (*READERS, Role.COMMITTEE_MEMBER, Role.CLERK)

# Model field names that the forms call something else.
FORM_FIELD_FOR = {"annual_value_pence": "annual_value", "total_pence": "total"}


def can_edit(user) -> bool:
    return user.has_role(*EDITORS)


def _save(request, form, write, *, success, **options):
    """`save_and_redirect` with this app's form field names for the models' fields."""
    return save_and_redirect(
        request, form, write, success=success, fields=FORM_FIELD_FOR, **options
    )


def _record_page(request, *, form, title: str, caption: str, back_url: str, submit: str):
    return render(
        request,
        "commissioning/record_edit.html",
        {
            "form": form,
            "errors": error_summary_items(form),
            "title": title,
            "caption": caption,
            "back_url": back_url,
            "submit": submit,
        },
    )


# The commissioner's start page -------------------------------------------------------------


@role_required(*READERS)
def index(request):
    overview = metrics.commissioning_overview(timezone.localdate())
    return render(
        request,
        "commissioning/index.html",
        {"overview": overview, "can_edit": can_edit(request.user)},
    )


# Services ----------------------------------------------------------------------------------


@role_required(*READERS)
def service_list(request):
    return render(
        request,
        "commissioning/service_list.html",
        {
            "services": selectors.services_for_user(request.user),
            "can_edit": can_edit(request.user),
        },
    )


@role_required(*READERS)
def service_detail(request, pk: int):
    service = selectors.get_service_for_user(request.user, pk)
    return render(
        request,
        "commissioning/service_detail.html",
        {
            "service": service,
            "definition": definitions.definition_on(service, timezone.localdate()),
            "may_change_definitions": request.user.has_role(*DEFINITION_EDITORS),
            "capacity": service.caseworker_capacity.all(),
            "history": selectors.history_for(service),
            "can_edit": can_edit(request.user),
        },
    )


@role_required(*DEFINITION_EDITORS)
def service_definitions(request, pk: int):
    """The service's definitions, each from its day, and the form to change them from a day."""
    service = selectors.get_service_for_user(request.user, pk)
    today = timezone.localdate()
    form = DefinitionForm(request.POST or None, current=definitions.definition_on(service, today))
    saved = _save(
        request,
        form,
        lambda data: services.service_definition_add(
            by=request.user,
            service=service,
            effective_from=data["effective_from"],
            agreed_by=data["agreed_by"],
            request=request,
            **form.definitions(),
        ),
        success=f"The definitions of {service.name} are changed.",
        to=reverse("commissioning:service_definitions", args=[service.pk]),
    )
    return saved or render(
        request,
        "commissioning/service_definitions.html",
        {
            "service": service,
            "form": form,
            "errors": error_summary_items(form),
            "history": definitions.history(service),
            "today": today,
        },
    )


def _service_values(form: ServiceForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in services.SERVICE_FIELDS}


@role_required(*EDITORS)
def service_create(request):
    form = ServiceForm(request.POST or None)
    saved = _save(
        request,
        form,
        lambda data: services.service_create(
            by=request.user, areas=data["areas"], request=request, **_service_values(form)
        ),
        success=lambda service: f"{service.name} added.",
    )
    return saved or _record_page(
        request,
        form=form,
        title="Add a service",
        caption="Services",
        back_url=reverse("commissioning:service_list"),
        submit="Add service",
    )


@role_required(*EDITORS)
def service_edit(request, pk: int):
    service = selectors.get_service_for_user(request.user, pk)
    form = ServiceForm(request.POST or None, service=service)
    saved = _save(
        request,
        form,
        lambda data: services.service_update(
            by=request.user,
            service=service,
            areas=data["areas"],
            request=request,
            **_service_values(form),
        ),
        success=f"{service.name} saved.",
        to=service,
    )
    return saved or _record_page(
        request,
        form=form,
        title=f"Change {service.name}",
        caption="Services",
        back_url=service.get_absolute_url(),
        submit="Save changes",
    )


@role_required(*EDITORS)
def capacity_edit(request, pk: int):
    service = selectors.get_service_for_user(request.user, pk)
    form = CapacityForm(request.POST or None)
    saved = _save(
        request,
        form,
        lambda data: services.capacity_set(
            by=request.user,
            service=service,
            quarter=data["quarter"],
            fte=data["fte"],
            request=request,
        ),
        success=lambda _capacity: f"Caseworker FTE for {form.cleaned_data['quarter']} saved.",
        to=service,
    )
    return saved or _record_page(
        request,
        form=form,
        title=f"Record caseworker FTE for {service.name}",
        caption="Services",
        back_url=service.get_absolute_url(),
        submit="Save FTE",
    )


# Contracts ---------------------------------------------------------------------------------


@role_required(*READERS)
def contract_list(request):
    today = timezone.localdate()
    flagged = {c.contract_id: len(c.flagged_years) for c in metrics.funding_overview()}
    return render(
        request,
        "commissioning/contract_list.html",
        {
            "rows": [(t, flagged.get(t.contract_id, 0)) for t in metrics.contract_timelines(today)],
            "can_edit": can_edit(request.user),
        },
    )


@role_required(*READERS)
def contract_detail(request, pk: int):
    contract = selectors.get_contract_for_user(request.user, pk)
    return render(
        request,
        "commissioning/contract_detail.html",
        {
            "contract": contract,
            "timeline": metrics.contract_timeline(contract, timezone.localdate()),
            "funding": metrics.contract_funding(contract),
            "other_provider_services": contract.services_of_other_providers(),
            "history": selectors.history_for(
                contract, contract.years.all(), contract.extensions.all()
            ),
            "can_edit": can_edit(request.user),
        },
    )


def _contract_values(form: ContractForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in services.CONTRACT_FIELDS}


@role_required(*EDITORS)
def contract_create(request):
    form = ContractForm(request.POST or None)
    saved = _save(
        request,
        form,
        lambda data: services.contract_create(
            by=request.user, services=data["services"], request=request, **_contract_values(form)
        ),
        success=lambda contract: (
            f"Contract {contract.reference} added. Now add each year's funding."
        ),
    )
    return saved or _record_page(
        request,
        form=form,
        title="Add a contract",
        caption="Contracts",
        back_url=reverse("commissioning:contract_list"),
        submit="Add contract",
    )


@role_required(*EDITORS)
def contract_edit(request, pk: int):
    contract = selectors.get_contract_for_user(request.user, pk)
    form = ContractForm(request.POST or None, contract=contract)
    saved = _save(
        request,
        form,
        lambda data: services.contract_update(
            by=request.user,
            contract=contract,
            services=data["services"],
            request=request,
            **_contract_values(form),
        ),
        success=f"Contract {contract.reference} saved.",
        to=contract,
    )
    return saved or _record_page(
        request,
        form=form,
        title=f"Change contract {contract.reference}",
        caption="Contracts",
        back_url=contract.get_absolute_url(),
        submit="Save changes",
    )


def _extension_values(form: ExtensionForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in services.EXTENSION_FIELDS}


@role_required(*EDITORS)
def extension_create(request, pk: int):
    contract = selectors.get_contract_for_user(request.user, pk)
    form = ExtensionForm(request.POST or None)
    saved = _save(
        request,
        form,
        lambda data: services.extension_create(
            by=request.user, contract=contract, request=request, **_extension_values(form)
        ),
        success="Extension option added.",
        to=contract,
    )
    return saved or _record_page(
        request,
        form=form,
        title=f"Add an extension option to {contract.reference}",
        caption="Contracts",
        back_url=contract.get_absolute_url(),
        submit="Add extension",
    )


@role_required(*EDITORS)
def extension_edit(request, pk: int):
    extension = selectors.get_extension_for_user(request.user, pk)
    contract = extension.contract
    form = ExtensionForm(request.POST or None, extension=extension)
    saved = _save(
        request,
        form,
        lambda data: services.extension_update(
            by=request.user, extension=extension, request=request, **_extension_values(form)
        ),
        success="Extension saved.",
        to=contract,
    )
    return saved or _record_page(
        request,
        form=form,
        title=f"Change an extension of {contract.reference}",
        caption="Contracts",
        back_url=contract.get_absolute_url(),
        submit="Save changes",
    )


def _year_saved(contract_year: ContractYear) -> str:
    if metrics.contract_year_reconciliation(contract_year).is_flagged:
        return f"{contract_year.year} saved."
    return f"{contract_year.year} saved. The contributions add up."


def _reconciliation_notices(contract_year: ContractYear) -> list[str]:
    status = metrics.contract_year_reconciliation(contract_year)
    return [f"It is flagged: {' '.join(status.problems)}"] if status.is_flagged else []


def _contract_year_page(request, *, contract, contract_year: ContractYear | None):
    label = contract_year.year.label if contract_year else "this year"
    data = request.POST if request.method == "POST" else None
    adding = adds_row(request)
    year_form = {"contract": contract, "contract_year": contract_year}
    if adding:
        form = as_typed(ContractYearForm, data, **year_form)
    else:
        form = ContractYearForm(data, **year_form)
    formset = contribution_formset(
        data, contract_year=contract_year, year_label=label, add_row=adding
    )
    if not adding and data is not None and form.is_valid():
        formset.year_label = FinancialYear(form.cleaned_data["financial_year"]).label
    saved = _save(
        request,
        form,
        lambda data: services.contract_year_save(
            by=request.user,
            contract=contract,
            contract_year=contract_year,
            financial_year=data["financial_year"],
            annual_value_pence=data["annual_value"],
            contributions=formset.contributions(),
            request=request,
        ),
        valid=not adding and form.is_valid() and formset.is_valid(),
        success=_year_saved,
        notices=_reconciliation_notices,
    )
    if saved:
        return saved
    errors = error_summary_items(form, formset) if data is not None else []
    total, readable = running_total(formset, "amount")
    value = typed_amount(form, "annual_value")
    return render(
        request,
        "commissioning/contract_year_edit.html",
        {
            "contract": contract,
            "contract_year": contract_year,
            "form": form,
            "formset": formset,
            "errors": errors,
            "running_total_text": running_total_text(
                total, value, readable=readable, of_label="the annual value"
            ),
            "title": f"Change {label} funding" if contract_year else "Add a year's funding",
        },
    )


@role_required(*EDITORS)
def contract_year_create(request, pk: int):
    contract = selectors.get_contract_for_user(request.user, pk)
    return _contract_year_page(request, contract=contract, contract_year=None)


@role_required(*EDITORS)
def contract_year_edit(request, pk: int):
    contract_year = selectors.get_contract_year_for_user(request.user, pk)
    contract = selectors.get_contract_for_user(request.user, contract_year.contract_id)
    return _contract_year_page(request, contract=contract, contract_year=contract_year)


# Grants ------------------------------------------------------------------------------------


@role_required(*READERS)
def grant_list(request):
    return render(
        request,
        "commissioning/grant_list.html",
        {"grants": metrics.grant_allocations(), "can_edit": can_edit(request.user)},
    )


@role_required(*READERS)
def grant_detail(request, pk: int):
    stream = selectors.get_funding_stream_for_user(request.user, pk)
    return render(
        request,
        "commissioning/grant_detail.html",
        {
            "stream": stream,
            "grant": metrics.grant_summary(stream),
            "history": selectors.history_for(stream),
            "can_edit": can_edit(request.user),
        },
    )


def _stream_values(form: FundingStreamForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "funder": data["funder"],
        "financial_year": data["financial_year"],
        "total_pence": data["total"],
    }


@role_required(*EDITORS)
def grant_create(request):
    form = FundingStreamForm(request.POST or None)
    saved = _save(
        request,
        form,
        lambda data: services.funding_stream_create(
            by=request.user, request=request, **_stream_values(form)
        ),
        success=lambda stream: f"{stream.name} added. Now allocate it.",
        to=lambda stream: reverse("commissioning:grant_allocations_edit", args=[stream.pk]),
    )
    return saved or _record_page(
        request,
        form=form,
        title="Add a grant",
        caption="Grants",
        back_url=reverse("commissioning:grant_list"),
        submit="Add grant",
    )


@role_required(*EDITORS)
def grant_edit(request, pk: int):
    stream = selectors.get_funding_stream_for_user(request.user, pk)
    form = FundingStreamForm(request.POST or None, stream=stream)
    saved = _save(
        request,
        form,
        lambda data: services.funding_stream_update(
            by=request.user, stream=stream, request=request, **_stream_values(form)
        ),
        success=f"{stream.name} saved.",
        to=stream,
    )
    return saved or _record_page(
        request,
        form=form,
        title=f"Change {stream.name}",
        caption="Grants",
        back_url=stream.get_absolute_url(),
        submit="Save changes",
    )


@role_required(*EDITORS)
def grant_allocations_edit(request, pk: int):
    stream = selectors.get_funding_stream_for_user(request.user, pk)
    data = request.POST if request.method == "POST" else None
    adding = adds_row(request)
    method_form = as_typed(AllocationMethodForm, data) if adding else AllocationMethodForm(data)
    formset = allocation_formset(data, stream=stream, add_row=adding)
    ready = not adding and data is not None and method_form.is_valid() and formset.is_valid()
    allocations = formset.allocations(method_form.cleaned_data["method"]) if ready else None
    saved = save_and_redirect(
        request,
        formset,
        lambda _rows: services.allocations_set(
            by=request.user, stream=stream, allocations=allocations, request=request
        ),
        valid=allocations is not None,
        success=f"Allocations of {stream.name} saved.",
        to=stream,
    )
    if saved:
        return saved
    errors = error_summary_items(method_form, formset) if data is not None else []
    total, readable = running_total(formset, "amount")
    return render(
        request,
        "commissioning/allocations_edit.html",
        {
            "stream": stream,
            "method_form": method_form,
            "formset": formset,
            "errors": errors,
            "running_total_text": running_total_text(
                total, stream.total_pence, readable=readable, of_label="the grant's total"
            ),
        },
    )


# The funding page for committees -----------------------------------------------------------


def _year_filter(request) -> FinancialYear | None:
    try:
        return FinancialYear.parse(request.GET.get("year", ""))
    except ValueError:
        return None


@role_required(*FUNDING_READERS)
def funding(request):
    year = _year_filter(request)
    return render(
        request,
        "commissioning/funding_overview.html",
        {
            "year": year,
            "years": selectors.funding_years(),
            "contracts": metrics.funding_overview(year),
            "grants": metrics.grant_allocations(year),
            "can_edit": can_edit(request.user),
            "can_read_all": request.user.has_role(*READERS),
            "export_query": f"?year={year.label}" if year else "",
        },
    )


# CSV exports -------------------------------------------------------------------------------


def _money(pence: int | None) -> str:
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{pennies:02d}"


def _pct(value) -> str:
    return "" if value is None else f"{value:f}"


def _export(request, name: str, header: list[str], rows: list[list]):
    services.audited_export(by=request.user, name=name, rows=len(rows), request=request)
    return csv_response(name, header, rows)


@require_GET
@role_required(*READERS)
def export_contracts(request):
    funding_by_contract = {c.contract_id: c for c in metrics.funding_overview()}
    rows = []
    for t in metrics.contract_timelines(timezone.localdate()):
        contract_funding = funding_by_contract[t.contract_id]
        rows.append(
            [
                t.reference,
                t.title,
                t.provider,
                contract_funding.lead_commissioner,
                t.start_date.isoformat(),
                t.initial_end_date.isoformat(),
                t.end_date.isoformat(),
                t.days_to_end,
                "yes" if t.ending_soon else "no",
                "; ".join(
                    f"{d.period_months} months, due {d.decision_due or 'no date'}"
                    for d in t.decisions_due
                ),
                len(contract_funding.years),
                "; ".join(y.financial_year for y in contract_funding.flagged_years),
            ]
        )
    header = [
        "Reference",
        "Title",
        "Provider",
        "Lead commissioner",
        "Start date",
        "End of initial term",
        "End date with exercised extensions",
        "Days to end",
        "Ends within 6 months",
        "Extension decisions due",
        "Years recorded",
        "Years flagged",
    ]
    return _export(request, "contracts.csv", header, rows)


@require_GET
@role_required(*FUNDING_READERS)
def export_contributions(request):
    rows = []
    for contract in metrics.funding_overview(_year_filter(request)):
        for year in contract.years:
            common = [
                contract.reference,
                contract.title,
                year.financial_year,
                _money(year.annual_value_pence),
                _money(year.total_pence),
                _money(year.difference_pence),
                year.status,
            ]
            problems = " ".join(year.problems)
            if not year.shares:
                rows.append([*common, "", "", "", "", "", "", problems])
            for share in year.shares:
                rows.append(
                    [
                        *common,
                        share.funder,
                        _money(share.amount_pence),
                        _pct(share.share_of_value_percent),
                        _pct(share.share_of_total_percent),
                        _pct(share.stated_percent),
                        "yes" if share.stated_differs else "no",
                        problems,
                    ]
                )
    header = [
        "Contract reference",
        "Contract title",
        "Financial year",
        "Annual value (£)",
        "Total contributed (£)",
        "Difference, contributed minus value (£)",
        "Reconciliation status",
        "Funder",
        "Amount (£)",
        "Share of annual value (%)",
        "Share of total contributed (%)",
        "Stated share (%)",
        "Stated share differs by more than 0.5 points",
        "Problems",
    ]
    return _export(request, "contributions.csv", header, rows)


@require_GET
@role_required(*FUNDING_READERS)
def export_allocations(request):
    rows = []
    for grant in metrics.grant_allocations(_year_filter(request)):
        common = [
            grant.name,
            grant.funder,
            grant.financial_year,
            _money(grant.total_pence),
            _money(grant.allocated_pence),
            _money(grant.unallocated_pence),
            grant.status,
        ]
        problems = " ".join(grant.problems)
        if not grant.lines:
            rows.append([*common, "", "", "", "", "", "", problems])
        for line in grant.lines:
            rows.append(
                [
                    *common,
                    line.recipient,
                    line.area or "",
                    _money(line.amount_pence),
                    _pct(line.share_percent),
                    _pct(line.stated_percent),
                    "yes" if line.stated_differs else "no",
                    problems,
                ]
            )
    header = [
        "Grant",
        "Funder",
        "Financial year",
        "Total (£)",
        "Allocated (£)",
        "Unallocated (£)",
        "Status",
        "Recipient",
        "Area",
        "Amount (£)",
        "Share of total (%)",
        "Stated share (%)",
        "Stated share differs by more than 0.5 points",
        "Problems",
    ]
    return _export(request, "allocations.csv", header, rows)
