"""The committee dashboard for one quarter: every panel, already through disclosure control.

The web page (scrutiny.views_dashboard), its CSV downloads and the quarterly PDF report
(scrutiny.reports) all render the `Dashboard` built here. Import the module you use; nothing is
re-exported from this package, so that a test's monkeypatch names the module that looks the
name up.
"""
