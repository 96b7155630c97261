"""The annual return on support in domestic abuse safe accommodation (Domestic Abuse Act 2021,
Part 4, s.59), made for a financial year by a Celery task from the referral rows.

- `figures`: every figure of the return, from the rows (the definitions are there);
- `reconciliation`: each figure beside the committee dashboard's for the same year and
  service, from the same metrics functions, with every difference explained;
- `workbook`: the XLSX in the return's layout; `runs`: the worker's writes; `services`: the
  request; `selectors`: who may see which run.
"""
