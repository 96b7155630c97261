"""The committee dashboard page, its per-panel CSV downloads and one CSV of every panel.

All three read the quarter, the service and the exact-figures switch from the query string
through `DashboardForm`, and render `scrutiny.dashboard.build.build_dashboard`: the view
chooses, never counts. Committee members and clerks always get suppressed and rounded figures;
a request for exact figures from them is ignored (the page says so) rather than refused, so a
shared link still works for everyone and never shows them more than they may see. Showing exact
figures is audited.
"""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode

from commissioning.models import CommissionedService
from partnership.calendar import FinancialQuarter
from partnership.constants import Role
from partnership.csvexport import csv_response
from partnership.disclosure import ROUND_TO
from partnership.permissions import may_see_unsuppressed, role_required

from . import services
from .dashboard.build import build_dashboard
from .dashboard.model import Dashboard
from .dashboard.panels import PANELS
from .dashboard.periods import quarters_with_referrals

DASHBOARD_ROLES = (Role.COMMITTEE_MEMBER, Role.CLERK, Role.PERFORMANCE_LEAD, Role.COMMISSIONER)
dashboard_roles_required = role_required(*DASHBOARD_ROLES)


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CommissionedService) -> str:
        return obj.name


class DashboardForm(forms.Form):
    """What to show. Every field is optional: a missing or wrong one falls back to its default
    (the last complete quarter, all services, suppressed figures) with a message."""

    quarter = forms.ChoiceField(
        label="Quarter",
        required=False,
        error_messages={
            "invalid_choice": "Choose a quarter from the list: %(value)s is not one the "
            "dashboard has figures for."
        },
    )
    service = ServiceChoiceField(
        label="Service",
        queryset=CommissionedService.objects.order_by("name"),
        required=False,
        empty_label="All services",
        error_messages={"invalid_choice": "Choose a service from the list."},
    )
    exact = forms.BooleanField(label="Show exact figures", required=False)

    def __init__(self, *args, quarters: list[FinancialQuarter], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q.label, q.label) for q in quarters]
        self.default_quarter = quarters[0]

    def chosen(self) -> tuple[FinancialQuarter, CommissionedService | None, bool]:
        """The valid choices, with the default in place of any field that has an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        quarter = data.get("quarter")
        return (
            FinancialQuarter.parse(quarter) if quarter else self.default_quarter,
            data.get("service"),
            bool(data.get("exact")),
        )


def _read_choices(request):
    form = DashboardForm(request.GET or None, quarters=quarters_with_referrals())
    quarter, service, exact_asked = form.chosen()
    allowed = may_see_unsuppressed(request.user)
    return form, quarter, service, exact_asked and allowed, exact_asked and not allowed


def _build(request, quarter, service, exact, panels=None) -> Dashboard:
    service_id = service.pk if service else None
    dashboard = build_dashboard(quarter=quarter, service_id=service_id, exact=exact, panels=panels)
    if exact:
        services.dashboard_record_exact_view(
            by=request.user, quarter_label=quarter.label, service_id=service_id, request=request
        )
    return dashboard


def _query(quarter, service, exact) -> dict[str, str]:
    query = {"quarter": quarter.label}
    if service is not None:
        query["service"] = str(service.pk)
    if exact:
        query["exact"] = "1"
    return query


@dashboard_roles_required
def dashboard(request):
    form, quarter, service, exact, exact_refused = _read_choices(request)
    board = _build(request, quarter, service, exact)
    query = _query(quarter, service, exact)
    panels = [(panel, urlencode(query | {"panel": panel.slug})) for panel in board.panels]
    return render(
        request,
        "scrutiny/dashboard.html",
        {
            "form": form,
            "dashboard": board,
            "headlines": board.headlines,
            "panels": panels,
            "may_see_exact": may_see_unsuppressed(request.user),
            "exact_refused": exact_refused,
            "round_to": ROUND_TO,
            "switch_query": urlencode(_query(quarter, service, not exact)),
            "all_csv_query": urlencode(query),
        },
    )


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _file_name(quarter, service, what: str, exact: bool) -> str:
    return "-".join(
        [
            "dashboard",
            _slug(quarter.label),
            f"service-{service.pk}" if service else "all-services",
            what,
            *(["exact"] if exact else []),
        ]
    )


@dashboard_roles_required
def dashboard_export(request):
    """One panel as CSV: ?panel=<slug> with the page's quarter, service and exact choices."""
    _form, quarter, service, exact, _refused = _read_choices(request)
    slug = request.GET.get("panel", "")
    if slug not in PANELS:
        raise Http404("There is no dashboard panel of that name.")
    panel = _build(request, quarter, service, exact, panels=[slug]).panels[0]
    name = _file_name(quarter, service, panel.slug, exact)
    return csv_response(f"{name}.csv", panel.csv_header, panel.csv_rows)


@dashboard_roles_required
def dashboard_export_all(request):
    """Every panel in one CSV, with the page's choices: a line naming the quarter and the
    view, then each panel in page order after a blank line, as its title, its column headings
    and its rows, exactly as in the panel's own download (the same release)."""
    _form, quarter, service, exact, _refused = _read_choices(request)
    board = _build(request, quarter, service, exact, panels=list(PANELS))
    header = [
        "Committee dashboard",
        quarter.label,
        service.name if service else "All services",
        "Exact figures, not for publication" if exact else "Suppressed and rounded",
    ]
    rows: list[list[str]] = []
    for panel in board.panels:
        rows += [[], [panel.title], panel.csv_header, *panel.csv_rows]
    name = _file_name(quarter, service, "all-panels", exact)
    return csv_response(f"{name}.csv", header, rows)
