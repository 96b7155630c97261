"""Run the retention schedule now, as the nightly Celery beat task does, and print what it did.

Anonymises referrals and removes action evidence, report runs and agenda packs whose time under
settings.RETENTION_YEARS has passed, skipping records under a legal hold.
"""

from django.core.management.base import BaseCommand

from scrutiny.retention.services import retention_run


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        run = retention_run()
        self.stdout.write(
            f"Retention run as of {run.as_of}: {run.referrals_anonymised} referrals anonymised, "
            f"{run.actions_cleared} actions cleared, {run.report_runs_deleted} report runs and "
            f"{run.agenda_packs_deleted} agenda packs deleted ({run.files_deleted} files), "
            f"{run.held} records skipped for a legal hold."
        )
