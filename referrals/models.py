"""The referral record, its status history and its outcomes at closure.

No names, addresses or dates of birth are stored: only the keyed hashes made by
`referrals.identity` (person_key, address_key). Writes go through `referrals.services`; the
derived columns (due times, within-SLA flags, waiting time, repeat links) are computed there by
`referrals.rules`, so the metrics need no self-joins or date arithmetic in SQL.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models, router
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.models import Area, Organisation
from partnership.runs import BackgroundRun

from . import rules
from .constants import (
    AccommodationType,
    AgeBand,
    ClosureReason,
    DeclineReason,
    EthnicGroup,
    Gender,
    MaracReferralSource,
    Outcome,
    ReferralSource,
    ReturnList,
    RiskLevel,
    SexualOrientation,
    Status,
    Subject,
    YesNoUnknown,
)

HASH_LENGTH = 64  # hex SHA-256


def format_reference(year: int, number: int) -> str:
    """A referral's reference: its number within the local year it was received."""
    return f"R-{year}-{number:06d}"


class ReferenceCounter(models.Model):
    """The last reference number given out in a calendar year (R-2025-000123 is number 123)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Referral(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    # Foreign keys that the composite indexes below already cover, or that are only followed
    # from the referral, have no index of their own: at a million rows each index slows inserts.
    service = models.ForeignKey(
        CommissionedService, on_delete=models.PROTECT, related_name="referrals", db_index=False
    )
    received_at = models.DateTimeField("received")
    source = models.CharField("referral source", max_length=30, choices=ReferralSource.choices)
    referring_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    subject = models.CharField(max_length=20, choices=Subject.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        db_index=False,
        verbose_name="district",
        help_text="District of residence; empty means out of area.",
    )
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    heard_at_marac = models.BooleanField("heard at MARAC", default=False)
    # The Marac case (SafeLives): when the case was referred to Marac, who referred it, and the
    # date of the meeting that heard it. Referrals recorded before these fields existed have
    # them empty ("not recorded"), even when heard_at_marac is true.
    marac_referred_on = models.DateField("referred to Marac", null=True, blank=True)
    marac_referral_source = models.CharField(
        "referred to Marac by",
        max_length=30,
        choices=MaracReferralSource.choices,
        blank=True,
        default="",
        db_default="",
    )
    marac_heard_on = models.DateField("heard at Marac", null=True, blank=True)
    # Stored when recorded, so the Marac figures never need the person key (referrals.marac_cases):
    # the pk of the first referral of this victim's Marac case (empty on the first itself; not a
    # foreign key, so anonymising that referral keeps the case), and whether the case is a repeat.
    marac_case = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    marac_repeat = models.BooleanField(default=False, db_default=False, editable=False)
    children_in_household = models.PositiveSmallIntegerField(default=0)

    # Equality information, as categories.
    age_band = models.CharField(max_length=20, choices=AgeBand.choices)
    gender = models.CharField(max_length=20, choices=Gender.choices)
    ethnic_group = models.CharField(max_length=40, choices=EthnicGroup.choices)
    disability = models.CharField(max_length=20, choices=YesNoUnknown.choices)
    sexual_orientation = models.CharField(max_length=20, choices=SexualOrientation.choices)
    no_recourse_to_public_funds = models.CharField(max_length=20, choices=YesNoUnknown.choices)

    # Keyed hashes (referrals.identity), never the identifiers themselves.
    person_key = models.CharField(max_length=HASH_LENGTH, editable=False)
    address_key = models.CharField(max_length=HASH_LENGTH, blank=True, editable=False)
    is_repeat = models.BooleanField(default=False, editable=False)
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,
    )
    is_repeat_address = models.BooleanField(default=False, editable=False)
    repeat_address_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    status_changed_at = models.DateTimeField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text="Empty for referrals that came from a provider's return.",
    )
    logged_at = models.DateTimeField(auto_now_add=True)

    first_contact_due_at = models.DateTimeField(editable=False)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    contacted_within_sla = models.BooleanField(null=True, editable=False)
    oversight_due_at = models.DateTimeField(editable=False)
    oversight_at = models.DateTimeField("managerial oversight", null=True, blank=True)
    oversight_within_sla = models.BooleanField(null=True, editable=False)
    waiting_list_at = models.DateTimeField("added to waiting list", null=True, blank=True)
    waiting_list_left_at = models.DateTimeField("left waiting list", null=True, blank=True)
    support_started_at = models.DateTimeField(null=True, blank=True)
    waiting_time = models.DurationField(null=True, blank=True, editable=False)
    signposted_at = models.DateTimeField(null=True, blank=True)
    signposted_to_service = models.ForeignKey(
        CommissionedService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    signposted_to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=30, choices=ClosureReason.choices, blank=True)

    # Safe accommodation support, for the annual return (referrals.annual_return). Recorded on
    # referrals to safe accommodation services: the accommodation and the household supported
    # when support starts, why a household could not be supported when declined, why support
    # ended and where the household moved on to at closing. Empty (or null) means not
    # recorded: referrals from before these fields existed have them empty, never guessed.
    accommodation_type = models.CharField(
        max_length=20, choices=AccommodationType.choices, blank=True, default="", db_default=""
    )
    adults_women = models.PositiveSmallIntegerField("women supported", null=True, blank=True)
    adults_men = models.PositiveSmallIntegerField("men supported", null=True, blank=True)
    adults_trans = models.PositiveSmallIntegerField("trans adults supported", null=True, blank=True)
    children_supported = models.PositiveSmallIntegerField(null=True, blank=True)
    characteristics_recorded = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Whether the specialist characteristics were asked (none may apply).",
    )
    specialist_characteristics = models.ManyToManyField(
        "ReturnCategory",
        blank=True,
        related_name="+",
        limit_choices_to={"kind": ReturnList.CHARACTERISTIC},
    )
    unable_to_support_reason = models.ForeignKey(
        "ReturnCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        limit_choices_to={"kind": ReturnList.UNABLE_TO_SUPPORT},
    )
    support_end_reason = models.ForeignKey(
        "ReturnCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        limit_choices_to={"kind": ReturnList.SUPPORT_ENDED},
    )
    move_on_destination = models.ForeignKey(
        "ReturnCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        limit_choices_to={"kind": ReturnList.MOVE_ON},
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        # The list pages by (received_at, id) and (reference), newest first, for everyone and
        # within an officer's services or colleagues (referrals.selectors): an index on each
        # key starts any page at once. The dashboard reads the quarter's waiting times and
        # households from covering indexes alone (referrals.metrics).
        indexes = [
            models.Index(fields=["received_at", "id"], name="referral_received_id"),
            models.Index(
                fields=["service", "received_at", "id"], name="referral_service_received_id"
            ),
            models.Index(
                fields=["logged_by", "received_at", "id"], name="referral_logged_by_received"
            ),
            # Covering the officer's visibility and the risk filter, so that "district and high
            # risk" counts its first thousand from the index alone.
            models.Index(
                fields=["area", "received_at", "id"],
                include=["risk_level", "service", "logged_by"],
                name="referral_area_received",
            ),
            models.Index(fields=["person_key", "received_at"], name="referral_person"),
            models.Index(fields=["address_key", "received_at"], name="referral_address"),
            models.Index(fields=["status", "first_contact_due_at"], name="referral_contact_due"),
            models.Index(
                fields=["oversight_due_at"],
                name="referral_oversight_due",
                condition=Q(oversight_at__isnull=True),
            ),
            models.Index(
                fields=["support_started_at"],
                include=["service", "risk_level", "waiting_time"],
                name="referral_waits",
                condition=Q(support_started_at__isnull=False),
            ),
            models.Index(
                fields=["received_at"],
                include=["service", "address_key", "is_repeat_address"],
                name="referral_households",
                condition=~Q(address_key=""),
            ),
            # Oversight within 24 hours by service, for the dashboard (read from the index alone).
            models.Index(
                fields=["received_at"],
                include=["service", "oversight_within_sla", "oversight_due_at"],
                name="referral_oversight",
            ),
            models.Index(
                fields=["closed_at"], name="referral_closed", condition=Q(closed_at__isnull=False)
            ),
            # Caseload "in active support at a quarter's end" (referrals.rules.in_support_at):
            # the cases not closed by then, without reading every row that ever had support.
            models.Index(
                fields=["closed_at"],
                include=["service", "support_started_at"],
                name="referral_in_support",
                condition=Q(support_started_at__isnull=False),
            ),
            models.Index(
                fields=["signposted_at"],
                name="referral_signposted",
                condition=Q(signposted_at__isnull=False),
            ),
            models.Index(
                fields=["waiting_list_at"],
                name="referral_waiting_list",
                condition=Q(waiting_list_at__isnull=False),
            ),
            models.Index(
                fields=["declined_at"],
                name="referral_declined",
                condition=Q(declined_at__isnull=False),
            ),
            models.Index(
                fields=["marac_heard_on"],
                name="referral_marac_heard",
                condition=Q(marac_heard_on__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_contact_at__isnull=True)
                | Q(first_contact_at__gte=models.F("received_at")),
                name="referral_contact_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(oversight_at__isnull=True)
                | Q(oversight_at__gte=models.F("received_at")),
                name="referral_oversight_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(support_started_at__isnull=True)
                | Q(support_started_at__gte=models.F("received_at")),
                name="referral_support_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("received_at")),
                name="referral_closed_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED, closed_at__isnull=False)
                | (~Q(status=Status.CLOSED) & Q(closed_at__isnull=True)),
                name="referral_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(children_in_household__lte=30), name="referral_children_plausible"
            ),
            models.CheckConstraint(
                condition=(Q(adults_women__isnull=True) | Q(adults_women__lte=30))
                & (Q(adults_men__isnull=True) | Q(adults_men__lte=30))
                & (Q(adults_trans__isnull=True) | Q(adults_trans__lte=30))
                & (Q(children_supported__isnull=True) | Q(children_supported__lte=30)),
                name="referral_household_plausible",
            ),
            models.CheckConstraint(
                condition=Q(marac_heard_on__isnull=True)
                | Q(marac_referred_on__isnull=True)
                | Q(marac_heard_on__gte=models.F("marac_referred_on")),
                name="referral_marac_heard_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral_detail", args=[self.pk])

    def validate_constraints(self, exclude=None) -> None:
        """Django checks each constraint with a query of its own, and for a row this wide
        that took 8 of the 20 ms a referral's create or update spends at a million rows. They
        are checked in one query first; only when one fails (or a field it names is excluded)
        are they checked one by one, so that each failure gets its own message."""
        if not self._every_check_holds(exclude):
            super().validate_constraints(exclude)

    def _every_check_holds(self, exclude) -> bool:
        constraints = self._meta.constraints
        if not all(isinstance(constraint, models.CheckConstraint) for constraint in constraints):
            return False
        # Each condition holds unless false (NULL passes, as in the database): so does their
        # AND, which is false exactly when one of them is.
        every_check = Q(*(constraint.condition for constraint in constraints))
        against = self._get_field_expression_map(meta=self._meta, exclude=exclude)
        try:
            return every_check.check(against, using=router.db_for_write(Referral, instance=self))
        except FieldError:
            return False

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def district_name(self) -> str:
        return self.area.name if self.area_id else "Out of area"

    @property
    def first_contact_last_day(self) -> date:
        """The last local day for first contact (the deadline is midnight at its end)."""
        return timezone.localtime(self.first_contact_due_at - timedelta(seconds=1)).date()

    @property
    def waiting_days(self):
        return rules.in_days(self.waiting_time) if self.waiting_time is not None else None

    @property
    def is_safe_accommodation(self) -> bool:
        return self.service.is_safe_accommodation

    @property
    def household_recorded(self) -> bool:
        return None not in (
            self.adults_women,
            self.adults_men,
            self.adults_trans,
            self.children_supported,
        )

    @property
    def signposted_to(self) -> str:
        target = self.signposted_to_service or self.signposted_to_organisation
        return str(target) if target else ""


class ReferralStatusChange(models.Model):
    """One step in a referral's life: from which status to which, when, and who recorded it."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    at = models.DateTimeField(help_text="When it happened, as recorded by the officer.")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["referral", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral}: {self.from_status} to {self.to_status}"


