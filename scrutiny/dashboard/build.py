"""The committee dashboard for one quarter: every panel, already through disclosure control.

The web page (scrutiny.views_dashboard), its CSV downloads and the quarterly PDF report
(scrutiny.reports) all render the `Dashboard` this module builds, so a councillor sees the same
figure on screen, in a download and in the printed paper. Nothing is counted here: every number
comes from an app's `metrics.py` and passes through `partnership.disclosure` on its way in.

Interface (kept stable for the PDF report):

    build_dashboard(*, quarter: FinancialQuarter, service_id: int | None = None,
                    exact: bool = False, today: date | None = None,
                    panels: Iterable[str] | None = None) -> Dashboard

- `Dashboard`: `quarter`, `service` (the CommissionedService filtered on, or None), `exact`,
  `data_as_at` (when the figures were read), `threshold` (the disclosure threshold), `panels`
  (a list of `Panel`, in page order) and `headlines` (`Headlines`, for the executive summary;
  None when only some `panels` were asked for).
- `Panel`: `slug` (stable: used in `?panel=` and CSV file names), `title`, `intro` (one sentence),
  `charts` (scrutiny.charts.Chart, each with its data table), `tables` (scrutiny.charts.Table),
  `notes` (sentences), `csv_header` and `csv_rows` (the same displayed values as on screen).
- `Headlines`: `Disclosed` figures (suppression already applied) and two targets.

`exact=False` (committee members and clerks): every figure is released under the rule of
`partnership.disclosure`: counts from 1 to the threshold suppressed, others rounded to 5, with
secondary suppression, and every percentage, rate, change and total worked out from the released
cells only. `exact=True` only when the caller has checked
`partnership.permissions.may_see_unsuppressed`.

One value per cell: the counts are released by `scrutiny.release`, for every service at once
and for every quarter shown, and each view picks its cells from those tables (a service's row,
or the all-services column totals). The trend line, the bar charts and tables of the chosen
quarter, the headlines and the XmR charts all read the same cells, so a figure hidden in one
place is hidden everywhere, and no figure can be worked out by setting one panel, one service or
one quarter against another.

Normal variation or real change: the XmR charts (scrutiny.spc) are computed on the figures the
viewer may see. With suppression on, that is the rounded counts, and a suppressed quarter is a
gap (left out of the mean and the limits, and it breaks runs and trends); a mean of exact counts
would let a reader work out a suppressed quarter from the shown ones. Rounding to 5 changes the
limits very little at the volumes of a district or a service.

`COUNT_HEADERS` names every column that holds a count of people; the suppression test reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings

from commissioning.models import CommissionedService
from partnership.calendar import FinancialQuarter

from .figures import Figures
from .headlines import headlines
from .model import Dashboard
from .panels import PANELS


def build_dashboard(
    *,
    quarter: FinancialQuarter,
    service_id: int | None = None,
    exact: bool = False,
    today: date | None = None,
    panels: Iterable[str] | None = None,
) -> Dashboard:
    """Every panel for `quarter`, optionally for one service, disclosed for the viewer.

    `today` (default: today) dates the action tracker's RAG; measures that depend on whether a
    deadline has passed are taken at the end of that day. `panels` (slugs, as in PANELS) builds
    only those panels and no headlines, e.g. for one panel's CSV: each panel is the same as in
    the whole dashboard. Raises CommissionedService.DoesNotExist for an unknown `service_id`.
    """
    service = CommissionedService.objects.get(pk=service_id) if service_id is not None else None
    f = Figures(quarter=quarter, service=service, exact=exact, today=today)
    wanted = PANELS.keys() if panels is None else set(panels)
    return Dashboard(
        quarter=quarter,
        service=service,
        exact=exact,
        data_as_at=f.data_as_at,
        threshold=settings.DISCLOSURE_THRESHOLD,
        panels=[make(f) for slug, make in PANELS.items() if slug in wanted],
        headlines=headlines(f) if panels is None else None,
    )
