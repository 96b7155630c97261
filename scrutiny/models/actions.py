"""Actions, their updates, and the record of reminders sent.

An action comes from a committee resolution, a delivery-plan commitment (a milestone), a review
recommendation, or another source described in words (`source`, with the link it names). The
tracker, RAG, reminders, evidence and CSV treat every source alike.
"""

from datetime import date, datetime, timedelta
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from partnership.models import Organisation

from ..constants import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    REMINDER_WITHIN_DAYS,
    ActionSource,
    ActionStatus,
    Priority,
    Rag,
    ReminderKind,
    rag_conditions,
)
from ..files import evidence_path, validate_evidence_file
from ..validators import reject_identifying_details
from .committees import Meeting, Resolution
from .plans import Commitment
from .reviews import Review

_https_url = URLValidator(schemes=["https"])


def validate_evidence_url(value: str) -> None:
    """A page on this site (a path such as /scrutiny/items/12/) or an https address."""
    if value.startswith("/") and not value.startswith("//"):
        return
    try:
        _https_url(value)
    except ValidationError:
        raise ValidationError(
            "Enter a link to a page on this site (starting with /) or a web address "
            "starting with https://.",
            code="invalid",
        ) from None


def rag_of(today: date) -> Case:
    """An action's RAG (a `Rag` value) on `today`, from the rule in `constants.rag_conditions`."""
    whens = [When(condition, then=Value(rag.value)) for rag, condition in rag_conditions(today)]
    return Case(*whens, default=Value(Rag.GREEN.value), output_field=CharField())


class ActionQuerySet(models.QuerySet["Action"]):
    def with_rag(self, today: date) -> Self:
        """Annotate `rag` (see `rag_of`)."""
        return self.annotate(rag=rag_of(today))

    def of_rag(self, rag: str) -> Self:
        """The rows of one RAG, read after `with_rag` or `for_tracker`. (The filter on the
        annotation lives here, beside it: mypy's Django plugin cannot see an annotation made
        in another method.)"""
        return self.filter(rag=rag)

    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date) -> Self:
        """Red actions: open and past their due date."""
        return self.with_rag(today).of_rag(Rag.RED)

    def due_for_reminder(self, today: date) -> Self:
        """Open actions that are overdue or due within the reminder window."""
        return self.open().filter(due_date__lte=today + timedelta(days=REMINDER_WITHIN_DAYS))

    def with_latest_update(self) -> Self:
        latest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-written_at", "-pk")
        return self.annotate(
            latest_update_text=Subquery(latest.values("text")[:1]),
            latest_update_at=Subquery(latest.values("written_at")[:1]),
        )

    def for_tracker(self, today: date) -> Self:
        """Everything the tracker, its CSV and the reminders show, in one query."""
        return (
            self.with_rag(today)
            .with_latest_update()
            .select_related(
                "owner",
                "owner_organisation",
                "resolution__agenda_item__meeting__committee",
                "commitment__theme__strategy",
                "review",
                "source_agency",
            )
            .order_by("due_date", "reference")
        )


# Each source names its own link and no other (the check constraint below says the same).
SOURCE_LINKS = {
    ActionSource.RESOLUTION: "resolution",
    ActionSource.COMMITMENT: "commitment",
    ActionSource.RECOMMENDATION: "review",
    ActionSource.OTHER: None,
}


def _source_rule() -> Q:
    none = {f"{link}__isnull": True for link in SOURCE_LINKS.values() if link}
    rule = Q()
    for source, link in SOURCE_LINKS.items():
        fields = dict(none)
        if link:
            fields[f"{link}__isnull"] = False
        if source == ActionSource.RECOMMENDATION:
            rule |= Q(source=source, source_agency__isnull=False, other_source="", **fields)
        elif source == ActionSource.OTHER:
            rule |= Q(source=source, source_agency__isnull=True, **fields) & ~Q(other_source="")
        else:
            rule |= Q(source=source, source_agency__isnull=True, other_source="", **fields)
    return rule


ActionManager = models.Manager.from_queryset(ActionQuerySet)


