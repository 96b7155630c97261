"""GOV.UK-style forms for commissioning. Every message says how to put the input right.

Money is typed in pounds ("£1,015,483", "1015483.00") and cleaned to integer pence by
`partnership.forms.MoneyField`, the one field for money in the app; dates and numbers use the
fields from there too. Forms only validate and clean; views pass the cleaned values to
services.py, which does the writing.
"""

from __future__ import annotations

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Div, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from partnership.calendar import FinancialQuarter, FinancialYear
from partnership.forms import (
    PLANNING_YEARS,
    RECORDS_BEGIN,
    DateField,
    MoneyField,
    NumberField,
    PercentField,
    WholeNumberField,
    today,
)
from partnership.formsets import another_row
from partnership.models import Area, Organisation

from . import allocation
from .constants import (
    DEFAULT_FIRST_CONTACT_TARGET,
    DEFAULT_OVERSIGHT_TARGET,
    SAFE_ACCOMMODATION_TYPES,
    AllocationMethod,
    CaseloadCounts,
    ClientGroup,
    ExtensionStatus,
    FirstContactRule,
    ServiceType,
)
from .definitions import FIELDS as DEFINITION_FIELDS
from .models import CommissionedService, long_date, services_of_other_providers
from .services import CONTRACT_FIELDS, SERVICE_FIELDS, AllocationInput, ContributionInput


class FinancialYearField(forms.CharField):
    """A financial year typed as 2021/22, cleaned to its start year (2021)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-5"}),
        )
        kwargs.setdefault("error_messages", {"required": "Enter the financial year, like 2021/22"})
        super().__init__(strip=True, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return FinancialYear(value).label
        return value

    def to_python(self, value) -> int | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            year = FinancialYear.parse(text)
        except ValueError as error:
            raise ValidationError(str(error)) from error
        if not 2000 <= year.start_year <= 2100:
            raise ValidationError("Enter a financial year between 2000/01 and 2100/01")
        return year.start_year


class QuarterField(forms.CharField):
    """A financial quarter typed as 2021/22 Q1, cleaned to a FinancialQuarter."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-10"}),
        )
        kwargs.setdefault("error_messages", {"required": "Enter the quarter, like 2021/22 Q1"})
        super().__init__(strip=True, **kwargs)

    def to_python(self, value) -> FinancialQuarter | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return FinancialQuarter.parse(text)
        except ValueError as error:
            raise ValidationError(str(error)) from error


def organisation_field(label: str, *, required: bool = True, what: str = "", **kwargs):
    return forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        label=label,
        required=required,
        empty_label="Choose an organisation",
        error_messages={
            "required": f"Choose {what or label.lower()}",
            "invalid_choice": f"Choose {what or label.lower()} from the list",
        },
        **kwargs,
    )


class WarningText:
    """GOV.UK warning text in a crispy layout. The text is escaped and never read as a template
    (crispy's HTML() would read names typed into the app as template code)."""

    def __init__(self, text: str, *, testid: str):
        self.text, self.testid = text, testid

    def render(self, form, context, **kwargs) -> str:
        return format_html(
            '<div class="govuk-warning-text" data-testid="{}">'
            '<span class="govuk-warning-text__icon" aria-hidden="true">!</span>'
            '<strong class="govuk-warning-text__text">'
            '<span class="govuk-visually-hidden">Warning</span> {}</strong></div>',
            self.testid,
            self.text,
        )


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


# Services ----------------------------------------------------------------------------------


