"""Every panel of the dashboard, in page order: its slug and the function that makes it.

A panel is a function from the dashboard's `Figures` to a `Panel`, in the module of its family.
A new panel is such a function and one line here; its slug is stable (it names `?panel=`, the
CSV file and the report's section), and columns that count people go in tables.COUNT_HEADERS.
"""

from __future__ import annotations

from collections.abc import Callable

from . import actions, casework, equality, money, response, statutory, variation, volumes
from .figures import Figures
from .model import Panel

PANELS: dict[str, Callable[[Figures], Panel]] = {
    "referrals-by-quarter": volumes.trend_panel,
    "districts": volumes.district_panel,
    "services": volumes.service_panel,
    "sources": volumes.source_panel,
    "subjects": volumes.subject_panel,
    "response": response.response_panel,
    "waiting": response.waiting_panel,
    "repeats": casework.repeats_panel,
    "outcomes": casework.outcomes_panel,
    "caseload": casework.caseload_panel,
    "safe-accommodation": statutory.safe_accommodation_panel,
    "marac": statutory.marac_panel,
    "children": statutory.children_panel,
    "equality": equality.equality_panel,
    "funding": money.funding_panel,
    "grants": money.grants_panel,
    "actions": actions.actions_panel,
    "variation-districts": variation.district_variation_panel,
    "variation-services": variation.service_variation_panel,
}