class ReferralOutcome(models.Model):
    """An outcome measure met by a closed referral; one row per outcome."""

    # The unique constraint's index starts with the referral, so the key needs no other.
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="outcomes", db_index=False
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)

    class Meta:
        ordering = ["referral", "outcome"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "outcome"], name="one_row_per_outcome")
        ]

    def __str__(self) -> str:
        return f"{self.referral}: {self.get_outcome_display()}"


class ReferralSummary(models.Model):
    """Referrals counted by local month of receipt, service and one dimension (a cache of
    `Referral` for the committee dashboard; see referrals.summary, which keeps it in step)."""

    month = models.IntegerField(help_text="Local month of receipt: year * 12 + month - 1.")
    service = models.ForeignKey(
        CommissionedService, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    dimension = models.CharField(max_length=30)
    value = models.CharField(max_length=40, blank=True)
    referrals = models.PositiveIntegerField()
    first_contact_met = models.PositiveIntegerField()
    oversight_met = models.PositiveIntegerField()
    repeats = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "referral summaries"
        constraints = [
            # Its index serves the dashboard's reads: one dimension over a range of months.
            models.UniqueConstraint(
                fields=["dimension", "month", "service", "value"], name="one_summary_row"
            )
        ]
        indexes = [models.Index(fields=["month", "service"], name="summary_bucket")]

    def __str__(self) -> str:
        return f"{self.month} {self.service_id} {self.dimension}={self.value}: {self.referrals}"


class StoredFigures(models.Model):
    """Raw counts of one kind for a period and set of services, kept while none of their
    referrals change (see referrals.stored_figures). Never released figures."""

    kind = models.CharField(max_length=30)
    start = models.DateField()
    end = models.DateField(help_text="The period's last day, inclusive.")
    services = models.CharField(
        max_length=200, blank=True, help_text="Service ids, comma-separated; blank for all."
    )
    counted_at = models.DateTimeField(help_text="When counting began.")
    figures = models.JSONField()

    class Meta:
        verbose_name_plural = "stored figures"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "start", "end", "services"], name="one_stored_figures"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}–{self.end} [{self.services or 'all'}]"


