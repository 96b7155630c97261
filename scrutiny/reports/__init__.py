"""Quarterly performance reports and agenda packs, one module per kind of rule.

The report prints the committee dashboard (scrutiny.dashboard.build.build_dashboard with
exact=False, so every figure is suppressed and rounded exactly as committee members see it on
screen): no figure is worked out here, only written into sentences and laid out.

- `content`: what a report prints, worked out from the database (the dashboard, the summary and
  the action appendix), as plain dataclasses.
- `sentences`: the executive summary written from the dashboard's headline figures.
- `covers`: the committee report cover of a report or an agenda item.
- `rendering`: the quarterly report laid out as a PDF (`render_quarterly_report` needs no
  database; `quarterly_report_pdf` makes a report without a run row, for the command).
- `packs`: an agenda pack laid out as one PDF with one page numbering.
- `services`: what people do to runs and packs (request, retry, publish, attach, download);
  each request queues the Celery task once its row is committed.
- `runs`: what the worker and the schedule do: make a queued run's or pack's PDF, ending it as
  ready or failed, and add the schedule's drafts.
- `selectors`: who may request reports, and the runs and packs a user may open.

A run is a `ReportRun` row. `services.report_run_request` adds a queued row and queues the task
(scrutiny.tasks), which calls `runs.report_run_execute`: it marks the row running, reports its
stage as it goes, stores the PDF with `write_atomically` and only then marks the row ready (or
failed, with the error, and no file). A failed run is retried as a new run
(`services.report_run_retry`), so each run's row keeps the history of what happened to it. The
tasks import `runs`, and `services` imports the tasks; nothing here imports `services`, so there
is no import circle.
"""
