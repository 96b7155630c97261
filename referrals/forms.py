"""The officer's forms: log a referral, the next-step forms and the list filters.

The identifying fields (name, date of birth, postcode, house number or name) are turned into
keyed hashes by `ReferralForm.identity_keys()` and never saved. A form with errors is shown
again without them (`forget_identifiers`), asking for them again in the error summary, rather
than echoing them: the officer typed them, but the page may be cached, printed or seen over a
shoulder, and retyping costs a few seconds.
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
    AgeBand,
    ClosureReason,
    DeclineReason,
    EthnicGroup,
    Gender,
    Outcome,
    ReferralSource,
    RiskLevel,
    SexualOrientation,
    Status,
    Subject,
    YesNoUnknown,
)

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
RETYPE_MESSAGE = (
    "For safety, the name, date of birth, postcode and house number or name are not shown "
    "again after an error: type them again before you save."
)
EQUALITY_FIELDS = (
    "age_band",
    "gender",
    "ethnic_group",
    "disability",
    "sexual_orientation",
    "no_recourse_to_public_funds",
)
OUT_OF_AREA = "out"
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
        help_text="Enter 0 if there are none",
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
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": "Enter a real postcode, like AA1 1AA"},
    )
    house = forms.CharField(
        label="House number or name (optional)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
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
        self.fields["area"].choices = (
            [("", "Select a district")]
            + [(str(area.pk), area.name) for area in Area.objects.all()]
            + [(OUT_OF_AREA, "Out of area")]
        )
        self.helper = FormHelper()
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
                Field.text("children_in_household", field_width=3),
                legend="The person",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-body">These details are used only to find earlier '
                    "referrals of the same person or household. They are turned into a code "
                    "that cannot be read back, and are not stored.</p>"
                ),
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
        postcode, house = cleaned.get("postcode"), cleaned.get("house", "").strip()
        if postcode and not house:
            self.add_error("house", "Enter the house number or name as well as the postcode")
        elif house and not postcode and "postcode" not in self.errors:
            self.add_error("postcode", "Enter the postcode as well as the house number or name")
        return cleaned

    def forget_identifiers(self) -> None:
        """Drop the typed identifiers from the form's data, so that a form shown again with
        its errors has them empty (see the module docstring)."""
        data = self.data.copy()
        for name in IDENTITY_POST_PARAMETERS:
            data.pop(name, None)
        self.data = data

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
            )
        }


# Next steps on the referral page ------------------------------------------------------------


class ActionForm(forms.Form):
    """A step taken at a date and time; subclasses add what else the step needs."""

    at_label = "Date"
    submit_label = "Save"

    at_date = DateField(what="date", label="Date", earliest=RECORDS_BEGIN, latest=today)
    at_time = TimeField(what="time", label="Time")

    def __init__(self, *args, **kwargs):
        now = timezone.localtime()
        kwargs.setdefault("initial", {"at_date": now.date(), "at_time": now.strftime("%H:%M")})
        super().__init__(*args, **kwargs)
        self.fields["at_date"].label = self.at_label
        self.fields["at_date"].what = self.at_label.lower()
        self.fields["at_date"].error_messages["required"] = f"Enter the {self.at_label.lower()}"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("at_date"),
            Field.text("at_time", field_width=5),
            *self.extra_layout(),
            Button("save", self.submit_label),
        )

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
    at_label = "Date support started"
    submit_label = "Start support"


class SignpostForm(ActionForm):
    at_label = "Date signposted"
    submit_label = "Signpost"

    destination = forms.ChoiceField(
        label="Signposted to",
        error_messages={"required": "Select the service or organisation signposted to"},
    )

    def __init__(self, *args, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
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


class DeclineForm(ActionForm):
    at_label = "Date declined"
    submit_label = "Decline referral"

    reason = _radios(DeclineReason.choices, "Why was it declined?", "Select why it was declined")

    def extra_layout(self) -> list:
        return [Field.radios("reason", small=True)]

    def service_arguments(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


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

    def extra_layout(self) -> list:
        return [Field.radios("reason", small=True), Field.checkboxes("outcomes", small=True)]

    def service_arguments(self) -> dict:
        return {"reason": self.cleaned_data["reason"], "outcomes": self.cleaned_data["outcomes"]}


# The referral list's filters ----------------------------------------------------------------


class ReferralFilterForm(forms.Form):
    q = forms.CharField(
        label="Reference",
        required=False,
        max_length=20,
        help_text="All or part of it, for example R-2025-000123 or 000123",
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
