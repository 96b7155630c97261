"""Commissioned services, contracts with their years and funders, and grants with allocations.

Money is integer pence. Shares are never stored: `metrics.py` derives them from the amounts.
"""

from __future__ import annotations

import calendar
import re
import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from partnership.calendar import FinancialQuarter, FinancialYear
from partnership.models import Area, Organisation

from .constants import (
    DEFAULT_FIRST_CONTACT_TARGET,
    DEFAULT_OVERSIGHT_TARGET,
    PUBLIC_LOCATION_FIELDS,
    SAFE_ACCOMMODATION_TYPES,
    CaseloadCounts,
    ClientGroup,
    ExtensionStatus,
    FirstContactRule,
    Language,
    ServiceType,
    Weekday,
)

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
AGE_VALIDATORS = [MaxValueValidator(120)]
# A UK postcode anywhere in a text (SW1A 1AA, sw1a1aa); used to keep one out of a safe
# accommodation service's public text.
POSTCODE_IN_TEXT = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", re.IGNORECASE)
POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", re.IGNORECASE)
# A UK telephone number: 0 or +44 and 9 or 10 more digits, spaces allowed.
PHONE = re.compile(r"(0|\+44)[0-9]{9,10}")
PHONE_MESSAGE = "Enter a UK telephone number, like 0808 123 4567 or +44 808 123 4567"
NO_SAFE_ACCOMMODATION_ADDRESS = (
    "Safe accommodation never has a public address in the directory, only the areas it serves. "
    "Clear the address, or choose a type of service that is not safe accommodation."
)
FIRST_FINANCIAL_YEAR = 2000
LAST_FINANCIAL_YEAR = 2100


def long_date(day: date) -> str:
    """1 October 2018."""
    return f"{day.day} {day:%B %Y}"


def add_months(day: date, months: int) -> date:
    """`day` moved on by whole months; a month's last day stays the last day.

    30 September + 6 months is 31 March; 15 May + 1 month is 15 June; 31 January + 1 is 28 or 29
    February.
    """
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    is_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month + 1, last if is_month_end else min(day.day, last))


