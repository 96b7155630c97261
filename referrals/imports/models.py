"""What an import of a provider's return leaves behind: the import itself, its rejected rows and
the link from each referral it made to the provider's (hashed) case ID.

`ReturnImport` is one upload for one service, with the life of its background work: checked
(phase "check"), then, once someone confirms it, applied (phase "apply"). Each phase is a
background run (partnership.runs): queued, running under a lease, ready or failed, sent again by
the sweep if the broker was down and started again if its worker died.
The uploaded file is kept only until the import is applied or discarded: it may hold
identifiers. Loaded with `referrals.models`, so the app's models are all in one place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from commissioning.models import CommissionedService
from partnership.runs import BackgroundRun, RunStatus

CASE_KEY_LENGTH = 64  # hex HMAC-SHA256, as referrals.models.HASH_LENGTH


# An import's status is a background run's status (same values as before it was one).
ImportStatus = RunStatus


class ImportPhase(models.TextChoices):
    CHECK = "check", "Check"
    APPLY = "apply", "Apply"


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (.xlsx)"


class ReturnImport(BackgroundRun):
    """One provider return uploaded for one service, from upload to applied (or not).

    Its two phases share the row: confirming a checked import queues it again, as a new run of
    the same task (attempts, sending and lease start afresh).
    """

    task_name = "referrals.run_return_import"

    service = models.ForeignKey(
        CommissionedService, on_delete=models.PROTECT, related_name="return_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    phase = models.CharField(max_length=10, choices=ImportPhase.choices, default=ImportPhase.CHECK)

    file = models.FileField(max_length=200, blank=True)
    file_name = models.CharField("file name", max_length=200)
    file_format = models.CharField(max_length=10, choices=FileFormat.choices)
    file_size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256 checksum", max_length=64)

    ignored_columns = models.JSONField(
        default=list, blank=True, help_text="Headers of the file's columns not in the format."
    )
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(
        default=0, help_text="Rows checked so far, for the progress page."
    )
    created = models.PositiveIntegerField(null=True, blank=True)
    updated = models.PositiveIntegerField(null=True, blank=True)
    unchanged = models.PositiveIntegerField(null=True, blank=True)
    rejected = models.PositiveIntegerField(null=True, blank=True)

    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    leave_out_rejected = models.BooleanField(
        default=False, help_text="Confirmed with its rejected rows left out."
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["service", "-created_at"], name="return_import_service")]

    def __str__(self) -> str:
        return f"Return {self.file_name} for {self.service.name}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:import_detail", args=[self.pk])

    @property
    def is_checked(self) -> bool:
        """Checked and waiting for someone to confirm or discard it."""
        return (
            self.phase == ImportPhase.CHECK
            and self.status == ImportStatus.READY
            and self.discarded_at is None
        )

    @property
    def is_applied(self) -> bool:
        return self.phase == ImportPhase.APPLY and self.status == ImportStatus.READY

    @property
    def accepted(self) -> int:
        return (self.created or 0) + (self.updated or 0) + (self.unchanged or 0)

    @property
    def changes(self) -> int:
        return (self.created or 0) + (self.updated or 0)

    @property
    def outcome(self) -> str:
        """The import's state in a few words, for its page and the history."""
        if self.discarded_at is not None:
            return "Discarded"
        if self.is_failed:
            return "Check failed" if self.phase == ImportPhase.CHECK else "Not applied: failed"
        if self.is_pending:
            return "Checking" if self.phase == ImportPhase.CHECK else "Applying"
        if self.phase == ImportPhase.CHECK:
            return "Checked: waiting for confirmation"
        if not self.changes:
            return "Applied: nothing to change"
        if self.leave_out_rejected and self.rejected:
            rows = f"{self.rejected:,} rejected row{'s' if self.rejected != 1 else ''}"
            return f"Applied, {rows} left out"
        return "Applied"


class ImportProblem(models.Model):
    """Why one row of a return was rejected: its row number (as the spreadsheet numbers it), the
    column and the reason in plain words. Never the cell's value, which could identify someone."""

    return_import = models.ForeignKey(
        ReturnImport, on_delete=models.CASCADE, related_name="problems", db_index=False
    )
    row_number = models.PositiveIntegerField(help_text="0 for a problem with the whole file.")
    column = models.CharField(max_length=100, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["return_import", "row_number", "pk"]
        indexes = [models.Index(fields=["return_import", "row_number"], name="import_problem_row")]

    def __str__(self) -> str:
        return f"Row {self.row_number}, {self.column}: {self.message}"


class ImportedCase(models.Model):
    """A referral that came from a provider's return: the provider's case ID as a keyed hash,
    the import that made it, the one that last changed it, and a fingerprint of the row then
    applied (so importing the same row again changes nothing)."""

    # By name: referrals.models loads this module, so it cannot be imported from here.
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="imported_case"
    )
    service = models.ForeignKey(
        CommissionedService, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    case_key = models.CharField(max_length=CASE_KEY_LENGTH)
    created_by_import = models.ForeignKey(
        ReturnImport, on_delete=models.PROTECT, related_name="cases_created", db_index=False
    )
    updated_by_import = models.ForeignKey(
        ReturnImport, on_delete=models.PROTECT, related_name="cases_updated", db_index=False
    )
    row_sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            # Its index is how a row finds the referral it made before.
            models.UniqueConstraint(fields=["service", "case_key"], name="one_referral_per_case")
        ]

    def __str__(self) -> str:
        return f"Imported case of {self.referral}"
