"""Committees, their meetings, agenda items in the committee-report format, and resolutions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.dateformat import format as format_date

from partnership.models import Area

from ..constants import ExemptParagraph, ItemKind, MeetingStatus, Purpose
from ..files import agenda_document_path, validate_agenda_document


class Committee(models.Model):
    """A committee that scrutinises the partnership, or the partnership board itself."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(
        blank=True, help_text="What the committee is for, in a sentence or two."
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committees_clerked"
    )
    # Everyone who sits or sat on the committee, with the dates of their membership
    # (CommitteeMembership). Who sits on it now: `CommitteeMembership.objects.current()`.
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CommitteeMembership",
        blank=True,
        related_name="committees",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:committee_detail", args=[self.pk])


class Topic(models.Model):
    """A subject followed across meetings, e.g. "Domestic abuse services"."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:topic_detail", args=[self.pk])


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField()
    venue = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )

    class Meta:
        ordering = ["-date", "-start_time", "pk"]

    def __str__(self) -> str:
        return f"{self.committee}, {format_date(self.date, 'j F Y')}"

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:meeting_detail", args=[self.pk])


# What a report must have; a standard item (apologies, declarations, previous minutes) has none.
REPORT_REQUIRED = {
    "report_of": "Enter who the report is of",
    "purpose": "Choose the purpose of the report",
    "recommendation": "Enter the recommendation",
    "summary": "Enter a summary",
    "contact_name": "Enter the contact officer's name",
    "contact_title": "Enter the contact officer's job title",
    "contact_email": "Enter the contact officer's e-mail address",
}


class AgendaItem(models.Model):
    """An item on a meeting's agenda: a committee report, or one of the standard items."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    number = models.PositiveSmallIntegerField(help_text="The item's number on the agenda.")
    kind = models.CharField(max_length=20, choices=ItemKind.choices, default=ItemKind.REPORT)
    title = models.CharField(max_length=300)
    # The meeting whose minutes a "Minutes of the previous meeting" item brings for approval.
    minutes_of = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="approval_items"
    )
    report_of = models.CharField(
        max_length=200,
        blank=True,
        help_text="The portfolio holder or officer presenting the report.",
    )
    all_wards = models.BooleanField(default=True)
    wards = models.ManyToManyField(Area, blank=True, related_name="+")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, blank=True)
    recommendation = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="Markdown.")
    body = models.TextField(blank=True, help_text="Markdown.")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_title = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_telephone = models.CharField(max_length=30, blank=True)
    exempt = models.BooleanField(
        default=False,
        help_text="Confidential under Schedule 12A: kept out of public papers.",
    )
    exempt_paragraph = models.PositiveSmallIntegerField(
        choices=ExemptParagraph.choices, null=True, blank=True
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="agenda_items")

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique"),
            models.UniqueConstraint(
                fields=["meeting", "kind"],
                condition=~Q(kind=ItemKind.REPORT),
                name="agenda_standard_item_once",
                violation_error_message="The meeting already has this standard item.",
            ),
            models.CheckConstraint(
                condition=Q(kind=ItemKind.PREVIOUS_MINUTES) | Q(minutes_of__isnull=True),
                name="agenda_item_minutes_of_only_for_previous_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:agenda_item_detail", args=[self.pk])

    @property
    def is_report(self) -> bool:
        return self.kind == ItemKind.REPORT

    def clean(self) -> None:
        if self.is_report:
            missing = {
                name: text for name, text in REPORT_REQUIRED.items() if not getattr(self, name)
            }
            if missing:
                raise ValidationError(missing)
        elif self.exempt:
            raise ValidationError({"exempt": "A standard item is never exempt."})
        if self.minutes_of_id is not None and self.meeting_id is not None:
            earlier = self.minutes_of
            if (
                earlier.committee_id != self.meeting.committee_id
                or earlier.date >= self.meeting.date
            ):
                raise ValidationError(
                    {"minutes_of": "Choose an earlier meeting of the same committee."}
                )
        if self.exempt and self.exempt_paragraph is None:
            raise ValidationError(
                {"exempt_paragraph": "Choose the paragraph of Schedule 12A that makes it exempt."}
            )
        if not self.exempt and self.exempt_paragraph is not None:
            raise ValidationError(
                {"exempt_paragraph": "Only an exempt item has a Schedule 12A paragraph."}
            )


class AgendaDocument(models.Model):
    """A PDF attached to an agenda item (an appendix or presentation)."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(
        upload_to=agenda_document_path, max_length=200, validators=[validate_agenda_document]
    )
    original_name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agenda_item", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:agenda_document_download", args=[self.pk])


class Resolution(models.Model):
    """One lettered or numbered part of what the committee resolved on an item."""

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="resolutions"
    )
    position = models.PositiveSmallIntegerField()
    label = models.CharField(
        max_length=3,
        validators=[
            RegexValidator(
                r"^([a-z]|[1-9][0-9]{0,2})$",
                "The label is one lower-case letter (a, b, c) or a number (1, 2, 3).",
            )
        ],
        help_text="As in the minutes: a, b, c or 1, 2, 3.",
    )
    text = models.TextField()

    class Meta:
        ordering = ["agenda_item", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "label"],
                name="resolution_label_unique",
                violation_error_message="This item already has a resolution with this label.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}) {self.text[:80]}"

    @property
    def meeting(self) -> Meeting:
        return self.agenda_item.meeting
