"""The register of domestic homicide and related death reviews.

It holds no names or identifying details of the people involved: a reference, the district,
the kind of review, its dates and its status, nothing else. Each review's recommendations are
actions (`Action` with source "recommendation") with the agency they are made to.
Only performance leads, commissioners and admins read it (scrutiny/selectors.py).
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from partnership.models import Area

from ..constants import ReviewKind, ReviewStatus
from ..validators import reject_identifying_details

# In date order: each, when given, is on or after the one before it.
REVIEW_DATES = {
    "commissioned_on": "date it was commissioned",
    "submitted_on": "date it went to the Home Office",
    "published_on": "date it was published",
    "closed_on": "date it was closed",
}


class Review(models.Model):
    reference = models.CharField(
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z]{2,10}[ /-]?[0-9]{1,4}(?:[ /-][0-9]{1,4}){0,2}$",
                "Enter the reference as letters then numbers, for example DHR-2024-01.",
            ),
            reject_identifying_details,
        ],
        help_text="The board's own reference, for example DHR-2024-01. Never a name.",
    )
    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.COMMISSIONED
    )
    commissioned_on = models.DateField()
    submitted_on = models.DateField(
        null=True, blank=True, help_text="Sent to the Home Office quality assurance panel."
    )
    published_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-commissioned_on", "reference"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:review_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        previous = None
        for name in REVIEW_DATES:
            day = getattr(self, name)
            if day is None:
                continue
            if previous is not None and day < getattr(self, previous):
                errors[name] = f"This date must be on or after the {REVIEW_DATES[previous]}."
            previous = name
        if self.status == ReviewStatus.WITH_HOME_OFFICE and self.submitted_on is None:
            errors["submitted_on"] = "Enter the date the review went to the Home Office."
        if self.status == ReviewStatus.PUBLISHED and self.published_on is None:
            errors["published_on"] = "Enter the date the review was published."
        if self.status == ReviewStatus.CLOSED and self.closed_on is None:
            errors["closed_on"] = "Enter the date the review was closed."
        if errors:
            raise ValidationError(errors)
