"""Build the committee dashboard for one quarter: every panel, already through disclosure control.

    build_dashboard(*, quarter: FinancialQuarter, service_id: int | None = None,
                    exact: bool = False, today: date | None = None,
                    panels: Iterable[str] | None = None) -> Dashboard

The web page (scrutiny.views_dashboard), its CSV downloads and the quarterly PDF report
(scrutiny.reports) all render the `Dashboard` (scrutiny.dashboard.model) built here, so a
councillor sees the same figure on screen, in a download and in the printed paper. Nothing is
counted here: every number comes from an app's `metrics.py` and passes through
`partnership.disclosure` on its way in (scrutiny.dashboard.figures).

`exact=False` (committee members and clerks): every figure is released under the rule of
`partnership.disclosure`: counts from 1 to the threshold suppressed, others rounded to 5, with
secondary suppression, and every percentage, rate, change and total worked out from the released
cells only. `exact=True` only when the caller has checked
`partnership.permissions.may_see_unsuppressed`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings

from commissioning.models import CommissionedService
from partnership.calendar import FinancialQuarter
from referrals.models import ReferralSummary

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
        definitions=f.definitions,
    )


def count_stored_figures(quarter: FinancialQuarter) -> int:
    """Build the quarter's dashboard for all services and for each service with referrals or
    still running, so that the figures kept in referrals.stored_figures are counted before a
    committee member asks (nightly, after the store is emptied). Returns how many were built."""
    with_referrals = ReferralSummary.objects.order_by().values("service_id").distinct()
    services = CommissionedService.objects.filter(pk__in=with_referrals) | (
        CommissionedService.objects.filter(is_active=True)
    )
    service_ids = [None, *sorted(services.values_list("pk", flat=True))]
    for service_id in service_ids:
        build_dashboard(quarter=quarter, service_id=service_id)
    return len(service_ids)
