"""PDFs made by Celery for committees: quarterly performance report runs and agenda packs.

Each is a row with the life of one run: queued, running (with its stage), then ready with the
file, its page count and checksum, or failed with the error. A file is only ever named on a
ready row (scrutiny.pdf.write_atomically stores it whole first), so no row points at half a file.
The work is in the scrutiny/reports/ package; this module only says what a run is.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from partnership.calendar import FinancialQuarter
from partnership.runs import PENDING_STATUSES, BackgroundRun, RunStatus

from .committees import AgendaItem, Committee, Meeting

__all__ = ["PENDING_STATUSES", "RunStatus"]  # defined with every background run


class RunStage(models.TextChoices):
    """What a running run is doing, shown on its progress page."""

    CALCULATING = "calculating", "Calculating figures"
    CHARTS = "charts", "Drawing charts"
    COLLECTING = "collecting", "Collecting the papers"
    WRITING = "writing", "Writing PDF"


def format_duration(value: timedelta | None) -> str:
    """A duration as people say it: "8 seconds", "2 minutes 5 seconds"."""
    if value is None:
        return ""
    seconds = max(0, round(value.total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(hours, "hour"), (minutes, "minute"), (seconds, "second")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(words[:2]) or "0 seconds"


def validate_quarter(value: str) -> None:
    try:
        FinancialQuarter.parse(value)
    except ValueError as error:
        raise ValidationError(str(error), code="quarter") from None


class GeneratedPdf(BackgroundRun):
    """What every PDF run has besides a run's status, timings and error: who asked, its stage
    and its file."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for runs started by the schedule.",
    )
    stage = models.CharField(max_length=12, choices=RunStage.choices, blank=True)
    pdf = models.FileField(max_length=200, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def duration(self) -> timedelta | None:
        """How long the run took from starting work to finishing (None until it finishes)."""
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def elapsed(self) -> timedelta:
        """Time since it was requested, to now or to when it finished."""
        return (self.finished_at or timezone.now()) - self.created_at

    @property
    def duration_text(self) -> str:
        return format_duration(self.duration)

    @property
    def elapsed_text(self) -> str:
        return format_duration(self.elapsed)


class ReportRun(GeneratedPdf):
    """One run of the quarterly performance report for a committee."""

    task_name = "scrutiny.make_quarterly_report"

    quarter = models.CharField(
        max_length=12, validators=[validate_quarter], help_text="Written like 2024/25 Q4."
    )
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="report_runs")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        help_text="The meeting the report is written for, printed on its cover.",
    )
    agenda_item = models.OneToOneField(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attached_report",
        help_text="The agenda item the report is attached to, to go into the agenda pack.",
    )
    is_draft = models.BooleanField(
        default=False, help_text="Made by the schedule after the quarter ends, for review."
    )
    retry_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="retries"
    )
    published = models.BooleanField(
        default=False, help_text="Published reports can be downloaded by the committee's members."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    data_as_at = models.DateTimeField(null=True, blank=True)
    # The report's sections as printed, kept so the agenda pack prints the same figures with
    # the pack's page numbers (see scrutiny.reports.packs.agenda_pack_pdf).
    body_html = models.TextField(blank=True, editable=False)
    contents = models.JSONField(default=list, blank=True, editable=False)

    class Meta(GeneratedPdf.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(published=True) | models.Q(status=RunStatus.READY),
                name="report_run_published_only_when_ready",
            )
        ]

    def __str__(self) -> str:
        draft = " (draft)" if self.is_draft else ""
        return f"Quarterly performance report {self.quarter}{draft}, {self.committee}"

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:report_detail", args=[self.pk])

    def clean(self) -> None:
        if self.meeting_id and self.meeting.committee_id != self.committee_id:
            raise ValidationError({"meeting": "Choose a meeting of the report's committee."})
        if self.agenda_item_id and self.agenda_item.meeting.committee_id != self.committee_id:
            raise ValidationError(
                {"agenda_item": "Choose an agenda item of the report's committee."}
            )

    @property
    def financial_quarter(self) -> FinancialQuarter:
        return FinancialQuarter.parse(self.quarter)

    @property
    def download_name(self) -> str:
        draft = "-draft" if self.is_draft else ""
        return f"quarterly-performance-report-{slugify(self.quarter)}{draft}.pdf"


class AgendaPack(GeneratedPdf):
    """One agenda pack of a meeting: public (exempt items left out) or restricted (all items)."""

    task_name = "scrutiny.make_agenda_pack"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_packs")
    restricted = models.BooleanField(
        default=False, help_text="Includes exempt items: for the committee's members only."
    )

    class Meta(GeneratedPdf.Meta):
        pass

    def __str__(self) -> str:
        kind = "Restricted agenda pack" if self.restricted else "Agenda pack"
        return f"{kind}, {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:agenda_pack_list", args=[self.meeting_id])

    @property
    def download_name(self) -> str:
        meeting = self.meeting
        restricted = "-restricted" if self.restricted else ""
        return (
            f"agenda-pack-{slugify(meeting.committee.name)}-{meeting.date.isoformat()}"
            f"{restricted}.pdf"
        )