class ServiceForm(forms.Form):
    name = forms.CharField(
        label="Service name",
        max_length=200,
        error_messages={"required": "Enter the service name"},
    )
    provider = organisation_field("Provider", what="the provider")
    service_type = forms.ChoiceField(
        label="Type of service",
        choices=ServiceType.choices,
        widget=forms.RadioSelect,
        help_text="Refuges, dispersed, move-on and other specialist safe accommodation and "
        "sanctuary schemes count as safe accommodation under Part 4 of the Domestic Abuse Act "
        "2021.",
        error_messages={"required": "Choose the type of service"},
    )
    client_group = forms.ChoiceField(
        label="Who the service is for",
        choices=ClientGroup.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the service is for"},
    )
    areas = forms.ModelMultipleChoiceField(
        label="Areas covered",
        queryset=Area.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select every district the service works in.",
    )
    bed_spaces = WholeNumberField(
        label="Bed spaces (optional)",
        what="the number of bed spaces",
        example="12",
        required=False,
        max_value=10_000,
        help_text="For accommodation services only.",
    )
    units = WholeNumberField(
        label="Units of accommodation (optional)",
        what="the number of units",
        example="8",
        required=False,
        max_value=10_000,
        help_text="For accommodation services only: flats, houses or homes made safe.",
    )
    first_contact_target_percent = PercentField(
        label="Target for first contact within one working day (%)",
        what="the first contact target",
        example="95",
        initial=DEFAULT_FIRST_CONTACT_TARGET,
    )
    oversight_target_percent = PercentField(
        label="Target for managerial oversight within 24 hours (%)",
        what="the managerial oversight target",
        example="95",
        initial=DEFAULT_OVERSIGHT_TARGET,
    )
    is_active = forms.BooleanField(label="The service is running", required=False, initial=True)

    def __init__(self, *args, service: CommissionedService | None = None, **kwargs):
        self.service = service
        if service is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{name: getattr(service, name) for name in SERVICE_FIELDS},
                    "areas": list(service.areas.all()),
                },
            )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"),
            Field.select("provider"),
            Field.radios("service_type", legend_size=Size.SMALL),
            Field.radios("client_group", legend_size=Size.SMALL),
            Field.checkboxes("areas", legend_size=Size.SMALL, small=True),
            Fieldset(
                Field.text("bed_spaces"), Field.text("units"), legend="Capacity", legend_size="s"
            ),
            Fieldset(
                Field.text("first_contact_target_percent"),
                Field.text("oversight_target_percent"),
                legend="KPI targets",
                legend_size="s",
            ),
            Field.checkbox("is_active"),
        )

    def clean(self):
        cleaned = super().clean()
        service_type = cleaned.get("service_type")
        if service_type and service_type not in SAFE_ACCOMMODATION_TYPES:
            for name in ("bed_spaces", "units"):
                if cleaned.get(name) is not None:
                    self.add_error(
                        name,
                        f"{self.fields[name].label.removesuffix(' (optional)')} are only for "
                        "accommodation services. Clear this, or choose an accommodation type.",
                    )
        return cleaned


class CapacityForm(forms.Form):
    quarter = QuarterField(
        label="Quarter", help_text="Write it like 2021/22 Q1 (Q1 is April to June)."
    )
    fte = NumberField(
        label="Caseworkers in post (full-time equivalent)",
        what="the caseworker FTE",
        example="6.5",
        maximum=Decimal("9999.99"),
        required=False,
        help_text="Leave blank to remove the figure for that quarter.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("quarter"), Field.text("fte"))


# Definitions a board signs off -----------------------------------------------------------


def _yes_no(label: str, message: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": message},
        **kwargs,
    )


def _caseload(label: str, what: str, example: str, **kwargs) -> NumberField:
    return NumberField(
        label=label,
        what=what,
        example=example,
        minimum=Decimal("0.01"),
        maximum=Decimal("999"),
        **kwargs,
    )


class DefinitionForm(forms.Form):
    """A change to a service's definitions, from a day (today or later)."""

    effective_from = DateField(
        what="date the change starts",
        label="From",
        earliest=today,
        latest=PLANNING_YEARS,
        help_text="Today or a later date. Figures before it keep the definitions they were "
        "made with. For example, 1 4 2026",
    )
    caseload_benchmark = _caseload(
        "Caseload benchmark (open cases per caseworker FTE)", "the caseload benchmark", "30"
    )
    caseload_band_low = _caseload(
        "Bottom of the band", "the bottom of the band", "27", help_text="Caseloads from here..."
    )
    caseload_band_high = _caseload(
        "Top of the band", "the top of the band", "33", help_text="...to here are in range."
    )
    caseload_counts = forms.ChoiceField(
        label="What counts toward caseload",
        choices=CaseloadCounts.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what counts toward caseload"},
    )
    oversight_applies = _yes_no(
        "Does the 24-hour managerial oversight standard apply?",
        "Choose whether the oversight standard applies",
    )
    first_contact_rule = forms.ChoiceField(
        label="First contact within one working day means",
        choices=FirstContactRule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what first contact within one working day means"},
    )
    repeats_same_role = _yes_no(
        "Count a repeat referral only for the same person in the same role?",
        "Choose whether repeats must be in the same role",
        help_text="With yes, a victim earlier referred as a perpetrator is not a repeat.",
    )
    agreed_by = forms.CharField(
        label="Agreed by (optional)",
        required=False,
        max_length=200,
        help_text="Who signed the change off and when, like: Agreed by the partnership board, "
        "12 March 2026",
    )

    def __init__(self, *args, current=None, **kwargs):
        if current is not None:
            kwargs.setdefault(
                "initial",
                {
                    "effective_from": today(),
                    "caseload_benchmark": current.caseload_benchmark,
                    "caseload_band_low": current.caseload_band_low,
                    "caseload_band_high": current.caseload_band_high,
                    "caseload_counts": current.caseload_counts,
                    "oversight_applies": "yes" if current.oversight_applies else "no",
                    "first_contact_rule": current.first_contact_rule,
                    "repeats_same_role": "yes" if current.repeats_same_role else "no",
                },
            )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("effective_from"),
            Fieldset(
                Field.text("caseload_benchmark"),
                Field.text("caseload_band_low"),
                Field.text("caseload_band_high"),
                Field.radios("caseload_counts", small=True),
                legend="Caseload",
                legend_size="s",
            ),
            Field.radios("oversight_applies", small=True, inline=True, legend_size=Size.SMALL),
            Field.radios("first_contact_rule", small=True, legend_size=Size.SMALL),
            Field.radios("repeats_same_role", small=True, inline=True, legend_size=Size.SMALL),
            Field.text("agreed_by"),
        )

    def clean(self):
        cleaned = super().clean()
        low, benchmark, high = (
            cleaned.get("caseload_band_low"),
            cleaned.get("caseload_benchmark"),
            cleaned.get("caseload_band_high"),
        )
        if low is not None and benchmark is not None and low > benchmark:
            self.add_error(
                "caseload_band_low", "The bottom of the band cannot be above the benchmark"
            )
        if high is not None and benchmark is not None and high < benchmark:
            self.add_error(
                "caseload_band_high", "The top of the band cannot be below the benchmark"
            )
        return cleaned

    def definitions(self) -> dict:
        return {name: self.cleaned_data[name] for name in DEFINITION_FIELDS}


