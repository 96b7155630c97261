"""The Celery app. Beat schedules live here, in one place."""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_ready
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

app = Celery("partnership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {}

# Scrutiny: each action owner's daily reminder, and the clerks' weekly digest of overdue actions.
app.conf.beat_schedule["scrutiny-action-reminders"] = {
    "task": "scrutiny.send_action_reminders",
    "schedule": crontab(hour=7, minute=0),
}
app.conf.beat_schedule["scrutiny-overdue-digest"] = {
    "task": "scrutiny.send_overdue_digest",
    "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
}
# Scrutiny: a draft of the quarterly performance report for each committee, for review, on the
# 10th day after each quarter ends (10 January, April, July and October).
app.conf.beat_schedule["scrutiny-draft-quarterly-reports"] = {
    "task": "scrutiny.draft_quarterly_reports",
    "schedule": crontab(hour=6, minute=0, day_of_month=10, month_of_year="1,4,7,10"),
}

# Referrals: recount the dashboard's monthly summary every night. Each write keeps it in step
# already; this is the safety net for anything that changed referrals without saving them.
app.conf.beat_schedule["referrals-rebuild-summary"] = {
    "task": "referrals.rebuild_summary",
    "schedule": crontab(hour=2, minute=30),
}

# Referrals: discard provider returns checked a week ago and never confirmed, with their files.
app.conf.beat_schedule["referrals-discard-unconfirmed-imports"] = {
    "task": "referrals.discard_unconfirmed_imports",
    "schedule": crontab(hour=3, minute=45),
}

# Retention: anonymise referrals and remove evidence, reports and packs past their time
# (settings.RETENTION_YEARS), skipping records under a legal hold.
app.conf.beat_schedule["retention-run"] = {
    "task": "retention.run_retention",
    "schedule": crontab(hour=3, minute=15),
}


# Scrutiny: count the last complete quarter's dashboard figures again after the nightly
# rebuild (02:30) emptied their store and retention (03:15) anonymised old referrals.
app.conf.beat_schedule["scrutiny-count-dashboard-figures"] = {
    "task": "scrutiny.count_dashboard_figures",
    "schedule": crontab(hour=4, minute=0),
}


@app.on_after_finalize.connect
def _configure_background_runs(sender: Celery, **kwargs) -> None:
    """Once Django's settings are complete (the app is finalised when a worker or beat starts,
    or the web app first sends a task), not at import: a settings module that imports ours
    with `from partnership.settings import *` imports this package half-way through."""
    # Background runs: recover runs whose worker died and send those the broker never got
    # (partnership/runs.py).
    sender.conf.beat_schedule["partnership-sweep-runs"] = {
        "task": "partnership.sweep_runs",
        "schedule": float(settings.RUN_SWEEP_SECONDS),
    }
    # kombu's filesystem transport (the development broker) expects its folders to exist.
    if sender.conf.broker_url.startswith("filesystem"):
        options = sender.conf.broker_transport_options
        for folder in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(options[folder]).mkdir(parents=True, exist_ok=True)
        Path(sender.conf.result_backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


@worker_ready.connect
def _sweep_when_a_worker_starts(sender, **kwargs) -> None:
    """A worker starting after a crash picks up what was stranded at once, not at the next beat."""
    sender.app.send_task("partnership.sweep_runs")


@app.task(name="partnership.ping")
def ping(value: int) -> int:
    """Echo a value back: proves a worker is consuming from the broker."""
    return value + 1
