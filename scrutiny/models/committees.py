"""Committees, their meetings, agenda items in the committee-report format, and resolutions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.dateformat import format as format_date

from partnership.models import Area

from ..constants import ExemptParagraph, MeetingStatus, Purpose
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
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="committees"
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


class AgendaItem(models.Model):
    """An item on a meeting's agenda, laid out as a committee report."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    number = models.PositiveSmallIntegerField(help_text="The item's number on the agenda.")
    title = models.CharField(max_length=300)
    report_of = models.CharField(
        max_length=200,
        help_text="The portfolio holder or officer presenting the report.",
    )
    all_wards = models.BooleanField(default=True)
    wards = models.ManyToManyField(Area, blank=True, related_name="+")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    recommendation = models.TextField()
    summary = models.TextField(help_text="Markdown.")
    body = models.TextField(blank=True, help_text="Markdown.")
    contact_name = models.CharField(max_length=200)
    contact_title = models.CharField(max_length=200)
    contact_email = models.EmailField()
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
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique")
        ]

    def __str__(self) -> str:
        return f"Item {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:agenda_item_detail", args=[self.pk])

    def clean(self) -> None:
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
