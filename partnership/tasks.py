"""Celery tasks for the partnership app: the background-run sweep (see partnership/runs.py) and
the e-mails of password reset links asked for on the sign-in page."""

from celery import shared_task

from . import runs, services


@shared_task(name="partnership.sweep_runs", bind=True, ignore_result=True)
def sweep_runs(self) -> None:
    runs.runs_sweep(worker=self.request.hostname or "")


@shared_task(name=services.PASSWORD_RESET_TASK, ignore_result=True)
def send_password_reset_links(email: str) -> None:
    services.password_reset_links_send(email)
