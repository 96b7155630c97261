"""Commissioned services, contracts with their years and funders, and grants with allocations.

Money is integer pence. Shares are never stored: `metrics.py` derives them from the amounts.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from partnership.calendar import FinancialQuarter, FinancialYear
from partnership.models import Area, Organisation

from .constants import (
    DEFAULT_CASELOAD_BAND,
    DEFAULT_CASELOAD_BENCHMARK,
    DEFAULT_FIRST_CONTACT_TARGET,
    DEFAULT_OVERSIGHT_TARGET,
    SAFE_ACCOMMODATION_TYPES,
    ClientGroup,
    ExtensionStatus,
    ServiceType,
)

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
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
    caseload_benchmark = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_CASELOAD_BENCHMARK,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    caseload_band_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_CASELOAD_BAND,
        validators=PERCENT_VALIDATORS,
    )

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
                & models.Q(oversight_target_percent__lte=100)
                & models.Q(caseload_band_percent__gte=0)
                & models.Q(caseload_band_percent__lte=100)
                & models.Q(caseload_benchmark__gt=0),
                name="service_targets_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("commissioning:service_detail", args=[self.pk])

    @property
    def is_safe_accommodation(self) -> bool:
        """Relevant accommodation under Part 4 of the Domestic Abuse Act 2021 (see constants)."""
        return self.service_type in SAFE_ACCOMMODATION_TYPES


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