class Action(models.Model):
    """Something someone is to do, by a date, with evidence that it was done."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    source = models.CharField(
        max_length=20, choices=ActionSource.choices, default=ActionSource.RESOLUTION
    )
    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="milestones"
    )
    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    # The agency a review recommendation is made to (e.g. the police, the integrated care board).
    source_agency = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    other_source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where an action from another source came from, e.g. Board development day.",
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scrutiny_actions"
    )
    # The owner's organisation when the action was raised, kept if they later move.
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    closed_on = models.DateField(null=True, blank=True)
    closure_note = models.TextField(
        blank=True,
        help_text="Why it is not feasible, what superseded it, or a note on completion.",
    )
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    evidence_file = models.FileField(
        upload_to=evidence_path, max_length=200, blank=True, validators=[validate_evidence_file]
    )
    evidence_name = models.CharField(max_length=200, blank=True)
    evidence_url = models.CharField(max_length=500, blank=True, validators=[validate_evidence_url])
    created_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ActionManager()

    # Set on rows read through ActionQuerySet.with_rag and .with_latest_update (for_tracker).
    rag: str
    latest_update_text: str | None
    latest_update_at: datetime | None

    class Meta:
        ordering = ["due_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="action_sequence_unique"),
            models.CheckConstraint(
                condition=_source_rule(),
                name="action_source_names_its_link",
                violation_error_message="An action's source must name its record, and only it.",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:action_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.source == ActionSource.OTHER and not self.other_source.strip():
            errors["other_source"] = "Say where the action came from."
        if self.source == ActionSource.RECOMMENDATION:
            if self.source_agency_id is None:
                errors["source_agency"] = "Choose the agency the recommendation is made to."
            for name in ("description", "closure_note"):
                try:
                    reject_identifying_details(getattr(self, name))
                except ValidationError as error:
                    errors[name] = error.messages[0]
        meeting = self.meeting
        if meeting is not None and self.due_date and self.due_date <= meeting.date:
            errors["due_date"] = (
                f"The due date must be after the meeting on {format_date(meeting.date, 'j F Y')}."
            )
        if self.status == ActionStatus.COMPLETE and not (self.evidence_file or self.evidence_url):
            errors["evidence_file"] = (
                "Add evidence to complete the action: upload a file or give a link to a "
                "published report or dashboard page."
            )
        if self.status == ActionStatus.NOT_FEASIBLE and not self.closure_note.strip():
            errors["closure_note"] = "Give the reason the action is not feasible."
        if (
            self.status == ActionStatus.SUPERSEDED
            and not self.closure_note.strip()
            and self.superseded_by_id is None
        ):
            errors["closure_note"] = (
                "Say what superseded the action, or give the reference of the action that "
                "replaces it."
            )
        if self.pk is not None and self.superseded_by_id == self.pk:
            errors["superseded_by"] = "An action cannot supersede itself."
        if self.status in CLOSED_STATUSES and self.closed_on is None:
            errors["closed_on"] = "A closed action needs the date it was closed."
        if errors:
            raise ValidationError(errors)

    @property
    def meeting(self) -> Meeting | None:
        """The meeting whose resolution raised the action; None for other sources."""
        return self.resolution.agenda_item.meeting if self.resolution_id else None

    @property
    def source_detail(self) -> str:
        """The source in words, as the tracker, its CSV and reminders show it."""
        if self.source == ActionSource.RESOLUTION:
            meeting = self.resolution.agenda_item.meeting
            return (
                f"{meeting.committee}, meeting of {format_date(meeting.date, 'j F Y')}, "
                f"resolution ({self.resolution.label})"
            )
        if self.source == ActionSource.COMMITMENT:
            return f"{self.commitment.theme.strategy}, commitment {self.commitment.reference}"
        if self.source == ActionSource.RECOMMENDATION:
            return f"Review {self.review.reference}, recommendation to {self.source_agency}"
        return self.other_source

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def rag_label(self) -> str:
        """Only on actions loaded through `with_rag`."""
        return Rag(self.rag).label


class ActionUpdate(models.Model):
    """A note of progress on an action, from its owner or the clerk."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} update {self.written_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.action_id and self.action.source == ActionSource.RECOMMENDATION:
            try:
                reject_identifying_details(self.text)
            except ValidationError as error:
                raise ValidationError({"text": error.messages[0]}) from None


class ReminderSent(models.Model):
    """One e-mail about one action to one person on one day: stops a second e-mail that day."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "pk"]
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "action", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.action} on {self.sent_on}"
