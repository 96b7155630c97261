"""Celery tasks for the partnership app: the background-run sweep (see partnership/runs.py)."""

from celery import shared_task

from . import runs


@shared_task(name="partnership.sweep_runs", bind=True, ignore_result=True)
def sweep_runs(self) -> None:
    runs.runs_sweep(worker=self.request.hostname or "")