class CommissionedService(models.Model):
    name = models.CharField(max_length=200)
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commissioned_services"
    )
    service_type = models.CharField(max_length=40, choices=ServiceType.choices)
    areas = models.ManyToManyField(Area, related_name="commissioned_services", blank=True)
    client_group = models.CharField(max_length=30, choices=ClientGroup.choices)
    bed_spaces = models.PositiveIntegerField(null=True, blank=True)
    units = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    first_contact_target_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_FIRST_CONTACT_TARGET,
        validators=PERCENT_VALIDATORS,
    )
    oversight_target_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_OVERSIGHT_TARGET,
        validators=PERCENT_VALIDATORS,
    )
    # The public directory listing (Open Referral UK, see commissioning/opendata/). Nothing here
    # is public until a commissioner publishes it, and only while the service is running.
    directory_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="The service's identifier in the open directory; it never changes.",
    )
    directory_published = models.BooleanField(default=False)
    directory_modified_at = models.DateTimeField(null=True, blank=True)
    public_description = models.TextField(max_length=2000, blank=True)
    eligibility = models.TextField(max_length=1000, blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True, validators=AGE_VALIDATORS)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True, validators=AGE_VALIDATORS)
    phone = models.CharField(max_length=20, blank=True)
    website = models.URLField(max_length=300, blank=True)
    self_referral = models.TextField("how to refer yourself", max_length=1000, blank=True)
    languages = models.JSONField(default=list, blank=True, help_text="Language codes.")
    is_free = models.BooleanField(default=True)
    cost_description = models.CharField(max_length=300, blank=True)
    # Where people can go in person. Never filled in for safe accommodation (see Meta and clean).
    location_name = models.CharField(max_length=200, blank=True)
    location_address = models.CharField(max_length=200, blank=True)
    location_town = models.CharField(max_length=100, blank=True)
    location_county = models.CharField(max_length=100, blank=True)
    location_postcode = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "provider"],
                name="service_name_per_provider",
                violation_error_message="This provider already has a service with this name. "
                "Give the service a different name, or change the existing one.",
            ),
            models.CheckConstraint(
                condition=models.Q(first_contact_target_percent__gte=0)
                & models.Q(first_contact_target_percent__lte=100)
                & models.Q(oversight_target_percent__gte=0)
                & models.Q(oversight_target_percent__lte=100),
                name="service_targets_in_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(service_type__in=sorted(SAFE_ACCOMMODATION_TYPES))
                | models.Q(**dict.fromkeys(PUBLIC_LOCATION_FIELDS, "")),
                name="no_public_location_for_safe_accommodation",
                violation_error_message=NO_SAFE_ACCOMMODATION_ADDRESS,
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("commissioning:service_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.is_safe_accommodation:
            errors |= self._safe_accommodation_errors()
        elif self.has_public_location:
            errors |= self._location_errors()
        errors |= self._listing_errors()
        if errors:
            raise ValidationError(errors)

    def _safe_accommodation_errors(self) -> dict[str, str]:
        """No address, and no postcode typed into the public text either."""
        errors = dict.fromkeys(self.filled_location_fields, NO_SAFE_ACCOMMODATION_ADDRESS)
        for name in ("public_description", "eligibility", "self_referral", "cost_description"):
            if POSTCODE_IN_TEXT.search(getattr(self, name)):
                errors[name] = (
                    "Take the postcode out. The directory never shows where safe accommodation "
                    "is, only the areas it serves."
                )
        return errors

    def _location_errors(self) -> dict[str, str]:
        errors = {}
        needed = {
            "location_address": "Enter the building and street",
            "location_town": "Enter the town or city",
            "location_county": "Enter the county",
            "location_postcode": "Enter the postcode, like NV1 2AB",
        }
        for name, message in needed.items():
            if not getattr(self, name).strip():
                errors[name] = f"{message}, or clear the whole address"
        postcode = self.location_postcode.strip()
        if postcode and not POSTCODE.fullmatch(postcode):
            errors["location_postcode"] = "Enter a real postcode, like NV1 2AB"
        return errors

    def _listing_errors(self) -> dict[str, str]:
        errors = {}
        if self.phone and not PHONE.fullmatch(self.phone.replace(" ", "")):
            errors["phone"] = PHONE_MESSAGE
        unknown = [code for code in self.languages if code not in Language.values]
        if unknown or len(set(self.languages)) != len(self.languages):
            errors["languages"] = "Choose each language from the list once"
        low, high = self.minimum_age, self.maximum_age
        if low is not None and high is not None and low > high:
            errors["maximum_age"] = f"The maximum age must be {low} or more, the minimum age"
        if not self.is_free and not self.cost_description.strip():
            errors["cost_description"] = "Say what the service costs, or say that it is free"
        if self.directory_published:
            if not self.public_description.strip():
                errors["public_description"] = "Describe the service before publishing it"
            if not (self.phone or self.website or self.self_referral.strip()):
                errors["phone"] = (
                    "Give a telephone number, a website or how to refer yourself before "
                    "publishing the service"
                )
        return errors

    @property
    def is_safe_accommodation(self) -> bool:
        """Relevant accommodation under Part 4 of the Domestic Abuse Act 2021 (see constants)."""
        return self.service_type in SAFE_ACCOMMODATION_TYPES

    @property
    def filled_location_fields(self) -> list[str]:
        return [name for name in PUBLIC_LOCATION_FIELDS if getattr(self, name).strip()]

    @property
    def has_public_location(self) -> bool:
        return bool(self.filled_location_fields)

    def language_names(self) -> list[str]:
        return [Language(code).label for code in self.languages if code in Language.values]


class OpeningTime(models.Model):
    """When a service in the directory is open: some days of the week, between two times.

    `days` holds iCalendar day codes in week order ("MO,TU,WE,TH,FR"); 00:00 to 23:59 is all day.
    """

    service = models.ForeignKey(
        CommissionedService, on_delete=models.CASCADE, related_name="opening_times"
    )
    days = models.CharField(max_length=20)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        ordering = ["service", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="opening_time_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.describe()}"

    def clean(self) -> None:
        codes = self.day_codes
        if not codes or any(code not in Weekday.values for code in codes):
            raise ValidationError({"days": "Choose the days the service is open"})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": "The closing time must be after the opening time, like 17:00"}
            )

    @property
    def day_codes(self) -> list[str]:
        return [code for code in self.days.split(",") if code]

    @property
    def is_all_day(self) -> bool:
        return (
            self.opens_at.strftime("%H:%M") == "00:00"
            and self.closes_at.strftime("%H:%M") == "23:59"
        )

    def describe(self) -> str:
        """Monday, Tuesday and Friday, 09:00 to 17:00 (or "24 hours")."""
        names = [Weekday(code).label for code in self.day_codes]
        days = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        if len(names) == 7:
            days = "Every day"
        hours = (
            "24 hours" if self.is_all_day else f"{self.opens_at:%H:%M} to {self.closes_at:%H:%M}"
        )
        return f"{days}, {hours}"


class CaseworkerCapacity(models.Model):
    """Caseworker full-time equivalents in post for a service in one financial quarter."""

    service = models.ForeignKey(
        CommissionedService, on_delete=models.CASCADE, related_name="caseworker_capacity"
    )
    quarter_index = models.IntegerField(help_text="FinancialQuarter.index")
    fte = models.DecimalField(
        max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["service", "quarter_index"]
        verbose_name_plural = "caseworker capacity"
        constraints = [
            models.UniqueConstraint(
                fields=["service", "quarter_index"], name="one_fte_per_service_quarter"
            ),
            models.CheckConstraint(condition=models.Q(fte__gte=0), name="fte_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.fte} FTE in {self.quarter}"

    @property
    def quarter(self) -> FinancialQuarter:
        return FinancialQuarter.from_index(self.quarter_index)


class ServiceDefinition(models.Model):
    """How a service's figures are defined, as a board signed it off, in force from a day.

    A service's definitions on any day are those of its row with the latest `effective_from`
    on or before that day (commissioning.definitions reads them). A row never starts before the
    day it is added, and is replaced only before it starts, so a change applies from then on
    and the figures of earlier quarters stay as they were made.
    """

    service = models.ForeignKey(
        CommissionedService, on_delete=models.CASCADE, related_name="definitions"
    )
    effective_from = models.DateField()
    caseload_benchmark = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    caseload_band_low = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    caseload_band_high = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    caseload_counts = models.CharField(max_length=20, choices=CaseloadCounts.choices)
    oversight_applies = models.BooleanField(
        help_text="Whether the 24-hour managerial oversight standard applies."
    )
    first_contact_rule = models.CharField(max_length=40, choices=FirstContactRule.choices)
    repeats_same_role = models.BooleanField(
        help_text="A repeat referral is one of the same person in the same role only."
    )
    agreed_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who signed the change off and when, e.g. Agreed by the partnership board, "
        "12 March 2025.",
    )
    recorded_by = models.ForeignKey(
        "partnership.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "effective_from"],
                name="one_definition_per_service_day",
                violation_error_message="This service already has definitions from that day.",
            ),
            models.CheckConstraint(
                condition=models.Q(caseload_band_low__gt=0)
                & models.Q(caseload_band_low__lte=models.F("caseload_benchmark"))
                & models.Q(caseload_benchmark__lte=models.F("caseload_band_high")),
                name="definition_band_around_benchmark",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service}: definitions from {long_date(self.effective_from)}"

    def clean(self) -> None:
        low, benchmark, high = (
            self.caseload_band_low,
            self.caseload_benchmark,
            self.caseload_band_high,
        )
        if None not in (low, benchmark, high):
            if low > benchmark:
                raise ValidationError(
                    {"caseload_band_low": "The bottom of the band cannot be above the benchmark."}
                )
            if high < benchmark:
                raise ValidationError(
                    {"caseload_band_high": "The top of the band cannot be below the benchmark."}
                )


def services_of_other_providers(
    provider: Organisation, services: Iterable[CommissionedService]
) -> list[CommissionedService]:
    """The services run by an organisation other than the contract's provider. Allowed (a lead
    provider may subcontract), but unusual enough that the form asks for it to be confirmed and
    the contract's page says so."""
    return [service for service in services if service.provider_id != provider.pk]


class Contract(models.Model):
    reference = models.CharField(
        max_length=50,
        unique=True,
        error_messages={
            "unique": "Another contract already has this reference. References must be unique."
        },
    )
    title = models.CharField(max_length=200)
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_held"
    )
    lead_commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_led"
    )
    services = models.ManyToManyField(CommissionedService, related_name="contracts", blank=True)
    start_date = models.DateField()
    end_date = models.DateField(help_text="End of the initial term, before any extension.")
    # Open data (OCDS, see commissioning/opendata/ocds.py): the id in the contract's OCID, and
    # whether a commissioner has chosen to publish it.
    open_data_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    open_data_published = models.BooleanField(default=False)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="contract_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("commissioning:contract_detail", args=[self.pk])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError(
                {
                    "end_date": "The end date must be after the start date "
                    f"({long_date(self.start_date)}). Check the day, month and year."
                }
            )

    @property
    def effective_end_date(self) -> date:
        """The end of the initial term moved on by every exercised extension."""
        months = sum(
            extension.period_months
            for extension in self.extensions.all()
            if extension.status == ExtensionStatus.EXERCISED
        )
        return add_months(self.end_date, months)

    def services_of_other_providers(self) -> list[CommissionedService]:
        """The services covered that another organisation provides (see the function below)."""
        return services_of_other_providers(self.provider, self.services.all())

    def financial_years(self) -> list[FinancialYear]:
        """Every financial year the contract runs in, counting exercised extensions."""
        first = FinancialYear.containing(self.start_date)
        last = FinancialYear.containing(self.effective_end_date)
        return [FinancialYear(y) for y in range(first.start_year, last.start_year + 1)]


class ContractExtension(models.Model):
    """An option to extend a contract, and what was decided about it."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="extensions")
    period_months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    status = models.CharField(
        max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.AVAILABLE
    )
    decision_due = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=ExtensionStatus.AVAILABLE, decided_on__isnull=True)
                | (
                    ~models.Q(status=ExtensionStatus.AVAILABLE) & models.Q(decided_on__isnull=False)
                ),
                name="extension_decided_on_matches_status",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_months}-month extension of {self.contract.reference}"

    def clean(self) -> None:
        if self.status == ExtensionStatus.AVAILABLE and self.decided_on:
            raise ValidationError(
                {
                    "decided_on": "An extension that is still available has no decision date. "
                    "Leave the date blank, or choose exercised or declined."
                }
            )
        if self.status != ExtensionStatus.AVAILABLE and not self.decided_on:
            decision = self.get_status_display().lower()
            raise ValidationError({"decided_on": f"Enter the date the extension was {decision}."})


class ContractYear(models.Model):
    """A contract's annual value in one financial year, and (through contributions) who pays."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="years")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2021 for 2021/22.",
        validators=[
            MinValueValidator(FIRST_FINANCIAL_YEAR),
            MaxValueValidator(LAST_FINANCIAL_YEAR),
        ],
    )
    annual_value_pence = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["contract", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "financial_year"],
                name="one_year_row_per_contract_year",
                violation_error_message="This contract already has figures for that financial "
                "year. Change that year's figures instead of adding the year again.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.year}"

    def get_absolute_url(self) -> str:
        return f"{self.contract.get_absolute_url()}#year-{self.contract_id}-{self.financial_year}"

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)

    def clean(self) -> None:
        if self.contract_id and self.financial_year:
            years = self.contract.financial_years()
            if self.year not in years:
                raise ValidationError(
                    {
                        "financial_year": f"The contract runs from {years[0]} to {years[-1]}. "
                        f"Enter a financial year in that range, or record the extension first."
                    }
                )


