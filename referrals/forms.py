"""The officer's forms: log a referral, the next-step forms and the list filters.

The identifying fields (name, date of birth, postcode, house number or name) are turned into
keyed hashes by `ReferralForm.identity_keys()` and never saved. A form with errors is shown again
with what the officer has just typed in them, and only that: nothing stored about anyone is ever
put back into the form (only the hashes are stored, and they are never shown). The page is sent
`no-store` (every signed-in page is, by `partnership.middleware`), so the browser keeps no copy,
and the fields have `autocomplete="off"`, so it offers no earlier entries either.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from commissioning.models import CommissionedService
from partnership.calendar import FinancialYear
from partnership.forms import (
    BORN_AFTER,
    DIARY_YEARS,
    RECORDS_BEGIN,
    DateField,
    TimeField,
    WholeNumberField,
    today,
)
from partnership.models import Area, Organisation

from . import identity
from .constants import (
    ACCOMMODATION_OF_SERVICE_TYPE,
    OUT_OF_AREA,
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
from .models import Referral, ReturnCategory
from .services import AccommodationDetails, MaracCase

# The names of the identifying inputs, for sensitive_post_parameters. DateInputField posts
# date_of_birth_0, _1 and _2.
IDENTITY_POST_PARAMETERS = (
    "full_name",
    "date_of_birth_0",
    "date_of_birth_1",
    "date_of_birth_2",
    "postcode",
    "house",
)
IDENTIFIERS_NOTICE = (
    '<div class="govuk-inset-text" data-testid="identifiers-notice">These details are used only '
    "to find earlier referrals of the same person or household. They are turned into a code that "
    "cannot be read back, and are not stored. If the form has an error, they are shown again on "
    "this page only, so that you do not have to type them again.</div>"
)
EQUALITY_FIELDS = (
    "age_band",
    "gender",
    "ethnic_group",
    "disability",
    "sexual_orientation",
    "no_recourse_to_public_funds",
)
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def _combine(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _choice_field(choices, label: str, message: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices, label=label, error_messages={"required": message}, **kwargs
    )


def _radios(choices, label: str, message: str, **kwargs) -> forms.ChoiceField:
    return _choice_field(choices, label, message, widget=forms.RadioSelect, **kwargs)


def _service_choices() -> list[tuple[str, str]]:
    services = CommissionedService.objects.filter(is_active=True).select_related("provider")
    return [(str(service.pk), f"{service.name} ({service.provider})") for service in services]


def _helper_inside_template_form() -> FormHelper:
    """crispy's helper for a form whose <form> tag and CSRF token are in the page template: one
    form element, one token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.provider})"