class FigureChange(models.Model):
    """When a referral of a financial quarter and service last changed (for StoredFigures)."""

    quarter = models.IntegerField(help_text="FinancialQuarter.index")
    service_id = models.IntegerField()  # not a foreign key: a mark outlives nothing it names
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quarter", "service_id"], name="one_figure_change")
        ]

    def __str__(self) -> str:
        return f"quarter {self.quarter}, service {self.service_id}: {self.changed_at}"


class ReturnCategory(models.Model):
    """One value of a configurable list of the safe accommodation return (`ReturnList`).

    The return's form and guidance were not available when this was built (see
    referrals/return_lists.py): values the published release confirms are marked `confirmed`
    and in use by default; the others are offered, switched off, for a performance lead to
    switch on. A value in use on a referral is never deleted, only switched off.
    """

    kind = models.CharField(max_length=30, choices=ReturnList.choices)
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=120)
    confirmed = models.BooleanField(
        default=False, help_text="The published statistics confirm the return asks for it."
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where it comes from.")
    is_active = models.BooleanField("in use", default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "pk"]
        verbose_name_plural = "return categories"
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="one_return_code_per_list"),
            models.UniqueConstraint(
                fields=["kind", "label"],
                name="one_return_label_per_list",
                violation_error_message="The list already has a value with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class AnnualReturnRun(BackgroundRun):
    """One making of the safe accommodation annual return for a financial year, by Celery.

    A background run (partnership.runs): queued, then running under a lease, then ready (with
    the figures as worked out, the XLSX and its checksum) or failed (with the reason). A run
    whose worker died is made again by the sweep, a bounded number of times.
    """

    task_name = "referrals.make_annual_return"

    financial_year = models.PositiveSmallIntegerField(
        help_text="The year it starts: 2024 is 2024/25."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data_as_at = models.DateTimeField(null=True, blank=True)
    # The return's figures and their reconciliation with the dashboard, as the page shows them
    # and the XLSX holds them (referrals.annual_return.figures.AnnualReturn.as_json).
    figures = models.JSONField(default=dict, blank=True, editable=False)
    xlsx = models.FileField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Safe accommodation return {self.year_label}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:annual_return_detail", args=[self.pk])

    @property
    def year_label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    @property
    def download_name(self) -> str:
        return f"safe-accommodation-return-{self.year_label.replace('/', '-')}.xlsx"


# The models of imported provider returns live with their package (referrals/imports/).
from .imports.models import ImportedCase, ImportProblem, ReturnImport  # noqa: E402, F401
