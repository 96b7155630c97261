"""The board's strategy and its delivery plan: themes, and the commitments partners make.

A commitment's milestones are actions (`Action` with source "commitment"): each has an owner,
a due date, updates and evidence, and appears in the action tracker with the rest. The
commitment's RAG is the worst of its milestones' (`scrutiny/plans.py`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from partnership.models import Organisation

from ..constants import PlanMeasure


class Strategy(models.Model):
    """A strategy for a period of years, e.g. the Domestic Abuse Strategy 2022–27."""

    title = models.CharField(max_length=200)
    start_year = models.PositiveSmallIntegerField(help_text="The year the strategy starts.")
    end_year = models.PositiveSmallIntegerField(help_text="The year it ends.")
    summary = models.TextField(blank=True, help_text="Markdown.")

    class Meta:
        verbose_name_plural = "strategies"
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gt=F("start_year")),
                name="strategy_ends_after_it_starts",
                violation_error_message="The strategy must end in a later year than it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:strategy_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        for name in ("start_year", "end_year"):
            year = getattr(self, name)
            if year is not None and not 2000 <= year <= 2100:
                errors[name] = "Enter a year like 2022."
        if errors:
            raise ValidationError(errors)
        if self.start_year and self.end_year and self.end_year <= self.start_year:
            raise ValidationError(
                {"end_year": "The strategy must end in a later year than it starts."}
            )

    @property
    def period(self) -> str:
        """As strategies are named: 2022–27 (or 2098–2102 across a century)."""
        if self.start_year // 100 == self.end_year // 100:
            return f"{self.start_year}–{self.end_year % 100:02d}"
        return f"{self.start_year}–{self.end_year}"


class Theme(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="themes")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["strategy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "position"], name="theme_position_unique")
        ]

    def __str__(self) -> str:
        return f"Theme {self.position}: {self.title}"


class Commitment(models.Model):
    """What a partner commits to under a theme, who leads it, and how it is measured."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="commitments")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(
        max_length=20,
        choices=PlanMeasure.choices,
        blank=True,
        help_text="A dashboard figure that shows whether the commitment is working.",
    )

    class Meta:
        ordering = ["theme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "position"], name="commitment_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("scrutiny:commitment_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """As the plan numbers it: 2.3 is the third commitment of theme 2."""
        return f"{self.theme.position}.{self.position}"
