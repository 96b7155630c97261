"""The committee dashboard for one quarter: every panel, already through disclosure control.

The web page (scrutiny.views_dashboard), its CSV downloads and the quarterly PDF report
(scrutiny.reports) all render the `Dashboard` built here. Import the module you use: nothing is
re-exported from this package, so that a test's monkeypatch names the module that looks the
name up.

| to change | open |
| --- | --- |
| what the report, page and views call: `build_dashboard` | `build.py` |
| the types: `Dashboard`, `Panel`, `Headlines` | `model.py` |
| which panels, in which order (`PANELS`, slug to function) | `panels.py` |
| the figures every panel reads, read once and released (one value per cell) | `figures.py` |
| which quarters can be chosen; the trend's and the XmR charts' quarters | `periods.py` |
| the executive summary's figures | `headlines.py` |
| titles, introductions, notes, chart descriptions (the English) | `wording.py` |
| columns that count people (`COUNT_HEADERS`); how cells are written; table panels | `tables.py` |
| referrals by quarter, district, service, source, subject | `volumes.py` |
| response against targets; waiting list and waits | `response.py` |
| repeats, outcomes, caseload | `casework.py` |
| safe accommodation (and other statutory panels: Marac, children) | `statutory.py` |
| equality profile | `equality.py` |
| contract funding, grants | `money.py` |
| committee actions | `actions.py` |
| XmR charts by district and by service | `variation.py` |

A new panel is a function `(figures.Figures) -> model.Panel` in the module of its family (or a
new module for a new family), its words in `wording.py`, and one line in `panels.PANELS`; a
column that counts people takes a header in `tables.COUNT_HEADERS`. Every panel's output is held
by the golden files of tests/scrutiny/test_dashboard_golden.py.
"""
