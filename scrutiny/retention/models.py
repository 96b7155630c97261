"""Legal holds, and the record of what each retention run anonymised or deleted.

The schedule itself is settings.RETENTION_YEARS; the work is in retention.services. This app
comes after scrutiny: it reads referrals and actions, and nothing earlier imports it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from referrals.models import Referral
from scrutiny.models import Action

from .constants import RecordKind

ONE_RECORD = Q(referral__isnull=False, action__isnull=True) | Q(
    referral__isnull=True, action__isnull=False
)


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(released_at__isnull=True)


class LegalHold(models.Model):
    """Keeps one referral or action from the retention schedule (a domestic homicide review, a
    complaint, proceedings) until it is released. A record may carry several holds."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="legal_holds"
    )
    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, null=True, blank=True, related_name="legal_holds"
    )
    reason = models.TextField(help_text="Why the record must be kept, e.g. a review or claim.")
    review_on = models.DateField("review date")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_note = models.TextField(blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["review_on", "pk"]
        constraints = [models.CheckConstraint(condition=ONE_RECORD, name="legal_hold_one_record")]

    def __str__(self) -> str:
        return f"Legal hold on {self.record}"

    def get_absolute_url(self) -> str:
        return reverse("retention:hold_release", args=[self.pk])

    @property
    def record(self):
        return self.referral or self.action

    @property
    def kind(self) -> RecordKind:
        return RecordKind.REFERRAL if self.referral_id else RecordKind.ACTION

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class RetentionRun(models.Model):
    """One run of the schedule: when, as at which day, and how many records of each kind."""

    as_of = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    referrals_anonymised = models.PositiveIntegerField(default=0)
    actions_cleared = models.PositiveIntegerField(default=0)
    report_runs_deleted = models.PositiveIntegerField(default=0)
    agenda_packs_deleted = models.PositiveIntegerField(default=0)
    files_deleted = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0, help_text="Due records skipped for a hold.")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention run as of {self.as_of}"


class Anonymisation(models.Model):
    """A referral made a statistical row, or an action whose evidence was removed: done once."""

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="anonymisation"
    )
    action = models.OneToOneField(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="anonymisation"
    )
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_RECORD, name="anonymisation_one_record")
        ]

    def __str__(self) -> str:
        return f"Anonymised {self.referral or self.action}"
