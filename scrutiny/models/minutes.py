"""The meeting cycle around the agenda: who sits on a committee and when, who came to a meeting,
declarations of interest, the minutes drafted item by item, questions answered in writing, and
the amendments recorded once minutes are approved.

Approved minutes are locked: the services in `scrutiny/services_meetings.py` refuse every change
to them except through `minutes_amend`, which records a `MinutesAmendment` with the text before
and after and the reason.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from ..constants import (
    AmendmentKind,
    AttendanceStatus,
    InterestKind,
    MembershipRole,
    MinutesStatus,
)
from .committees import AgendaItem, Committee, Meeting, Resolution


class MembershipQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        """Memberships in force on `on` (default today): started, and not yet ended."""
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


class CommitteeMembership(models.Model):
    """A person's seat on a committee, from a start date to an end date (open while they sit)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_memberships"
    )
    role = models.CharField(
        max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "end_date", "member__last_name", "member__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="membership_ends_after_it_starts",
                violation_error_message="The end date must be on or after the start date.",
            ),
            models.UniqueConstraint(
                fields=["committee", "member", "start_date"], name="membership_start_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.committee}"

    def clean(self) -> None:
        if self.end_date is not None and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class MemberAttendance(models.Model):
    """Whether a member came to a meeting, sent apologies (perhaps with a substitute) or not."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who came in the member's place.",
    )

    class Meta:
        ordering = ["meeting", "member__last_name", "member__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(status=AttendanceStatus.APOLOGIES) | Q(substitute__isnull=True),
                name="attendance_substitute_only_with_apologies",
                violation_error_message="Only a member who sent apologies has a substitute.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()}"


class OtherAttendee(models.Model):
    """Someone at the meeting who is not a member: an officer, a provider, a partner."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="other_attendees")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.job_title}, {self.organisation}"


class Declaration(models.Model):
    """An interest a member declared in an agenda item, and whether they left the room."""

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="declarations"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=InterestKind.choices)
    nature = models.TextField(help_text="What the interest is, as the member described it.")
    left_room = models.BooleanField(
        help_text="Did the member leave the room for the item (and take no part in it)?"
    )

    class Meta:
        ordering = ["agenda_item", "pk"]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_kind_display()} in {self.agenda_item}"


class Minutes(models.Model):
    """A meeting's minutes: drafted, sent to the next meeting, approved there, then published."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    status = models.CharField(
        max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    # The "Minutes of the previous meeting" item at which the committee approved them.
    approved_at = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    public_pdf = models.FileField(upload_to="scrutiny/minutes/", max_length=200, blank=True)
    public_sha256 = models.CharField(max_length=64, blank=True)
    exempt_pdf = models.FileField(upload_to="scrutiny/minutes/", max_length=200, blank=True)
    exempt_sha256 = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    publish_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MinutesStatus.APPROVED)
                | Q(approved_at__isnull=False, approved_on__isnull=False),
                name="approved_minutes_say_where_and_when",
            ),
            models.CheckConstraint(
                condition=Q(status=MinutesStatus.APPROVED) | Q(published_at__isnull=True),
                name="only_approved_minutes_are_published",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:minutes_detail", args=[self.meeting_id])

    @property
    def is_approved(self) -> bool:
        return self.status == MinutesStatus.APPROVED

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and bool(self.public_pdf)

    @property
    def download_name(self) -> str:
        return f"minutes-{self.meeting.date.isoformat()}.pdf"


class ItemMinute(models.Model):
    """What the clerk minuted for one agenda item: a summary of the discussion, in Markdown.

    The item's resolutions (`Resolution`) are printed after it as part of the minutes.
    """

    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="minute")
    discussion = models.TextField(blank=True, help_text="Markdown.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Minute of {self.agenda_item}"


class AdvanceQuestion(models.Model):
    """A question put in writing before the meeting, with its written answer (the annex)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="advance_questions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advance_questions",
    )
    position = models.PositiveSmallIntegerField()
    asked_by = models.CharField(max_length=200)
    question = models.TextField()
    answer = models.TextField(blank=True)
    answered_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="question_position_unique")
        ]

    def __str__(self) -> str:
        return f"Question {self.position} to {self.meeting}"


class MinutesAmendment(models.Model):
    """A change to approved minutes: what it was, what it became, why and who recorded it."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="amendments")
    kind = models.CharField(max_length=20, choices=AmendmentKind.choices)
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    previous_text = models.TextField(blank=True)
    new_text = models.TextField()
    reason = models.TextField(help_text="Why the minutes were amended, and where that was agreed.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["minutes", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind=AmendmentKind.DISCUSSION,
                    agenda_item__isnull=False,
                    resolution__isnull=True,
                )
                | Q(kind=AmendmentKind.RESOLUTION, resolution__isnull=False)
                | Q(kind=AmendmentKind.NOTE, agenda_item__isnull=True, resolution__isnull=True),
                name="amendment_names_what_it_changes",
            )
        ]

    def __str__(self) -> str:
        return f"Amendment to {self.minutes}"