class ReferralForm(forms.Form):
    service = ServiceChoiceField(
        queryset=CommissionedService.objects.filter(is_active=True).select_related("provider"),
        label="Service referred to",
        empty_label="Select a service",
        error_messages={"required": "Select the service the person was referred to"},
    )
    received_date = DateField(
        what="date received",
        label="Date received",
        earliest=RECORDS_BEGIN,
        latest=today,
        help_text="For example, 27 3 2025",
    )
    received_time = TimeField(what="time received", label="Time received")
    source = _radios(
        ReferralSource.choices, "Where did the referral come from?", "Select the referral source"
    )
    referring_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        label="Referring organisation (optional)",
        empty_label="Not known or not listed",
    )
    subject = _radios(Subject.choices, "Who is the referral about?", "Select who it is about")
    area = _choice_field(
        [],
        "District of residence",
        "Select the district where the person lives, or out of area",
    )
    risk_level = _radios(RiskLevel.choices, "Risk level", "Select the risk level")
    heard_at_marac = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Has the case been heard at MARAC?",
        error_messages={"required": "Select yes if the case has been heard at MARAC"},
    )
    children_in_household = WholeNumberField(
        what="the number of children",
        example="0 or 2",
        max_value=30,
        label="Number of children in the household",
        help_text="Enter 0 if there are none. For a referral about a child, count that child too.",
        error_messages={
            "required": "Enter the number of children in the household, or 0 if there are none",
            "min_value": "The number of children cannot be less than 0",
            "max_value": "The number of children must be 30 or fewer",
        },
    )

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's full name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    date_of_birth = DateField(
        what="date of birth",
        label="Date of birth",
        earliest=BORN_AFTER,
        latest=today,
        example="31 3 1980",
        help_text="For example, 31 3 1980",
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=10,
        help_text="Leave the postcode and house number or name blank if the person has no "
        "fixed address or you do not know it",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": "Enter a real postcode, like AA1 1AA"},
    )
    house = forms.CharField(
        label="House number or name (optional)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": "The house number or name must be 100 characters or fewer"},
    )

    age_band = _choice_field(AgeBand.choices, "Age band", "Select the age band, or not known")
    gender = _choice_field(Gender.choices, "Gender", "Select the gender, or not known")
    ethnic_group = _choice_field(
        EthnicGroup.choices, "Ethnic group", "Select the ethnic group, or not known"
    )
    disability = _choice_field(
        YesNoUnknown.choices, "Disability", "Select whether the person has a disability"
    )
    sexual_orientation = _choice_field(
        SexualOrientation.choices, "Sexual orientation", "Select the sexual orientation"
    )
    no_recourse_to_public_funds = _choice_field(
        YesNoUnknown.choices,
        "No recourse to public funds",
        "Select whether the person has no recourse to public funds",
    )

    def __init__(self, *args, **kwargs):
        now = timezone.localtime()
        kwargs.setdefault(
            "initial",
            dict.fromkeys(EQUALITY_FIELDS, "not_known")
            | {"received_date": now.date(), "received_time": now.strftime("%H:%M")},
        )
        super().__init__(*args, **kwargs)
        self.fields.update(marac_fields())
        self.fields["area"].choices = (
            [("", "Select a district")]
            + [(str(area.pk), area.name) for area in Area.objects.all()]
            + [(OUT_OF_AREA, "Out of area")]
        )
        self.helper = _helper_inside_template_form()
        self.helper.layout = Layout(
            Fieldset(
                Field.select("service"),
                Field("received_date"),
                Field.text("received_time", field_width=5),
                Field.radios("source", small=True),
                Field.select("referring_organisation"),
                legend="The referral",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.radios("subject", small=True),
                Field.select("area"),
                Field.radios("risk_level", small=True, inline=True),
                Field.radios("heard_at_marac", small=True, inline=True),
                HTML(
                    '<p class="govuk-body">If the case has been heard at Marac, give the dates '
                    "and who referred it, if you know them. You can add them later.</p>"
                ),
                Field("marac_referred_on"),
                Field.select("marac_referral_source"),
                Field("marac_heard_on"),
                Field.text("children_in_household", field_width=3),
                legend="The person",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                HTML(IDENTIFIERS_NOTICE),
                Field.text("full_name", field_width=20),
                Field("date_of_birth"),
                Field.text("postcode", field_width=10),
                Field.text("house", field_width=20),
                legend="Identifying details (not stored)",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.select("age_band"),
                Field.select("gender"),
                Field.select("ethnic_group"),
                Field.select("disability"),
                Field.select("sexual_orientation"),
                Field.select("no_recourse_to_public_funds"),
                legend="Equality information",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Button("save", "Save referral"),
        )

    def clean_area(self):
        value = self.cleaned_data["area"]
        if value == OUT_OF_AREA:
            return None
        try:
            return Area.objects.get(pk=int(value))
        except (Area.DoesNotExist, ValueError):
            raise ValidationError("Select a district from the list, or out of area") from None

    @sensitive_variables()
    def clean_full_name(self):
        name = self.cleaned_data["full_name"]
        if not identity.normalise_text(name):
            raise ValidationError("Enter the person's full name using letters")
        return name

    @sensitive_variables()
    def clean_postcode(self):
        postcode = identity.normalise_postcode(self.cleaned_data["postcode"])
        if postcode and not POSTCODE.match(postcode):
            raise ValidationError("Enter a real postcode, like AA1 1AA")
        return postcode

    @sensitive_variables()
    def clean(self):
        cleaned = super().clean()
        day, moment = cleaned.get("received_date"), cleaned.get("received_time")
        if day is not None and moment is not None:
            received_at = _combine(day, moment)
            # A later day is refused by the date field; later today is the time's fault.
            if received_at > timezone.now():
                self.add_error("received_time", "The time received cannot be in the future")
            else:
                cleaned["received_at"] = received_at
        cleaned["marac"] = clean_marac(self, cleaned, required=False)
        if cleaned["marac"] is not None and cleaned.get("heard_at_marac") is False:
            self.add_error(
                "heard_at_marac",
                "Select yes if the case has been heard at MARAC, or clear the Marac dates",
            )
        postcode, house = cleaned.get("postcode"), cleaned.get("house", "").strip()
        if postcode and not house:
            self.add_error("house", "Enter the house number or name as well as the postcode")
        elif house and not postcode and "postcode" not in self.errors:
            self.add_error("postcode", "Enter the postcode as well as the house number or name")
        return cleaned

    @sensitive_variables()
    def identity_keys(self) -> tuple[str, str]:
        """(person key, address key) from the cleaned identifiers; address key "" if none."""
        data = self.cleaned_data
        person = identity.person_key(data["full_name"], data["date_of_birth"])
        address = identity.address_key(data["postcode"], data["house"]) if data["postcode"] else ""
        return person, address

    def referral_fields(self) -> dict:
        """The non-identifying fields, as referral_create's keyword arguments."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "service",
                "received_at",
                "source",
                "referring_organisation",
                "subject",
                "area",
                "risk_level",
                "heard_at_marac",
                "children_in_household",
                "age_band",
                "gender",
                "ethnic_group",
                "disability",
                "sexual_orientation",
                "no_recourse_to_public_funds",
                "marac",
            )
        }


# Next steps on the referral page ------------------------------------------------------------


class ActionForm(forms.Form):
    """A step taken at a date and time; subclasses add what else the step needs."""

    at_label = "Date"
    submit_label = "Save"

    at_date = DateField(what="date", label="Date", earliest=RECORDS_BEGIN, latest=today)
    at_time = TimeField(what="time", label="Time")

    def __init__(self, *args, referral=None, **kwargs):
        self.referral = referral
        now = timezone.localtime()
        kwargs.setdefault("initial", {"at_date": now.date(), "at_time": now.strftime("%H:%M")})
        super().__init__(*args, **kwargs)
        self.add_fields()
        self.fields["at_date"].label = self.at_label
        self.fields["at_date"].what = self.at_label.lower()
        self.fields["at_date"].error_messages["required"] = f"Enter the {self.at_label.lower()}"
        self.helper = _helper_inside_template_form()
        self.helper.layout = Layout(
            Field("at_date"),
            Field.text("at_time", field_width=5),
            *self.extra_layout(),
            Button("save", self.submit_label),
        )

    def add_fields(self) -> None:
        """Fields that depend on the referral (its service, its state)."""

    def extra_layout(self) -> list:
        return []

    def clean(self):
        cleaned = super().clean()
        day, moment = cleaned.get("at_date"), cleaned.get("at_time")
        if day is not None and moment is not None:
            cleaned["at"] = _combine(day, moment)
        return cleaned

    def service_arguments(self) -> dict:
        return {}


class ContactForm(ActionForm):
    at_label = "Date of first contact"
    submit_label = "Record contact"


class UnableToContactForm(ActionForm):
    at_label = "Date of the last attempt to make contact"
    submit_label = "Record unable to contact"


class OversightForm(ActionForm):
    at_label = "Date of managerial oversight"
    submit_label = "Record oversight"


class WaitingListForm(ActionForm):
    at_label = "Date added to the waiting list"
    submit_label = "Add to waiting list"


class StartSupportForm(ActionForm):
    """Start support; in safe accommodation, with the accommodation and household supported."""

    at_label = "Date support started"
    submit_label = "Start support"

    def add_fields(self) -> None:
        if self.referral is not None and self.referral.is_safe_accommodation:
            add_accommodation_fields(self, self.referral)

    def extra_layout(self) -> list:
        return accommodation_layout() if "accommodation_type" in self.fields else []

    def clean(self):
        cleaned = super().clean()
        if "accommodation_type" in self.fields:
            check_household(self, cleaned)
        return cleaned

    def service_arguments(self) -> dict:
        if "accommodation_type" not in self.fields:
            return {}
        return {"accommodation": accommodation_details(self.cleaned_data)}


class SignpostForm(ActionForm):
    at_label = "Date signposted"
    submit_label = "Signpost"

    destination = forms.ChoiceField(
        label="Signposted to",
        error_messages={"required": "Select the service or organisation signposted to"},
    )

    def add_fields(self) -> None:
        referral = self.referral
        services = CommissionedService.objects.filter(is_active=True).select_related("provider")
        if referral is not None:
            services = services.exclude(pk=referral.service_id)
        self.fields["destination"].choices = [
            ("", "Select a service or organisation"),
            (
                "Commissioned services",
                [(f"service:{s.pk}", f"{s.name} ({s.provider})") for s in services],
            ),
            (
                "Organisations",
                [(f"organisation:{o.pk}", o.name) for o in Organisation.objects.all()],
            ),
        ]

    def extra_layout(self) -> list:
        return [Field.select("destination")]

    def service_arguments(self) -> dict:
        kind, _, pk = self.cleaned_data["destination"].partition(":")
        if kind == "service":
            return {"to_service": CommissionedService.objects.get(pk=int(pk))}
        return {"to_organisation": Organisation.objects.get(pk=int(pk))}


UNABLE = "unable:"


class DeclineForm(ActionForm):
    """The decline reasons, with "unable to support" split into the return's reasons (one
    question: each appears as "Unable to support: ...")."""

    at_label = "Date declined"
    submit_label = "Decline referral"

    reason = _radios([], "Why was it declined?", "Select why it was declined")

    def add_fields(self) -> None:
        unable = ReturnCategory.objects.filter(kind=ReturnList.UNABLE_TO_SUPPORT, is_active=True)
        self.unable = {f"{UNABLE}{c.pk}": c for c in unable}
        general = [c for c in DeclineReason.choices if c[0] != DeclineReason.UNABLE_TO_SUPPORT]
        self.fields["reason"].choices = (
            general[:-1]
            + [
                (value, f"Unable to support: {c.label[0].lower()}{c.label[1:]}")
                for value, c in self.unable.items()
            ]
            + general[-1:]
        )

    def extra_layout(self) -> list:
        return [Field.radios("reason", small=True)]

    def service_arguments(self) -> dict:
        reason = self.cleaned_data["reason"]
        if reason in self.unable:
            return {
                "reason": DeclineReason.UNABLE_TO_SUPPORT,
                "unable_to_support_reason": self.unable[reason],
            }
        return {"reason": reason}


class CloseForm(ActionForm):
    at_label = "Date closed"
    submit_label = "Close referral"

    reason = _radios(
        ClosureReason.choices, "Why is it being closed?", "Select why the referral is closing"
    )
    outcomes = forms.MultipleChoiceField(
        choices=Outcome.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Outcomes at closure",
        help_text="Select all that apply. Leave them all unticked if none were met.",
    )

    def add_fields(self) -> None:
        """For support in safe accommodation: why it ended and where the household went."""
        referral = self.referral
        if referral is None or not (referral.is_safe_accommodation and referral.support_started_at):
            return
        self.fields["support_end_reason"] = _category_radios(
            ReturnList.SUPPORT_ENDED,
            "Why did the support in safe accommodation end?",
            "Select why the support ended",
        )
        if referral.accommodation_type != AccommodationType.SANCTUARY:
            self.fields["move_on_destination"] = _category_radios(
                ReturnList.MOVE_ON,
                "Where did the household move on to?",
                "Select where the household moved on to, or not known",
            )

    def extra_layout(self) -> list:
        return [
            Field.radios("reason", small=True),
            Field.checkboxes("outcomes", small=True),
            *[
                Field.radios(name, small=True)
                for name in ("support_end_reason", "move_on_destination")
                if name in self.fields
            ],
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "outcomes": data["outcomes"],
            "support_end_reason": data.get("support_end_reason"),
            "move_on_destination": data.get("move_on_destination"),
        }


# Safe accommodation and Marac -----------------------------------------------------------------


def _category_radios(kind: str, label: str, message: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=ReturnCategory.objects.filter(kind=kind, is_active=True).order_by(
            "position", "pk"
        ),
        widget=forms.RadioSelect,
        empty_label=None,
        label=label,
        error_messages={"required": message, "invalid_choice": message},
    )


HOUSEHOLD_FIELDS = (
    ("adults_women", "Women"),
    ("adults_men", "Men"),
    ("adults_trans", "Trans adults"),
    ("children_supported", "Children"),
)


def add_accommodation_fields(form: forms.Form, referral) -> None:
    """The safe accommodation return's questions, starting from what is recorded."""
    form.fields["accommodation_type"] = _radios(
        AccommodationType.choices,
        "Type of accommodation",
        "Select the type of accommodation",
        initial=referral.accommodation_type
        or ACCOMMODATION_OF_SERVICE_TYPE.get(referral.service.service_type),
    )
    for name, label in HOUSEHOLD_FIELDS:
        form.fields[name] = WholeNumberField(
            what=f"the number of {label.lower()}",
            example="0 or 2",
            max_value=30,
            label=label,
            initial=getattr(referral, name) if getattr(referral, name) is not None else 0,
        )
    form.fields["characteristics"] = forms.ModelMultipleChoiceField(
        queryset=ReturnCategory.objects.filter(
            kind=ReturnList.CHARACTERISTIC, is_active=True
        ).order_by("position", "pk"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Specialist characteristics of the person referred",
        help_text="Select all that apply, or none.",
        initial=list(referral.specialist_characteristics.all()) if referral.pk else [],
    )


def accommodation_layout() -> list:
    return [
        Field.radios("accommodation_type", small=True),
        Fieldset(
            HTML('<p class="govuk-body">The people supported in the accommodation.</p>'),
            *[Field.text(name, field_width=2) for name, _label in HOUSEHOLD_FIELDS],
            legend="The household",
            legend_size=Size.SMALL,
        ),
        Field.checkboxes("characteristics", small=True),
    ]


def check_household(form: forms.Form, cleaned: dict) -> None:
    counts = [cleaned.get(name) for name, _label in HOUSEHOLD_FIELDS]
    if None not in counts and sum(counts) == 0:
        form.add_error("adults_women", "Enter the people supported: at least one adult or child")


def accommodation_details(cleaned: dict) -> AccommodationDetails:
    return AccommodationDetails(
        accommodation_type=cleaned["accommodation_type"],
        adults_women=cleaned["adults_women"],
        adults_men=cleaned["adults_men"],
        adults_trans=cleaned["adults_trans"],
        children_supported=cleaned["children_supported"],
        characteristics=list(cleaned["characteristics"]),
    )


class AccommodationForm(forms.Form):
    """Record or correct the safe accommodation details of a household in support."""

    submit_label = "Save the details"

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        add_accommodation_fields(self, referral)
        self.helper = _helper_inside_template_form()
        self.helper.layout = Layout(*accommodation_layout(), Button("save", self.submit_label))

    def clean(self):
        cleaned = super().clean()
        check_household(self, cleaned)
        return cleaned

    def service_arguments(self) -> dict:
        return {"accommodation": accommodation_details(self.cleaned_data)}


def marac_fields() -> dict:
    return {
        "marac_referred_on": DateField(
            what="date referred to Marac",
            label="Date referred to Marac",
            required=False,
            earliest=RECORDS_BEGIN,
            latest=today,
        ),
        "marac_referral_source": forms.ChoiceField(
            label="Who referred the case to Marac",
            required=False,
            choices=[("", "Select who referred it")] + MaracReferralSource.choices,
        ),
        "marac_heard_on": DateField(
            what="date heard at Marac",
            label="Date of the Marac meeting that heard the case",
            required=False,
            earliest=RECORDS_BEGIN,
            latest=today,
        ),
    }


def clean_marac(form: forms.Form, cleaned: dict, *, required: bool) -> MaracCase | None:
    """The Marac case from its three fields: all or none (all when `required`)."""
    names = ("marac_referred_on", "marac_referral_source", "marac_heard_on")
    if any(name in form.errors for name in names):
        return None
    values = [cleaned.get(name) for name in names]
    if not required and not any(values):
        return None
    messages = (
        "Enter the date the case was referred to Marac",
        "Select who referred the case to Marac",
        "Enter the date of the Marac meeting that heard the case",
    )
    for name, value, message in zip(names, values, messages, strict=True):
        if not value:
            form.add_error(name, message)
    if not all(values):
        return None
    if values[2] < values[0]:
        form.add_error("marac_heard_on", "The case cannot be heard before it was referred to Marac")
        return None
    return MaracCase(referred_on=values[0], source=values[1], heard_on=values[2])


class MaracForm(forms.Form):
    """The Marac hearing of a victim's case."""

    submit_label = "Save the Marac hearing"

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(marac_fields())
        self.helper = _helper_inside_template_form()
        self.helper.layout = Layout(
            Field("marac_referred_on"),
            Field.select("marac_referral_source"),
            Field("marac_heard_on"),
            Button("save", self.submit_label),
        )

    def clean(self):
        cleaned = super().clean()
        cleaned["marac"] = clean_marac(self, cleaned, required=True)
        return cleaned

    def service_arguments(self) -> dict:
        return {"marac": self.cleaned_data["marac"]}


# The referral list's filters ----------------------------------------------------------------


class ReferralFilterForm(forms.Form):
    q = forms.CharField(
        label="Reference",
        required=False,
        max_length=20,
        help_text="The whole reference (R-2025-000123), its number (123) or its start (R-2025)",
    )
    status = forms.ChoiceField(
        choices=[("", "Any status")] + Status.choices, required=False, label="Status"
    )
    service = forms.ChoiceField(required=False, label="Service")
    risk_level = forms.ChoiceField(
        choices=[("", "Any risk level")] + RiskLevel.choices, required=False, label="Risk level"
    )
    area = forms.ChoiceField(required=False, label="District")
    received_from = DateField(
        what="first date received",
        label="Received from",
        required=False,
        earliest=RECORDS_BEGIN,
        latest=DIARY_YEARS,
    )
    received_to = DateField(
        what="last date received",
        label="Received to",
        required=False,
        earliest=RECORDS_BEGIN,
        latest=DIARY_YEARS,
    )
    contact_overdue = forms.BooleanField(required=False, label="First contact overdue")
    oversight_overdue = forms.BooleanField(required=False, label="Oversight overdue")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "Any service")] + _service_choices()
        self.fields["area"].choices = (
            [("", "Any district")]
            + [(str(area.pk), area.name) for area in Area.objects.all()]
            + [(OUT_OF_AREA, "Out of area")]
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("q"),
            Field.select("status"),
            Field.select("service"),
            Field.select("risk_level"),
            Field.select("area"),
            Field("received_from"),
            Field("received_to"),
            Field.checkbox("contact_overdue", small=True),
            Field.checkbox("oversight_overdue", small=True),
            Button("filter", "Apply filters"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", "The last date must be the same as or after the first")
        return cleaned


# The safe accommodation return ----------------------------------------------------------------


def financial_year_choices() -> list[tuple[str, str]]:
    """Every financial year from the first referral's to this one, newest first."""
    first = Referral.objects.order_by("received_at").values_list("received_at", flat=True).first()
    this_year = FinancialYear.containing(timezone.localdate()).start_year
    first_year = FinancialYear.containing(first).start_year if first else this_year
    return [(str(year), FinancialYear(year).label) for year in range(this_year, first_year - 1, -1)]


class AnnualReturnForm(forms.Form):
    year = forms.TypedChoiceField(
        label="Financial year",
        coerce=lambda value: FinancialYear(int(value)),
        error_messages={
            "required": "Select the financial year",
            "invalid_choice": "Select a financial year from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = financial_year_choices()
        self.fields["year"].choices = choices
        last_complete = FinancialYear.containing(timezone.localdate()).previous().start_year
        if str(last_complete) in dict(choices):
            self.fields["year"].initial = str(last_complete)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.select("year"), Button("make", "Make the return"))


class ReturnListForm(forms.Form):
    """Which values of one of the return's lists are in use."""

    in_use = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="In use"
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        self.kind = kind
        values = ReturnCategory.objects.filter(kind=kind).order_by("position", "pk")
        self.categories = {str(c.pk): c for c in values}
        self.fields["in_use"].label = ReturnList(kind).label
        self.fields["in_use"].choices = [
            (pk, c.label if c.confirmed else f"{c.label} (not confirmed)")
            for pk, c in self.categories.items()
        ]
        self.fields["in_use"].initial = [pk for pk, c in self.categories.items() if c.is_active]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.checkboxes("in_use", small=True, legend_size=Size.MEDIUM),
            Button(f"save_{kind}", "Save this list"),
        )

    def chosen(self) -> list[ReturnCategory]:
        return [self.categories[pk] for pk in self.cleaned_data["in_use"]]


class ReturnValueForm(forms.Form):
    """A new value for one of the return's lists."""

    kind = forms.ChoiceField(
        label="List",
        choices=ReturnList.choices,
        error_messages={"required": "Select the list to add to"},
    )
    label = forms.CharField(
        label="Value",
        max_length=120,
        error_messages={
            "required": "Enter the value's name",
            "max_length": "The name must be 120 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="add", **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("kind"), Field.text("label", field_width=20), Button("add", "Add value")
        )
