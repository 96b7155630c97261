"""Panels for the partnership's statutory duties: safe accommodation under Part 4 of the Domestic
Abuse Act 2021. Panels of the other statutory figures (Marac, children) belong here too."""

from __future__ import annotations

from commissioning import metrics as commissioning_figures
from commissioning.constants import SAFE_ACCOMMODATION_TYPES
from commissioning.models import CommissionedService
from partnership.disclosure import NOT_APPLICABLE

from ..charts import Table
from . import wording
from .figures import Figures
from .model import Panel
from .tables import table_panel


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
            wording.SAFE_ACCOMMODATION_TOTAL,
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
    return table_panel(
        slug="safe-accommodation",
        words=wording.SAFE_ACCOMMODATION,
        table=table,
        notes=wording.SAFE_ACCOMMODATION_NOTES,
    )
