"""Providers' quarterly case-level returns, imported: upload, check, preview, confirm.

A return is a CSV or Excel file for one service, one row per referral, in the published format
(`format.py`: built from the referral form's and the step forms' own fields, so the choices and
rules are the form's). The journey:

- **Upload** (`services.return_import_create`): the file is stored and checked by a Celery task.
- **Check** (`runs.return_import_check`, through `checking.py`): every row is read
  (`reading.py`), validated by the referral form and replayed through the same steps as the
  officer's pages (`referrals.steps`), and classed as created, updated, unchanged or rejected.
  Rejected rows are kept with row number, column and reason (`ImportProblem`).
- **Preview and confirm** (`views.py`): the counts and every rejected row, downloadable as CSV.
  Confirming queues the apply; a file with rejected rows is applied only if the user leaves
  them out.
- **Apply** (`runs.return_import_apply`, through `applying.py`): the file is checked again and
  every accepted row written in one transaction, with the monthly summary recounted for the
  months touched, or nothing at all. The file is then deleted.

A provider's case ID is stored only as a keyed hash per provider (`ImportedCase.case_key`), so
a corrected return updates the referrals it made and the same return twice changes nothing.
"""
