"""Every panel of the committee dashboard, over several quarters and views, is the committed one.

Written for the split of scrutiny/dashboard.py into the package scrutiny/dashboard/ (issue 11),
which must change no output; it stays, so that any later change to a panel's figures, words,
table layout or charts shows as a diff a reviewer can read (tests/golden.py says how to write
the files again after a change that is meant, with UPDATE_GOLDEN=1).

One demo data set (small enough that many counts fall under the disclosure threshold) is made
once for the module, in a transaction rolled back at the end. For each chosen quarter, for all
services and for each service alone, with suppression on and off, the golden text holds the
headlines, and for each panel its `repr` (each chart's SVG stood in for by its length and
SHA-256, so that the text stays readable) and the CSV as the download writes it. The SVGs of
two of those dashboards are committed whole, so that a reviewer can open them in a browser; the
digests hold every other SVG to the byte.
"""

import dataclasses
import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, transaction

from commissioning.models import CommissionedService
from partnership.calendar import FinancialQuarter
from partnership.demo import seed_demo
from scrutiny.dashboard.build import build_dashboard
from scrutiny.dashboard.panels import PANELS
from scrutiny.dashboard.periods import quarters_with_referrals
from tests.golden import assert_matches_golden
from tests.scrutiny.test_charts_golden import one_element_a_line

# SQLite only: chart ids carry the district's primary key, and PostgreSQL's sequences are not reset
# between tests, so the same data gets other ids there. Figures on PostgreSQL are held equal to the
# rows' by tests/scrutiny/test_dashboard_summary.py, which runs in both layers.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_only]

TODAY = date(2025, 5, 20)
GOLDEN = Path(__file__).parent / "golden" / "dashboard"
# The newest complete quarter, one with three years before it, and the first with referrals (no
# same quarter last year, and too few quarters for process limits).
QUARTERS = [FinancialQuarter(2024, 4), FinancialQuarter(2022, 1), FinancialQuarter(2019, 1)]
# Dashboards whose SVGs are committed whole (quarter, service name or None, exact).
WHOLE_SVGS = {(FinancialQuarter(2024, 4), None, False), (FinancialQuarter(2024, 4), None, True)}


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker):
    """Every dashboard compared, by (quarter, service name or None, exact); and the newest
    quarter's panels for all services, suppressed, each built alone (as for its CSV)."""
    with django_db_blocker.unblock(), transaction.atomic():
        assert (
            "test" in connection.settings_dict["NAME"]
            or "memory" in connection.settings_dict["NAME"]
        ), "the demo data must go into the test database"
        seed_demo(referrals=400, seed=11, today=TODAY)
        shown = quarters_with_referrals(TODAY)
        assert [shown[0], shown[11], shown[-1]] == QUARTERS
        services = [None, *CommissionedService.objects.order_by("name")]
        made = {
            (quarter, service.name if service else None, exact): build_dashboard(
                quarter=quarter,
                service_id=service.pk if service else None,
                exact=exact,
                today=TODAY,
            )
            for quarter in QUARTERS
            for service in services
            for exact in (False, True)
        }
        alone = {
            slug: build_dashboard(quarter=QUARTERS[0], today=TODAY, panels=[slug]).panels
            for slug in PANELS
        }
        transaction.set_rollback(True)
    return made, alone


@pytest.fixture
def dashboards(made):
    return made[0]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _name(quarter: FinancialQuarter, service: str | None, exact: bool) -> str:
    view = _slug(service) if service else "all-services"
    return f"{_slug(quarter.label)}_{view}_{'exact' if exact else 'suppressed'}"


def _digest(svg: str) -> str:
    return f"<svg: {len(svg)} characters, sha256 {hashlib.sha256(svg.encode()).hexdigest()}>"


def _pretty(value, indent: int = 0) -> list[str]:
    """`repr`, but with a line for each field of a dataclass and for each row of a table (a list
    of lists or of dataclasses), so that a diff names the field or the row. Every field is
    there, as dataclasses.fields lists them; a dataclass without lists (a figure) takes one line.
    """
    pad = "  " * indent
    lines = [f"{pad}{type(value).__name__}"]
    for item in dataclasses.fields(value):
        field_value = getattr(value, item.name)
        if _is_table_like(field_value):
            lines.append(f"{pad}  {item.name}:")
            for element in field_value:
                lines += (
                    _pretty(element, indent + 2)
                    if _has_lists(element)
                    else [f"{pad}    {element!r}"]
                )
        elif _has_lists(field_value):
            lines += [f"{pad}  {item.name}:", *_pretty(field_value, indent + 2)[1:]]
        else:
            lines.append(f"{pad}  {item.name}={field_value!r}")
    return lines


def _has_lists(value) -> bool:
    if not dataclasses.is_dataclass(value):
        return False
    fields = [getattr(value, f.name) for f in dataclasses.fields(value)]
    return any(isinstance(f, list) or _has_lists(f) for f in fields)


def _is_table_like(value) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(e, list) or dataclasses.is_dataclass(e) for e in value)
    )


def dump(board) -> str:
    """The dashboard as text: everything it shows but the time its figures were read."""
    lines = [
        f"quarter={board.quarter} service={board.service} exact={board.exact} "
        f"threshold={board.threshold}",
        *_pretty(board.headlines),
    ]
    for panel in board.panels:
        charts = [dataclasses.replace(c, svg=_digest(str(c.svg))) for c in panel.charts]
        lines += ["", *_pretty(dataclasses.replace(panel, charts=charts))]
    return "\n".join(lines) + "\n"


def test_there_is_a_golden_file_for_each_view_and_no_other(dashboards):
    names = {_name(*key) + ".txt" for key in dashboards}
    assert len(names) == len(dashboards) > 2 * len(QUARTERS)
    if GOLDEN.exists():
        assert {p.name for p in GOLDEN.glob("*.txt")} <= names


@pytest.mark.parametrize(
    "key",
    [(q, None, e) for q in QUARTERS for e in (False, True)],
    ids=lambda key: _name(*key),
)
def test_all_services_dashboard_is_the_committed_one(dashboards, key):
    assert_matches_golden(GOLDEN / f"{_name(*key)}.txt", dump(dashboards[key]))


def test_each_service_s_dashboard_is_the_committed_one(dashboards):
    for key, board in dashboards.items():
        if key[1] is not None:
            assert_matches_golden(GOLDEN / f"{_name(*key)}.txt", dump(board))


def test_every_panel_is_in_the_dump(dashboards):
    board = dashboards[(QUARTERS[0], None, False)]
    text = dump(board)
    assert len(board.panels) >= 17
    for panel in board.panels:
        assert f"  slug={panel.slug!r}\n" in text


def test_each_panel_built_alone_is_the_panel_of_the_whole_dashboard(made):
    dashboards, alone = made
    whole = dashboards[(QUARTERS[0], None, False)]
    assert list(alone) == [panel.slug for panel in whole.panels]
    for panel in whole.panels:
        assert alone[panel.slug] == [panel]


@pytest.mark.parametrize("key", sorted(WHOLE_SVGS, key=str), ids=lambda key: _name(*key))
def test_the_charts_are_the_committed_svgs(dashboards, key):
    charts = [chart for panel in dashboards[key].panels for chart in panel.charts]
    assert len(charts) > 10
    for chart in charts:
        svg = one_element_a_line(str(chart.svg))
        assert_matches_golden(GOLDEN / _name(*key) / f"{chart.id}.svg", svg)