# Contracts ---------------------------------------------------------------------------------


class ContractForm(forms.Form):
    reference = forms.CharField(
        label="Contract reference",
        max_length=50,
        error_messages={"required": "Enter the contract reference, like ESX-DA-2018-01"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the contract title"}
    )
    provider = organisation_field("Provider", what="the provider")
    lead_commissioner = organisation_field(
        "Lead commissioner",
        what="the lead commissioner",
        help_text="The organisation that holds the contract for the funders.",
    )
    services = forms.ModelMultipleChoiceField(
        label="Services covered",
        queryset=CommissionedService.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    start_date = DateField(
        label="Start date",
        what="start date",
        earliest=RECORDS_BEGIN,
        latest=PLANNING_YEARS,
        example="1 10 2018",
        help_text="For example, 1 10 2018",
    )
    end_date = DateField(
        label="End date",
        what="end date",
        earliest=RECORDS_BEGIN,
        latest=PLANNING_YEARS,
        example="30 9 2021",
        help_text="The last day of the initial term, before any extension. For example, 30 9 2021",
    )
    confirm_other_providers = forms.BooleanField(
        label="Yes, this contract covers services that other organisations provide",
        required=False,
    )

    def __init__(self, *args, contract=None, **kwargs):
        if contract is not None:
            initial = {name: getattr(contract, name) for name in CONTRACT_FIELDS}
            kwargs.setdefault("initial", {**initial, "services": list(contract.services.all())})
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("reference", field_width=20),
            Field.text("title"),
            Field.select("provider"),
            Field.select("lead_commissioner"),
            Field.checkboxes("services", legend_size=Size.SMALL, small=True),
            Field("start_date", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field("end_date", context={"legend_size": "govuk-fieldset__legend--s"}),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error(
                "end_date",
                f"The end date must be after the start date ({long_date(start)}). "
                "Check the day, month and year of both dates.",
            )
        self._confirm_other_providers(cleaned)
        return cleaned

    def _confirm_other_providers(self, cleaned) -> None:
        """A service that another organisation provides needs a tick to say it is meant: the
        warning and the box appear once the form has been sent with such a service."""
        provider = cleaned.get("provider")
        others = (
            services_of_other_providers(provider, cleaned.get("services", ())) if provider else []
        )
        if not others:
            return
        listed = "; ".join(
            f"{service.name} is provided by {service.provider}" for service in others
        )
        warning = f"{listed}, not by {provider}."
        self.helper.layout.append(WarningText(warning, testid="other-providers-warning"))
        self.helper.layout.append(Field.checkbox("confirm_other_providers"))
        if not cleaned.get("confirm_other_providers"):
            several = len(others) > 1
            self.add_error(
                "confirm_other_providers",
                "Tick the box to confirm this contract covers "
                f"{' and '.join(service.name for service in others)}, which "
                f"{'other organisations provide' if several else 'another organisation provides'}"
                f", or untick {'them' if several else 'it'}",
            )


class ExtensionForm(forms.Form):
    period_months = WholeNumberField(
        label="Length of the extension (months)",
        what="the length of the extension in months",
        example="24",
        min_value=1,
        max_value=120,
    )
    status = forms.ChoiceField(
        label="Status",
        choices=ExtensionStatus.choices,
        widget=forms.RadioSelect,
        initial=ExtensionStatus.AVAILABLE,
        error_messages={
            "required": "Choose whether the extension is available, exercised or declined"
        },
    )
    decision_due = DateField(
        label="Decision due by (optional)",
        what="date the decision is due",
        earliest=RECORDS_BEGIN,
        latest=PLANNING_YEARS,
        example="31 3 2021",
        required=False,
        help_text="When the funders must decide whether to extend. For example, 31 3 2021",
    )
    decided_on = DateField(
        label="Date decided",
        what="date of the decision",
        earliest=RECORDS_BEGIN,
        latest=today,
        example="15 3 2021",
        required=False,
        help_text="Only for an extension that has been exercised or declined.",
    )

    def __init__(self, *args, extension=None, **kwargs):
        if extension is not None:
            kwargs.setdefault(
                "initial", {name: getattr(extension, name) for name in self.base_fields}
            )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("period_months"),
            Field.radios("status", legend_size=Size.SMALL),
            Field("decision_due", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field("decided_on", context={"legend_size": "govuk-fieldset__legend--s"}),
        )

    def clean(self):
        cleaned = super().clean()
        status, decided_on = cleaned.get("status"), cleaned.get("decided_on")
        if status == ExtensionStatus.AVAILABLE and decided_on:
            self.add_error(
                "decided_on",
                "An extension that is still available has no decision date. Clear the date, "
                "or choose exercised or declined.",
            )
        decided = status in (ExtensionStatus.EXERCISED, ExtensionStatus.DECLINED)
        if decided and not decided_on and "decided_on" not in self.errors:
            self.add_error(
                "decided_on", f"Enter the date the extension was {status}, like 15 3 2021"
            )
        return cleaned


class ContractYearForm(forms.Form):
    financial_year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        error_messages={
            "required": "Choose the financial year",
            "invalid_choice": "Choose a financial year in which the contract runs",
        },
    )
    annual_value = MoneyField(
        label="Annual contract value (£)",
        what="the annual value",
        example="£2,157,000",
        help_text="The value of the contract in this financial year, in pounds.",
    )

    def __init__(self, *args, contract, contract_year=None, **kwargs):
        taken = {y.financial_year for y in contract.years.all()}
        if contract_year is not None:
            taken.discard(contract_year.financial_year)
            kwargs.setdefault(
                "initial",
                {
                    "financial_year": contract_year.financial_year,
                    "annual_value": contract_year.annual_value_pence,
                },
            )
        super().__init__(*args, **kwargs)
        choices = [
            (y.start_year, y.label) for y in contract.financial_years() if y.start_year not in taken
        ]
        self.fields["financial_year"].choices = [("", "Choose a year")] + choices
        self.fields["financial_year"].help_text = (
            "The years the contract runs in, counting exercised extensions, that have no "
            "figures yet."
        )
        self.helper = _helper(Field.select("financial_year"), Field.text("annual_value"))


class ContributionForm(forms.Form):
    funder = organisation_field("Funder", required=False, what="the funder")
    amount = MoneyField(label="Amount (£)", what="the amount", example="£670,490", required=False)
    stated_percent = PercentField(
        label="Stated share (%)", what="the stated share", example="31", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Div(
                Div(Field.select("funder"), css_class="govuk-grid-column-one-half"),
                Div(Field.text("amount"), css_class="govuk-grid-column-one-quarter"),
                Div(Field.text("stated_percent"), css_class="govuk-grid-column-one-quarter"),
                css_class="govuk-grid-row",
            )
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        funder, amount = cleaned.get("funder"), cleaned.get("amount")
        stated = cleaned.get("stated_percent")
        cleaned["blank"] = funder is None and amount is None and stated is None
        if cleaned["blank"]:
            return cleaned
        if funder is None:
            self.add_error("funder", "Choose the funder who pays this amount")
        if amount is None:
            name = funder.name if funder else "this funder"
            self.add_error("amount", f"Enter the amount {name} contributes, like £670,490")
        return cleaned


class BaseContributionFormSet(forms.BaseFormSet):
    def __init__(self, *args, year_label: str = "this year", **kwargs):
        self.year_label = year_label
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            funder = form.cleaned_data.get("funder")
            if funder is None:
                continue
            if funder.pk in seen:
                form.add_error(
                    "funder",
                    f"{funder.name} is listed twice for {self.year_label}. Put its whole "
                    "contribution on one row and clear the other.",
                )
            seen.add(funder.pk)

    def contributions(self) -> list[ContributionInput]:
        return [
            ContributionInput(
                funder=form.cleaned_data["funder"],
                amount_pence=form.cleaned_data["amount"],
                stated_percent=form.cleaned_data.get("stated_percent"),
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("blank")
        ]


# absolute_max: a tampered TOTAL_FORMS builds no more forms than the page can show (Django's
# default, max_num + 1000, made one post take seconds of work).
ContributionFormSet = forms.formset_factory(
    ContributionForm,
    formset=BaseContributionFormSet,
    extra=3,
    max_num=30,
    absolute_max=30,
    validate_max=True,
)


def contribution_formset(data=None, *, contract_year=None, year_label="this year", add_row=False):
    """The funders' rows: as stored, as posted, or (`add_row`) as typed with one more row."""
    if add_row:
        return another_row(ContributionFormSet, data, prefix="contributions", year_label=year_label)
    initial = []
    if contract_year is not None:
        initial = [
            {"funder": c.funder, "amount": c.amount_pence, "stated_percent": c.stated_percent}
            for c in contract_year.contributions.all()
        ]
    return ContributionFormSet(data, initial=initial, prefix="contributions", year_label=year_label)


# Grants ------------------------------------------------------------------------------------


class FundingStreamForm(forms.Form):
    name = forms.CharField(
        label="Name of the grant",
        max_length=200,
        error_messages={"required": "Enter the name of the grant"},
    )
    funder = organisation_field("Funder", what="the funder")
    financial_year = FinancialYearField(label="Financial year", help_text="For example, 2021/22")
    total = MoneyField(label="Total (£)", what="the total", example="£194,000")

    def __init__(self, *args, stream=None, **kwargs):
        if stream is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": stream.name,
                    "funder": stream.funder,
                    "financial_year": stream.financial_year,
                    "total": stream.total_pence,
                },
            )
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"),
            Field.select("funder"),
            Field.text("financial_year"),
            Field.text("total"),
        )


class AllocationMethodForm(forms.Form):
    method = forms.ChoiceField(
        label="How should the total be split?",
        choices=AllocationMethod.choices,
        widget=forms.RadioSelect,
        initial=AllocationMethod.AMOUNTS,
        help_text="Every split is in whole pennies and adds up to exactly the total.",
        error_messages={"required": "Choose how the total should be split"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="split", **kwargs)
        self.helper = _helper(Field.radios("method", legend_size=Size.MEDIUM))


class AllocationForm(forms.Form):
    recipient = organisation_field("Recipient", required=False, what="the recipient")
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label="No area",
        error_messages={"invalid_choice": "Choose the area from the list"},
    )
    amount = MoneyField(label="Amount (£)", what="the amount", example="£32,333.33", required=False)
    stated_percent = PercentField(
        label="Share (%)", what="the share", example="16.67", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Div(
                Div(Field.select("recipient"), css_class="govuk-grid-column-one-quarter"),
                Div(Field.select("area"), css_class="govuk-grid-column-one-quarter"),
                Div(Field.text("amount"), css_class="govuk-grid-column-one-quarter"),
                Div(Field.text("stated_percent"), css_class="govuk-grid-column-one-quarter"),
                css_class="govuk-grid-row",
            )
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        values = [cleaned.get(name) for name in ("recipient", "area", "amount", "stated_percent")]
        cleaned["blank"] = all(value is None for value in values)
        if not cleaned["blank"] and cleaned.get("recipient") is None:
            self.add_error("recipient", "Choose the organisation that receives this allocation")
        return cleaned


class BaseAllocationFormSet(forms.BaseFormSet):
    def __init__(self, *args, stream, **kwargs):
        self.stream = stream
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            recipient = form.cleaned_data.get("recipient")
            if recipient is None:
                continue
            if recipient.pk in seen:
                form.add_error(
                    "recipient",
                    f"{recipient.name} is listed twice. Put its whole allocation on one row "
                    "and clear the other.",
                )
            seen.add(recipient.pk)
        if not seen:
            raise ValidationError("Add at least one recipient, with the split you want.")

    def allocations(self, method: str) -> list[AllocationInput] | None:
        """The allocations for `method`, or None after adding the errors that stop it."""
        rows = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("blank")]
        total = self.stream.total_pence
        need = {
            AllocationMethod.PERCENTAGES: ("stated_percent", "Enter the percentage for {}"),
            AllocationMethod.POPULATION: (
                "area",
                "Choose the area whose population sets {}'s share",
            ),
            AllocationMethod.AMOUNTS: ("amount", "Enter the amount for {}, like £32,333.33"),
        }.get(method)
        if need:
            name, message = need
            for form in rows:
                if form.cleaned_data.get(name) is None:
                    form.add_error(name, message.format(form.cleaned_data["recipient"].name))
            if any(f.errors for f in rows):
                return None
        try:
            if method == AllocationMethod.EQUAL:
                amounts = allocation.split_equally(total, len(rows))
            elif method == AllocationMethod.PERCENTAGES:
                amounts = allocation.split_by_percentages(
                    total, [f.cleaned_data["stated_percent"] for f in rows]
                )
            elif method == AllocationMethod.POPULATION:
                amounts = allocation.split_by_population(
                    total, [f.cleaned_data["area"].population for f in rows]
                )
            else:
                amounts = [f.cleaned_data["amount"] for f in rows]
        except ValueError as error:
            self._non_form_errors = self.error_class(
                [f"{error} Change the percentages so they add up to exactly 100."]
                if method == AllocationMethod.PERCENTAGES
                else [str(error)]
            )
            return None
        return [
            AllocationInput(
                recipient=f.cleaned_data["recipient"],
                area=f.cleaned_data.get("area"),
                amount_pence=amount,
                stated_percent=f.cleaned_data.get("stated_percent"),
            )
            for f, amount in zip(rows, amounts, strict=True)
        ]


AllocationFormSet = forms.formset_factory(
    AllocationForm,
    formset=BaseAllocationFormSet,
    extra=3,
    max_num=60,
    absolute_max=60,
    validate_max=True,
)


def allocation_formset(data=None, *, stream, add_row=False):
    """The recipients' rows: as stored, as posted, or (`add_row`) as typed with one more row."""
    if add_row:
        return another_row(AllocationFormSet, data, prefix="allocations", stream=stream)
    initial = [
        {
            "recipient": a.recipient,
            "area": a.area,
            "amount": a.amount_pence,
            "stated_percent": a.stated_percent,
        }
        for a in stream.allocations.all()
    ]
    return AllocationFormSet(data, initial=initial, prefix="allocations", stream=stream)


# The error summary -------------------------------------------------------------------------


def _target_id(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound_field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def error_summary_items(*forms_or_formsets) -> list[dict[str, str]]:
    """Every error on these forms and formsets as {"href", "text"} for the GOV.UK summary."""
    items = []
    for item in forms_or_formsets:
        if item is None:
            continue
        if isinstance(item, forms.BaseFormSet):
            first = item.forms[0] if item.forms else None
            for error in item.non_form_errors():
                href = f"#{_target_id(next(iter(first)))}" if first else "#main-content"
                items.append({"href": href, "text": error})
            members = item.forms
        else:
            members = [item]
        for form in members:
            if not form.is_bound:
                continue
            visible = form.visible_fields()
            for error in form.non_field_errors():
                items.append({"href": f"#{_target_id(visible[0])}", "text": error})
            for bound in visible:
                for error in bound.errors:
                    items.append({"href": f"#{_target_id(bound)}", "text": error})
    return items
