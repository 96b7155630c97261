"""The commissioner's form for a service's directory listing, and its opening hours.

For safe accommodation the form has no address fields at all, and refuses an address sent
anyway: a refuge's address is never published (the model and database refuse it too).
"""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from partnership.forms import TimeField, WholeNumberField
from partnership.formsets import another_row

from ..constants import PUBLIC_LOCATION_FIELDS, Language, Weekday
from ..forms import _helper
from ..models import NO_SAFE_ACCOMMODATION_ADDRESS, PHONE, PHONE_MESSAGE, CommissionedService
from ..services import LISTING_FIELDS, OpeningTimeInput

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class ServiceListingForm(forms.Form):
    public_description = forms.CharField(
        label="What the service does",
        widget=TEXTAREA,
        max_length=2000,
        required=False,
        help_text="In plain words for someone looking for help. Needed before publishing.",
    )
    eligibility = forms.CharField(
        label="Who can use it", widget=TEXTAREA, max_length=1000, required=False
    )
    minimum_age = WholeNumberField(
        label="Youngest age (optional)",
        what="the youngest age",
        example="16",
        min_value=0,
        max_value=120,
        required=False,
    )
    maximum_age = WholeNumberField(
        label="Oldest age (optional)",
        what="the oldest age",
        example="17",
        min_value=0,
        max_value=120,
        required=False,
    )
    phone = forms.CharField(
        label="Telephone number",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text="For example, 0808 123 4567.",
    )
    website = forms.URLField(
        label="Website",
        max_length=300,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://www.example.org.uk"},
    )
    self_referral = forms.CharField(
        label="How to refer yourself",
        widget=TEXTAREA,
        max_length=1000,
        required=False,
        help_text="What someone does to get help without anyone else referring them.",
    )
    languages = forms.MultipleChoiceField(
        label="Languages help is given in",
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose languages from the list"},
    )
    is_free = forms.BooleanField(label="The service is free", required=False, initial=True)
    cost_description = forms.CharField(
        label="What it costs, if it is not free", max_length=300, required=False
    )
    location_name = forms.CharField(label="Name of the place", max_length=200, required=False)
    location_address = forms.CharField(label="Building and street", max_length=200, required=False)
    location_town = forms.CharField(label="Town or city", max_length=100, required=False)
    location_county = forms.CharField(label="County", max_length=100, required=False)
    location_postcode = forms.CharField(label="Postcode", max_length=10, required=False)

    def __init__(self, *args, service: CommissionedService, **kwargs):
        self.service = service
        kwargs.setdefault("initial", {name: getattr(service, name) for name in LISTING_FIELDS})
        super().__init__(*args, **kwargs)
        layout = [
            Field.textarea("public_description"),
            Field.textarea("eligibility"),
            Fieldset(
                Field.text("minimum_age"),
                Field.text("maximum_age"),
                legend="Ages",
                legend_size=Size.SMALL,
            ),
            Fieldset(
                Field.text("phone", field_width=20),
                Field.text("website"),
                Field.textarea("self_referral"),
                legend="How to get help",
                legend_size=Size.SMALL,
            ),
            Field.checkboxes("languages", legend_size=Size.SMALL, small=True),
            Fieldset(
                Field.checkbox("is_free"),
                Field.text("cost_description"),
                legend="Cost",
                legend_size=Size.SMALL,
            ),
        ]
        if service.is_safe_accommodation:
            for name in PUBLIC_LOCATION_FIELDS:
                del self.fields[name]
        else:
            layout.append(
                Fieldset(
                    *(Field.text(name) for name in PUBLIC_LOCATION_FIELDS),
                    legend="A place people can visit (optional)",
                    legend_size=Size.SMALL,
                )
            )
        self.helper = _helper(*layout)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.fullmatch(phone.replace(" ", "")):
            raise forms.ValidationError(PHONE_MESSAGE)
        return phone

    def clean(self):
        cleaned = super().clean()
        if self.service.is_safe_accommodation:
            sent = [name for name in PUBLIC_LOCATION_FIELDS if self.data.get(name, "").strip()]
            if sent:
                raise forms.ValidationError(NO_SAFE_ACCOMMODATION_ADDRESS)
        return cleaned

    def listing_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in LISTING_FIELDS if name in self.fields}


class OpeningTimeForm(forms.Form):
    days = forms.MultipleChoiceField(
        label="Days",
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose days from the list"},
    )
    opens_at = TimeField(label="Opens at", what="opening time", required=False)
    closes_at = TimeField(
        label="Closes at",
        what="closing time",
        required=False,
        help_text="For example, 17:00. For all day, open at 00:00 and close at 23:59.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.checkboxes("days", legend_size=Size.SMALL, small=True, inline=True),
            Field.text("opens_at"),
            Field.text("closes_at"),
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        days, opens, closes = cleaned.get("days"), cleaned.get("opens_at"), cleaned.get("closes_at")
        cleaned["blank"] = not days and opens is None and closes is None
        if cleaned["blank"]:
            return cleaned
        if not days:
            self.add_error("days", "Choose the days these hours are for")
        if opens is None:
            self.add_error("opens_at", "Enter the opening time, like 09:00")
        if closes is None:
            self.add_error("closes_at", "Enter the closing time, like 17:00")
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes_at", "The closing time must be after the opening time")
        return cleaned


class BaseOpeningTimeFormSet(forms.BaseFormSet):
    def opening_times(self) -> list[OpeningTimeInput]:
        return [
            OpeningTimeInput(
                tuple(form.cleaned_data["days"]),
                form.cleaned_data["opens_at"],
                form.cleaned_data["closes_at"],
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("blank")
        ]


OpeningTimeFormSet = forms.formset_factory(
    OpeningTimeForm, formset=BaseOpeningTimeFormSet, extra=2, max_num=14, validate_max=True
)


def opening_time_formset(data=None, *, service: CommissionedService, add_row=False):
    """The hours' rows: as stored, as posted, or (`add_row`) as typed with one more row."""
    if add_row:
        return another_row(OpeningTimeFormSet, data, prefix="hours")
    initial = [
        {"days": row.day_codes, "opens_at": row.opens_at, "closes_at": row.closes_at}
        for row in service.opening_times.all()
    ]
    return OpeningTimeFormSet(data, initial=initial, prefix="hours")
