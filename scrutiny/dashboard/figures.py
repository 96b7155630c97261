"""The figures every panel reads, read once for a dashboard and released for its viewer.

One value per cell: the counts are released by `scrutiny.release`, for every service at once
and for every quarter shown, and each view picks its cells from those tables (a service's row,
or the all-services column totals). The trend line, the bar charts and tables of the chosen
quarter, the headlines and the XmR charts all read the same cells, so a figure hidden in one
place is hidden everywhere, and no figure can be worked out by setting one panel, one service or
one quarter against another.

Figures are read and released when a panel first needs them, so that one panel's CSV is quick;
each is the same whichever panel asks first.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.calendar import FinancialQuarter
from partnership.disclosure import Disclosed, DisclosedSeries, Disclosure
from partnership.models import Area
from referrals import children as children_counts
from referrals import marac as marac_counts
from referrals import metrics as referral_figures
from referrals.constants import Subject
from referrals.marac import MaracFigures

from .. import metrics as action_figures
from ..definition_notes import DefinitionNotes, definition_notes
from ..models import Action
from ..release import PART, QuarterRelease, View, Volumes, release_quarter, release_volumes
from ..statutory_release import (
    ChildrenRelease,
    MaracRelease,
    release_children,
    release_marac_figures,
)
from .periods import TREND_QUARTERS, xmr_quarters
from .wording import OUT_OF_AREA


class Figures:
    """What the panels of one dashboard (quarter, service or all, exact or not) are made from.

    `view` picks this dashboard's cells from the released tables; `disclosure` releases the
    figures worked out from them. `services` are every view's rows, whatever this one shows;
    `shown_services` those this one shows. `areas` are (pk, name, population), out of area last.
    """

    def __init__(
        self,
        *,
        quarter: FinancialQuarter,
        service: CommissionedService | None,
        exact: bool,
        today: date | None,
    ):
        self.quarter = quarter
        self.service = service
        self.exact = exact
        self.disclosure = Disclosure(exact=exact)
        self.view = View(service.pk if service else None)
        self.today = today or timezone.localdate()
        self.as_of = (
            timezone.now()
            if today is None
            else timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
        )
        self.service_ids = [service.pk] if service else None
        self.data_as_at = timezone.now()
        self._read_volumes()

    def _read_volumes(self) -> None:
        q = self.quarter
        self.xmr_quarters = xmr_quarters(q)
        self.trend_quarters = q.quarters_back(TREND_QUARTERS)
        every = sorted(set(self.xmr_quarters) | set(self.trend_quarters))
        self.by_quarter = referral_figures.referrals_by_quarter(
            every, group_by=referral_figures.SERVICE_AREA
        )
        self.services = self._services(self.by_quarter)
        self.shown_services = [self.service] if self.service else self.services
        self.areas: list[tuple[int | None, str, int | None]] = [
            (a.pk, a.name, a.population) for a in Area.objects.all()
        ]
        self.areas.append((None, OUT_OF_AREA, None))
        self._volumes: dict[FinancialQuarter, Volumes] = {}

    def _services(self, by_quarter: dict) -> list[CommissionedService]:
        seen = {pk for counts in by_quarter.values() for pk, _area in counts}
        return list(
            CommissionedService.objects.filter(pk__in=seen)
            | CommissionedService.objects.filter(is_active=True)
        )

    def volumes(self, quarter: FinancialQuarter) -> Volumes:
        if quarter not in self._volumes:
            self._volumes[quarter] = release_volumes(
                self.by_quarter[quarter],
                service_ids=[s.pk for s in self.services],
                area_ids=[pk for pk, _name, _population in self.areas],
                disclosure=self.disclosure,
            )
        return self._volumes[quarter]

    @cached_property
    def release(self) -> QuarterRelease:
        counts = referral_figures.counts_by_service(
            self.quarter, [s.pk for s in self.services], as_of=self.as_of
        )
        return release_quarter(counts, self.volumes(self.quarter), self.disclosure)

    @cached_property
    def definitions(self) -> DefinitionNotes:
        """The definitions the shown services' figures were counted by (the data notes)."""
        return definition_notes(self.quarter, self.shown_services)

    @cached_property
    def groups(self) -> referral_figures.GroupFigures:
        return referral_figures.stored_group_figures(self.quarter, service_ids=self.service_ids)

    @cached_property
    def marac(self) -> tuple[MaracFigures, list[MaracRelease]]:
        """The partnership's Marac figures and their release: the quarter, the 12 months."""
        figures = marac_counts.marac_figures(self.quarter, kept=True)
        return figures, release_marac_figures(figures, self.disclosure)

    @cached_property
    def children(self) -> ChildrenRelease:
        """This view's children counts; child referrals are the subjects table's cell."""
        child_referrals = self.view.of_table(self.release.subjects).items[Subject.CHILD]
        figures = children_counts.stored_children_figures(
            self.quarter, service_ids=self.service_ids
        )
        return release_children(figures, child_referrals, self.disclosure)

    @cached_property
    def actions(self) -> action_figures.ActionsByRag:
        return action_figures.actions_by_rag(
            today=self.today, actions=Action.objects.filter(resolution__agenda_item__exempt=False)
        )

    def received(self, quarter: FinancialQuarter) -> Disclosed:
        """The quarter's referrals in this view, as released."""
        return self.view.of_series(self.volumes(quarter).received)

    def share(self, table, *, band: bool) -> Disclosed:
        """This view's percentage from a table of parts and complements (scrutiny.release)."""
        return released_share(self.disclosure, self.view.of_table(table), band=band)

    @property
    def targets(self) -> tuple[Decimal | None, Decimal | None]:
        """The services' first-contact and oversight targets (None where they differ)."""
        return (
            _common([s.first_contact_target_percent for s in self.shown_services]),
            _common([s.oversight_target_percent for s in self.shown_services]),
        )

    @property
    def repeat_rate(self) -> Disclosed:
        return self.share(self.release.repeats, band=False)

    @property
    def last_year(self) -> FinancialQuarter:
        return self.quarter.same_quarter_last_year()


def released_share(disclosure: Disclosure, whole: DisclosedSeries, *, band: bool) -> Disclosed:
    """The part's percentage of a released series of part and complement (scrutiny.release)."""
    if whole.total is None:
        raise ValueError("A share needs the series' released total.")
    return disclosure.share(whole.items[PART], whole.total, band=band)


def _common(values: list[Decimal]) -> Decimal | None:
    return values[0] if values and all(v == values[0] for v in values) else None
