"""Make the quarterly performance report for a quarter and write it to a PDF file, now.

    python manage.py quarterly_report "2024/25 Q4" --output report.pdf

The same service the Celery task runs (scrutiny.reports.rendering.quarterly_report_pdf), with the
same figures and the same suppression as committee papers, but no run row: nothing is stored in
the app and nothing is published. Give --committee to put a committee's name on the cover and its
action tracker in the appendix; without it the cover names the partnership board and the
appendix lists every committee's actions.
"""

from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partnership.calendar import FinancialQuarter
from scrutiny.models import Committee
from scrutiny.pdf import PdfError, write_atomically
from scrutiny.reports.rendering import quarterly_report_pdf


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("quarter", help='the financial quarter, written like "2024/25 Q4"')
        parser.add_argument("--output", required=True, help="the PDF file to write")
        parser.add_argument("--committee", help="the committee's name, as in the app")

    def handle(self, *args, quarter, output, committee, **options):
        try:
            period = FinancialQuarter.parse(quarter)
        except ValueError as error:
            raise CommandError(str(error)) from None
        chosen = None
        if committee:
            chosen = Committee.objects.filter(name=committee).select_related("clerk").first()
            if chosen is None:
                names = ", ".join(Committee.objects.values_list("name", flat=True)) or "none"
                raise CommandError(f"No committee is called {committee!r}. Committees: {names}.")
        try:
            report = quarterly_report_pdf(
                quarter=period,
                committee=chosen,
                contact=chosen.clerk if chosen else None,
                today=timezone.localdate(),
                on_stage=lambda stage: self.stdout.write(f"  {stage.label}…"),
            )
        except PdfError as error:
            raise CommandError(str(error)) from None
        path = Path(output).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path.name, report.pdf, storage=FileSystemStorage(location=path.parent))
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {path} ({report.page_count} pages, SHA-256 {report.sha256})."
            )
        )
