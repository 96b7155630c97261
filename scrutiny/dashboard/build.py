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

from collections.abc import Iterable, Sequence
from datetime import date

from django.conf import settings

from commissioning import metrics as commissioning_figures
from commissioning.constants import SAFE_ACCOMMODATION_TYPES
from commissioning.models import CommissionedService
from partnership.calendar import FinancialQuarter, FinancialYear
from partnership.disclosure import (
    MIN_GROUP,
    NOT_APPLICABLE,
    Disclosed,
    DisclosedSeries,
)
from partnership.templatetags.money import format_pence
from referrals import metrics as referral_figures
from referrals.constants import ClosureReason, Outcome, ReferralSource, RiskLevel, Subject
from referrals.metrics import Caseload

from .. import spc
from ..charts import Series, Table, bar_chart, line_chart, xmr_chart
from ..constants import Rag
from ..release import PART, View
from .figures import Figures, released_share
from .headlines import headlines
from .model import Dashboard, Panel
from .periods import TREND_QUARTERS
from .tables import against_target, number, percent, rows_of
from .wording import ALL_SERVICES, EQUALITY_NAMES, WAITING_LIST


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
    return _Builder(quarter=quarter, service=service, exact=exact, today=today).build(panels)


def _panel_makers() -> dict:
    """Each panel's slug and the builder method that makes it, in page order."""
    b = _Builder
    return {
        "referrals-by-quarter": b._trend_panel,
        "districts": b._district_panel,
        "services": b._service_panel,
        "sources": b._source_panel,
        "subjects": b._subject_panel,
        "response": b._response_panel,
        "waiting": b._waiting_panel,
        "repeats": b._repeats_panel,
        "outcomes": b._outcomes_panel,
        "caseload": b._caseload_panel,
        "safe-accommodation": b._safe_accommodation_panel,
        "equality": b._equality_panel,
        "funding": b._funding_panel,
        "grants": b._grants_panel,
        "actions": b._actions_panel,
        "variation-districts": b._xmr_district_panel,
        "variation-services": b._xmr_service_panel,
    }


def _position(figure: Disclosed, caseload: Caseload) -> str | None:
    """Where the per-FTE figure as shown falls against the benchmark band."""
    if figure.value is None:
        return None
    if figure.value < caseload.band_low:
        return "below"
    if figure.value > caseload.band_high:
        return "above"
    return "within"