class FundingContribution(models.Model):
    """What one funder pays towards a contract in one year.

    `stated_percent` is what a committee paper said the share was, kept only to be checked
    against the share derived from the amounts.
    """

    contract_year = models.ForeignKey(
        ContractYear, on_delete=models.CASCADE, related_name="contributions"
    )
    funder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    amount_pence = models.PositiveBigIntegerField()
    stated_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT_VALIDATORS
    )

    class Meta:
        ordering = ["contract_year", "-amount_pence", "funder__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract_year", "funder"],
                name="one_contribution_per_funder_year",
                violation_error_message="A funder can be listed only once in a year. Put its "
                "whole contribution on one row.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.funder} towards {self.contract_year}"


class FundingStream(models.Model):
    """A grant: a total from one funder for one financial year, allocated to recipients."""

    name = models.CharField(max_length=200)
    funder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2021 for 2021/22.",
        validators=[
            MinValueValidator(FIRST_FINANCIAL_YEAR),
            MaxValueValidator(LAST_FINANCIAL_YEAR),
        ],
    )
    total_pence = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["-financial_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "financial_year"],
                name="one_grant_per_year",
                violation_error_message="There is already a grant with this name in this "
                "financial year. Give it a different name, or change the existing grant.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("commissioning:grant_detail", args=[self.pk])

    @property
    def year(self) -> FinancialYear:
        return FinancialYear(self.financial_year)


class GrantAllocation(models.Model):
    stream = models.ForeignKey(FundingStream, on_delete=models.CASCADE, related_name="allocations")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The area whose population is used for a split by population.",
    )
    amount_pence = models.PositiveBigIntegerField()
    stated_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT_VALIDATORS
    )

    class Meta:
        ordering = ["stream", "recipient__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "recipient"],
                name="one_allocation_per_recipient",
                violation_error_message="A recipient can be listed only once in a grant. Put "
                "its whole allocation on one row.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} from {self.stream}"
