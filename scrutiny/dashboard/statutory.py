"""Panels for the statutory duties: safe accommodation (Part 4 of the Domestic Abuse Act 2021)."""

from __future__ import annotations

from commissioning import metrics as commissioning_figures
from commissioning.constants import SAFE_ACCOMMODATION_TYPES
from commissioning.models import CommissionedService
from partnership.disclosure import NOT_APPLICABLE

from ..charts import Table
from .figures import Figures
from .model import Panel
from .tables import rows_of


def safe_accommodation_panel(f: Figures) -> Panel:
    services = CommissionedService.objects.filter(
        is_active=True, service_type__in=SAFE_ACCOMMODATION_TYPES
    ).order_by("service_type", "name")
    capacity = commissioning_figures.safe_accommodation_capacity()
    rows = [
        [
            s.name,
            s.get_service_type_display(),
            NOT_APPLICABLE if s.bed_spaces is None else f"{s.bed_spaces:,}",
            NOT_APPLICABLE if s.units is None else f"{s.units:,}",
        ]
        for s in services
    ]
    rows.append(
        [
            "All safe accommodation",
            f"{capacity.services} services",
            f"{capacity.bed_spaces:,}",
            f"{capacity.units:,}",
        ]
    )
    table = Table(
        caption="Safe accommodation in use: bed spaces and units by type",
        headers=["Service", "Type", "Bed spaces", "Units"],
        rows=rows,
        numeric_columns=frozenset({2, 3}),
    )
    return Panel(
        slug="safe-accommodation",
        title="Safe accommodation",
        intro=(
            "The safe accommodation the partnership commissions under Part 4 of the Domestic "
            "Abuse Act 2021: bed spaces and units by type of accommodation."
        ),
        tables=[table],
        notes=["Capacity is for the whole partnership; the service filter does not apply."],
        csv_header=list(table.headers),
        csv_rows=rows_of(table),
    )