class _Builder(Figures):
    def build(self, panels: Iterable[str] | None = None) -> Dashboard:
        """Every panel, or only those named in `panels` (and then no headlines)."""
        wanted = PANELS.keys() if panels is None else set(panels)
        return Dashboard(
            quarter=self.quarter,
            service=self.service,
            exact=self.exact,
            data_as_at=self.data_as_at,
            threshold=settings.DISCLOSURE_THRESHOLD,
            panels=[make(self) for slug, make in PANELS.items() if slug in wanted],
            headlines=headlines(self) if panels is None else None,
        )

    # Referral volumes --------------------------------------------------------------------------

    def _trend_panel(self) -> Panel:
        q, last_year = self.quarter, self.last_year
        chart = line_chart(
            id="referrals-by-quarter",
            title="Referrals by quarter",
            description=(
                f"Referrals received in each of the {TREND_QUARTERS} quarters to {q}, with "
                f"{q} and the same quarter last year, {last_year}, marked."
            ),
            x_labels=[quarter.label for quarter in self.trend_quarters],
            series=[Series("Referrals", [self.received(x) for x in self.trend_quarters])],
            y_label="Referrals",
            highlights={last_year.label: "Same quarter last year", q.label: "This quarter"},
        )
        return Panel(
            slug="referrals-by-quarter",
            title="Referrals by quarter",
            intro=(
                f"How many referrals were received in each of the last {TREND_QUARTERS} "
                "quarters, with the same quarter last year marked."
            ),
            charts=[chart],
            csv_header=list(chart.table.headers),
            csv_rows=rows_of(chart.table),
        )

    def _district_panel(self) -> Panel:
        cells = self.view.of_table(self.volumes(self.quarter).districts)
        rows, rates, names = [], [], []
        for area_id, name, population in self.areas:
            cell = cells.items[area_id]
            rate = self.disclosure.rate(cell, population, per=10_000)
            rows.append([name, cell.display, rate.display])
            if area_id is not None:
                names.append(name)
                rates.append(rate)
        assert cells.total is not None
        rows.append(["All districts and out of area", cells.total.display, NOT_APPLICABLE])
        table = Table(
            caption=f"Referrals by district, {self.quarter}",
            headers=["District", "Referrals", "Referrals per 10,000 population"],
            rows=rows,
            numeric_columns=frozenset({1, 2}),
        )
        charts = []
        if names:
            charts.append(
                bar_chart(
                    id="referrals-per-10000-by-district",
                    title="Referrals per 10,000 population, by district",
                    description=(
                        f"Referrals received in {self.quarter} from residents of each district, "
                        "per 10,000 people living there."
                    ),
                    categories=names,
                    values=rates,
                    value_label="Referrals per 10,000 population",
                    category_label="District",
                )
            )
        return Panel(
            slug="districts",
            title="Referrals by district",
            intro=(
                "Referrals by the district the person lives in, as a count and as a rate per "
                "10,000 population, so that districts of different sizes can be compared."
            ),
            charts=charts,
            tables=[table],
            notes=[
                "Out-of-area referrals have no rate: there is no population to divide by.",
                *([] if self.exact else ["Rates are worked out from the rounded counts shown."]),
            ],
            csv_header=list(table.headers),
            csv_rows=rows_of(table),
        )

    def _series_panel(
        self,
        *,
        slug: str,
        title: str,
        intro: str,
        label: str,
        cells: DisclosedSeries,
        names: dict,
    ) -> Panel:
        """A panel of one breakdown of the quarter's referrals: a bar chart and its table."""
        keys = list(cells.items)
        assert cells.total is not None
        header = [label, "Referrals"]
        charts = []
        if keys:
            charts.append(
                bar_chart(
                    id=slug,
                    title=title,
                    description=f"Referrals received in {self.quarter}, by {label.lower()}.",
                    categories=[names[k] for k in keys],
                    values=[cells.items[k] for k in keys],
                    value_label="Referrals",
                    category_label=label,
                )
            )
        rows = [[names[k], cells.items[k].display] for k in keys]
        return Panel(
            slug=slug,
            title=title,
            intro=intro,
            charts=charts,
            notes=[] if keys else [f"There is nothing to show by {label.lower()} yet."],
            csv_header=header,
            csv_rows=rows + [["All referrals", cells.total.display]],
        )

    def _service_panel(self) -> Panel:
        received = self.volumes(self.quarter).received
        if self.service is not None:
            own = received.items[self.service.pk]
            received = DisclosedSeries(items={self.service.pk: own}, total=own)
        return self._series_panel(
            slug="services",
            title="Referrals by service",
            intro="Referrals received by each commissioned service.",
            label="Service",
            cells=received,
            names={s.pk: s.name for s in self.shown_services},
        )

    def _source_panel(self) -> Panel:
        return self._series_panel(
            slug="sources",
            title="Referrals by source",
            intro="Who made the referrals: the police, the person themselves, other agencies.",
            label="Referral source",
            cells=self.view.of_table(self.release.sources),
            names=dict(ReferralSource.choices),
        )

    def _subject_panel(self) -> Panel:
        return self._series_panel(
            slug="subjects",
            title="Referrals by subject",
            intro=(
                "Whom the referrals were about: victim-survivors, perpetrators, and children "
                "and young people."
            ),
            label="Subject",
            cells=self.view.of_table(self.release.subjects),
            names=dict(Subject.choices),
        )

    # Response, waiting, repeats, outcomes ------------------------------------------------------

    def _response_row(self, name: str, view: View, targets: tuple) -> list[str]:
        contact_target, oversight_target = targets
        contact, oversight = (
            released_share(self.disclosure, view.of_table(table), band=True)
            for table in (self.release.first_contact, self.release.oversight)
        )
        return [
            name,
            contact.display,
            percent(contact_target),
            against_target(contact, contact_target),
            oversight.display,
            percent(oversight_target),
            against_target(oversight, oversight_target),
        ]

    def _response_panel(self) -> Panel:
        rows = [
            self._response_row(
                s.name, View(s.pk), (s.first_contact_target_percent, s.oversight_target_percent)
            )
            for s in self.shown_services
        ]
        if self.service is None:
            rows.append(self._response_row(ALL_SERVICES, self.view, self.targets))
        table = Table(
            caption=f"Response against each service's targets, {self.quarter}",
            headers=[
                "Service",
                "First contact within one working day",
                "Target",
                "Compared with the target",
                "Managerial oversight within 24 hours",
                "Target",
                "Compared with the target",
            ],
            rows=rows,
            numeric_columns=frozenset({1, 2, 4, 5}),
        )
        notes = [
            "A referral counts once its deadline has passed or it has been contacted (or "
            "overseen); one never contacted counts as not contacted in time.",
            "One working day means by the end of the next working day after receipt, "
            "leaving out weekends and bank holidays.",
        ]
        if not self.exact:
            notes.append(
                "Percentages are worked out from the rounded counts, and compared with the target "
                "as shown. Where from 1 to "
                f"{settings.DISCLOSURE_THRESHOLD} referrals missed the target, the percentage "
                "is shown as a band (for example “over 94%”) that any such number fits, so that "
                "the number cannot be worked out."
            )
        return Panel(
            slug="response",
            title="Response times against targets",
            intro=(
                "The share of referrals contacted within one working day, and the share with "
                "managerial oversight within 24 hours of receipt, against each service's target."
            ),
            tables=[table],
            notes=notes,
            csv_header=list(table.headers),
            csv_rows=rows_of(table),
        )

    def _waiting_panel(self) -> Panel:
        times = {row.risk_level: row for row in self.groups.waiting_times}
        cells = self.view.of_table(self.release.started)
        assert cells.total is not None
        groups = [(label, cells.items[level], times[level]) for level, label in RiskLevel.choices]
        groups.append(("All risk levels", cells.total, times["all"]))
        rows = [
            [
                label,
                cell.display,
                self.disclosure.statistic(waits.median_days, cell).display,
                self.disclosure.statistic(waits.p90_days, cell).display,
            ]
            for label, cell, waits in groups
        ]
        table = Table(
            caption=f"Waiting times from referral to the start of support, {self.quarter}",
            headers=[
                "Risk level",
                "Started support in the quarter",
                "Median wait (days)",
                "90th percentile wait (days)",
            ],
            rows=rows,
            numeric_columns=frozenset({1, 2, 3}),
        )
        waiting = self.view.of_series(self.release.waiting_list)
        list_table = Table(
            caption=f"Waiting list at the end of {self.quarter}",
            headers=["Measure", "On the waiting list at quarter end"],
            rows=[["Referrals on a waiting list", waiting.display]],
            numeric_columns=frozenset({1}),
        )
        return Panel(
            slug="waiting",
            title="Waiting list and waiting times",
            intro=(
                "How many people were waiting for support at the end of the quarter, and how "
                "long those who started support in the quarter had waited, by risk level."
            ),
            tables=[list_table, table],
            notes=[
                "The median is the middle wait; the 90th percentile is the wait that 9 in 10 "
                "people did not exceed.",
                f"Waits are shown only for a group of at least {MIN_GROUP} as shown: in a smaller "
                "group they are one or two people's own waits.",
            ],
            # Both tables, so that the download holds everything the panel shows.
            csv_header=["Measure", "Risk level", "Referrals", *table.headers[2:]],
            csv_rows=[["Started support in the quarter", *row] for row in table.rows]
            + [[WAITING_LIST, "All risk levels", waiting.display, NOT_APPLICABLE, NOT_APPLICABLE]],
        )

    def _repeats_panel(self) -> Panel:
        repeats = self.view.of_table(self.release.repeats)
        addresses = self.disclosure.count(self.groups.repeat_addresses)
        households = self.disclosure.count(self.groups.households)
        assert repeats.total is not None
        rows = [
            [
                "Repeat referrals",
                repeats.items[PART].display,
                repeats.total.display,
                self.repeat_rate.display,
            ],
            [
                "Repeat addresses (households)",
                addresses.display,
                households.display,
                self.disclosure.share(addresses, households).display,
            ],
        ]
        table = Table(
            caption=f"Repeat referrals and repeat addresses, {self.quarter}",
            headers=["Measure", "Number", "Out of", "Percentage"],
            rows=rows,
            numeric_columns=frozenset({1, 2, 3}),
        )
        months = settings.REPEAT_WINDOW_MONTHS
        return Panel(
            slug="repeats",
            title="Repeat referrals and repeat addresses",
            intro=(
                f"Referrals of someone referred before within {months} months, and households "
                "referred again, as numbers and shares."
            ),
            tables=[table],
            notes=[
                f"A repeat referral is of a person referred to any service in the {months} "
                "months before. A repeat address is a household among the quarter's referrals "
                f"with an earlier referral within {months} months."
            ],
            csv_header=list(table.headers),
            csv_rows=rows_of(table),
        )

    def _outcomes_panel(self) -> Panel:
        r = self.release
        reasons = self.view.of_table(r.closures)
        rows = [
            ["Reason for closing", label, reasons.items[value].display]
            for value, label in ClosureReason.choices
        ]
        assert reasons.total is not None
        rows.append(["Reason for closing", "All closed in the quarter", reasons.total.display])
        rows += [
            ["Outcome met at closure", label, self.view.of_series(r.outcomes[value]).display]
            for value, label in Outcome.choices
        ]
        rows.append(
            [
                "Signposted",
                "Signposted to another service in the quarter",
                self.view.of_series(r.signposted).display,
            ]
        )
        table = Table(
            caption=f"Outcomes of referrals closed in {self.quarter}, and signposting",
            headers=["Group", "Outcome", "Referrals"],
            rows=rows,
            numeric_columns=frozenset({2}),
        )
        return Panel(
            slug="outcomes",
            title="Outcomes at closure and signposting",
            intro=(
                "Why referrals were closed in the quarter, the outcome measures they met, and "
                "how many were signposted to another service."
            ),
            tables=[table],
            notes=[
                "A closed referral can meet several outcome measures, so the outcomes do not "
                "add up to the number closed."
            ],
            csv_header=list(table.headers),
            csv_rows=rows_of(table),
        )

    def _caseload_panel(self) -> Panel:
        caseloads = referral_figures.caseloads(self.quarter, service_ids=self.service_ids)
        rows, figures = [], []
        for c in caseloads:
            cell = self.disclosure.count(c.open_cases)
            figure = self.disclosure.rate(cell, c.fte, per=1)
            figures.append(figure)
            position = _position(figure, c)
            rows.append(
                [
                    c.service,
                    cell.display,
                    number(c.fte),
                    figure.display,
                    f"{number(c.band_low)} to {number(c.band_high)}",
                    f"{position.capitalize()} the range" if position else figure.display,
                ]
            )
        table = Table(
            caption=f"Open cases per caseworker, end of {self.quarter}",
            headers=[
                "Service",
                "Open cases at quarter end",
                "Caseworker FTE",
                "Open cases per FTE",
                "Benchmark range",
                "Compared with the range",
            ],
            rows=rows,
            numeric_columns=frozenset({1, 2, 3}),
        )
        charts = []
        bands = {(c.band_low, c.band_high) for c in caseloads}
        if caseloads:
            band = next(iter(bands)) if len(bands) == 1 else None
            charts.append(
                bar_chart(
                    id="caseload-per-fte",
                    title="Open cases per caseworker FTE, by service",
                    description=(
                        f"Open cases at the end of {self.quarter} for each full-time-equivalent "
                        "caseworker, by service"
                        + (", against the benchmark range." if band else ".")
                    ),
                    categories=[c.service for c in caseloads],
                    values=figures,
                    value_label="Open cases per FTE",
                    category_label="Service",
                    band=(float(band[0]), float(band[1])) if band else None,
                )
            )
        notes = [
            "Open cases are referrals received and not yet closed, declined or signposted "
            "elsewhere, including those on a waiting list.",
        ]
        if not caseloads:
            notes.append(f"No service has a caseworker FTE figure for {self.quarter}.")
        return Panel(
            slug="caseload",
            title="Caseload per caseworker",
            intro=(
                "Open cases per full-time-equivalent caseworker at the end of the quarter, "
                "against each service's benchmark range."
            ),
            charts=charts,
            tables=[table] if caseloads else [],
            notes=notes,
            csv_header=list(table.headers),
            csv_rows=rows_of(table),
        )

    # Safe accommodation and equality -----------------------------------------------------------

    def _safe_accommodation_panel(self) -> Panel:
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

    def _equality_panel(self) -> Panel:
        whole = self.received(self.quarter)
        rows = []
        for key, name in EQUALITY_NAMES.items():
            cells = self.view.of_table(self.release.equality[key])
            for value, label in referral_figures.EQUALITY_FIELDS[key].choices:
                cell = cells.items[value]
                share = self.disclosure.share(cell, whole)
                rows.append([name, str(label), cell.display, share.display])
        table = Table(
            caption=f"Equality profile of referrals received in {self.quarter}",
            headers=["Characteristic", "Group", "Referrals", "Percentage"],
            rows=rows,
            numeric_columns=frozenset({2, 3}),
        )
        return Panel(
            slug="equality",
            title="Equality profile",
            intro=(
                "Who was referred in the quarter, by gender, age band, ethnic group, disability, "
                "sexual orientation and no recourse to public funds."
            ),
            tables=[table],
            notes=[
                "Ethnic groups are the 19 groups of the 2021 Census. Percentages are of all "
                "referrals in the quarter"
                + ("." if self.exact else ", worked out from the rounded counts shown.")
            ],
            csv_header=list(table.headers),
            csv_rows=rows_of(table),
        )

    # Money and actions -------------------------------------------------------------------------

    def _contract_ids(self) -> list[int] | None:
        if self.service is None:
            return None
        return list(self.service.contracts.values_list("pk", flat=True))

    def _funding_panel(self) -> Panel:
        year = FinancialYear(self.quarter.start_year)
        contracts = commissioning_figures.funding_overview(year, contract_ids=self._contract_ids())
        rows = []
        for contract in contracts:
            for recon in contract.years:
                name = f"{contract.reference} {contract.title}"
                value = format_pence(recon.annual_value_pence)
                shares = recon.shares or [None]
                for share in shares:
                    rows.append(
                        [
                            name,
                            value,
                            share.funder if share else NOT_APPLICABLE,
                            format_pence(share.amount_pence) if share else NOT_APPLICABLE,
                            percent(share.share_of_value_percent) if share else NOT_APPLICABLE,
                            percent(share.stated_percent) if share else NOT_APPLICABLE,
                            recon.status,
                        ]
                    )
        table = Table(
            caption=f"Funding split of each contract, {year}",
            headers=[
                "Contract",
                "Annual value",
                "Funder",
                "Contribution",
                "Share of the value",
                "Stated share",
                "Reconciliation",
            ],
            rows=rows,
            numeric_columns=frozenset({1, 3, 4, 5}),
        )
        problems = [
            f"{contract.reference}: {problem}"
            for contract in contracts
            for recon in contract.years
            for problem in recon.problems
        ]
        return Panel(
            slug="funding",
            title="Contract funding splits",
            intro=(
                f"Who pays for each contract in {year}, and whether the contributions add up to "
                "the contract's value."
            ),
            tables=[table] if rows else [],
            notes=problems or [f"Every contract's contributions for {year} add up."]
            if rows
            else [f"No contract has a value recorded for {year}."],
            csv_header=list(table.headers),
            csv_rows=rows_of(table),
        )

    def _grants_panel(self) -> Panel:
        year = FinancialYear(self.quarter.start_year)
        grants = commissioning_figures.grant_allocations(year)
        rows = []
        for grant in grants:
            lines = grant.lines or [None]
            for line in lines:
                rows.append(
                    [
                        grant.name,
                        format_pence(grant.total_pence),
                        line.recipient if line else NOT_APPLICABLE,
                        format_pence(line.amount_pence) if line else NOT_APPLICABLE,
                        percent(line.share_percent) if line else NOT_APPLICABLE,
                        grant.status,
                    ]
                )
        table = Table(
            caption=f"Grant allocations, {year}",
            headers=["Grant", "Total", "Recipient", "Allocation", "Share of the grant", "Status"],
            rows=rows,
            numeric_columns=frozenset({1, 3, 4}),
        )
        problems = [f"{grant.name}: {p}" for grant in grants for p in grant.problems]
        return Panel(
            slug="grants",
            title="Grant allocations",
            intro=f"How each grant for {year} is shared between recipients.",
            tables=[table] if rows else [],
            notes=problems
            or (
                ["Every grant's allocations add up to its total."]
                if rows
                else [f"No grant is recorded for {year}."]
            ),
            csv_header=list(table.headers),
            csv_rows=rows_of(table),
        )

    def _actions_panel(self) -> Panel:
        counts = self.actions
        rag_table = Table(
            caption=f"Committee actions by RAG status on {self.today:%-d %B %Y}",
            headers=["RAG status", "Actions"],
            rows=[[rag.label, f"{n:,}"] for rag, n in counts.rows]
            + [["All actions", f"{counts.total:,}"]],
            numeric_columns=frozenset({1}),
        )
        overdue_table = Table(
            caption="Overdue actions",
            headers=["Reference", "Action", "Owner", "Due"],
            rows=[
                [
                    action.reference,
                    action.description,
                    str(action.owner_organisation or NOT_APPLICABLE),
                    f"{action.due_date:%-d %B %Y}",
                ]
                for action in counts.overdue
            ],
        )
        rows = [["RAG status", label, n] for label, n in rag_table.rows] + [
            ["Overdue", f"{a} {b}", d] for a, b, _c, d in overdue_table.rows
        ]
        return Panel(
            slug="actions",
            title="Committee actions",
            intro=(
                "Actions raised by committee resolutions, by RAG status, and those now overdue."
            ),
            tables=[rag_table] + ([overdue_table] if counts.overdue else []),
            notes=[
                "Actions raised on exempt (confidential) agenda items are not included.",
                f"Red means overdue; {Rag.AMBER.label.lower()} means due within 14 days.",
            ]
            + ([] if counts.overdue else ["No action is overdue."]),
            csv_header=["Table", "Item", "Figure"],
            csv_rows=rows,
        )

    # Normal variation or real change -----------------------------------------------------------

    def _xmr_panel(
        self,
        *,
        slug: str,
        title: str,
        intro: str,
        label: str,
        members: Sequence[tuple[object, str, str, str]],
        cells: dict[FinancialQuarter, DisclosedSeries],
    ) -> Panel:
        """One XmR chart per member (key, chart id, name, phrase), over every quarter."""
        labels = [q.label for q in self.xmr_quarters]
        charts, readings, csv_rows = [], [], []
        for key, chart_id, name, phrase in members:
            result = spc.xmr([cells[q].items[key] for q in self.xmr_quarters], labels)
            chart = xmr_chart(
                result,
                id=chart_id,
                title=f"{name}: referrals by quarter, with process limits",
                name_phrase=phrase,
            )
            charts.append(chart)
            readings.append([name, chart.reading])
            csv_rows += [[name, *row] for row in chart.table.rows]
        table = Table(
            caption=f"Reading of each chart, {self.quarter}",
            headers=[label, "Reading"],
            rows=readings,
        )
        return Panel(
            slug=slug,
            title=title,
            intro=intro,
            charts=charts,
            tables=[table] if readings else [],
            notes=[
                "Each chart is a statistical process control (XmR) chart, as in NHS England's "
                "'Making Data Count'. Points outside the process limits, runs of 7 quarters "
                "above or below the mean and trends of 7 rising or falling quarters are "
                "special-cause variation: a real change rather than normal fluctuation.",
                *(
                    []
                    if self.exact
                    else [
                        "The charts use the rounded figures shown; a quarter too small to show "
                        "is a gap and is left out of the mean and the limits."
                    ]
                ),
            ],
            csv_header=[label, "Quarter", "Referrals", "Moving range", "Special cause"],
            csv_rows=csv_rows,
        )

    def _xmr_district_panel(self) -> Panel:
        members = [
            (pk, f"xmr-district-{pk}", name, f"Referrals from {name}")
            for pk, name, _population in self.areas
            if pk is not None
        ]
        return self._xmr_panel(
            slug="variation-districts",
            title="Normal variation or real change: districts",
            intro=(
                "Whether each district's quarterly referrals moved beyond their normal "
                "variation, over every quarter with data."
            ),
            label="District",
            members=members,
            cells={q: self.view.of_table(self.volumes(q).districts) for q in self.xmr_quarters},
        )

    def _xmr_service_panel(self) -> Panel:
        members = [
            (s.pk, f"xmr-service-{s.pk}", s.name, f"Referrals to {s.name}")
            for s in self.shown_services
        ]
        return self._xmr_panel(
            slug="variation-services",
            title="Normal variation or real change: services",
            intro=(
                "Whether each service's quarterly referrals moved beyond their normal "
                "variation, over every quarter with data."
            ),
            label="Service",
            members=members,
            cells={q: self.volumes(q).received for q in self.xmr_quarters},
        )


PANELS = _panel_makers()
