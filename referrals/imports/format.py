"""The published return format: its columns, what each means and the values it allows.

Every column fills fields of one of the officer's forms: the referral form (`ReferralForm`) for
the referral itself, and the step forms (`ContactForm`, `CloseForm`, ...) for the events of its
life. A column's description, whether it is required and its allowed values come from that form
field, so the format, the data dictionary page, the templates and the check can never disagree
with the forms. A field added to a form joins the format with one `Column` line here.

Values may be written as the value code (`victim_survivor`) or its meaning (`Victim-survivor`),
in any case and with any punctuation: both are matched on their letters and digits alone.
Moments are a date and a time in one cell ("27/03/2025 14:30", or an Excel date and time).
The person and address come as the keyed hashes of `referrals.identity` (64 hex characters) or
as the normalised identifiers ("name|date of birth", "postcode|house"), which the import hashes
and discards; the format has no column for a name, an address or a date of birth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms

from commissioning.models import CommissionedService
from partnership.models import Area, Organisation

from ..forms import (
    OUT_OF_AREA,
    CloseForm,
    ContactForm,
    DeclineForm,
    OversightForm,
    ReferralForm,
    SignpostForm,
    StartSupportForm,
    UnableToContactForm,
    WaitingListForm,
)

# How a column's cells are read (see referrals.imports.checking).
CASE_ID = "case_id"
MOMENT = "moment"  # a date and a time, into a DateField and a TimeField
CHOICE = "choice"
CHOICES = "choices"  # several values, separated by semicolons
NUMBER = "number"
DISTRICT = "district"
ORGANISATION = "organisation"
DESTINATION = "destination"  # a service or an organisation, by name
PERSON_KEY = "person_key"
ADDRESS_KEY = "address_key"

SEPARATOR = ";"
CASE_ID_MAX_LENGTH = 100


NOT_LETTERS_OR_DIGITS = re.compile(r"[\W_]+")


def match_key(text: str) -> str:
    """What a value or header is matched on: its letters and digits, casefolded."""
    return NOT_LETTERS_OR_DIGITS.sub("", str(text).casefold())


@dataclass(frozen=True)
class Column:
    """One column of the return: its header in the template, how its cells are read, and the
    form fields it fills (`form.base_fields`, or the fields an instance adds)."""

    header: str
    kind: str
    example: str
    form: type[forms.Form] | None = None
    fields: tuple[str, ...] = ()
    step: str = ""  # the event's step in referrals.steps, for the step forms' columns
    aliases: tuple[str, ...] = ()
    description: str = ""  # when no form field says it
    required: bool | None = None  # None: as the form field says

    @property
    def field(self) -> forms.Field | None:
        if self.form is None or not self.fields:
            return None
        return _form_fields(self.form)[self.fields[-1]]

    @property
    def is_required(self) -> bool:
        if self.required is not None:
            return self.required
        field = self.field
        return bool(field and field.required) and not self.step

    @property
    def meaning(self) -> str:
        """What the column holds, in the form's own words."""
        if self.description:
            return self.description
        if self.kind == MOMENT:
            return _moment_label(self)
        field = self.field
        label = str(field.label or "") if field else ""
        return label.removesuffix(" (optional)")

    @property
    def names(self) -> set[str]:
        """Every header that is taken to mean this column."""
        return {match_key(name) for name in (self.header, *self.aliases, *self.fields) if name}


def _moment_label(column: Column) -> str:
    if column.form is ReferralForm:
        return "Date and time the referral was received"
    return f"{column.form.at_label} and time"  # type: ignore[union-attr]


def _form_fields(form_class: type[forms.Form]) -> dict[str, forms.Field]:
    """The fields of a form: those it declares, and those an instance adds in `__init__`."""
    fields = dict(form_class.base_fields)
    return (
        fields
        if all(name in fields for name in _used_fields(form_class))
        else {**form_class().fields}
    )


def _used_fields(form_class: type[forms.Form]) -> set[str]:
    return {name for column in COLUMNS if column.form is form_class for name in column.fields}


def _step(header, step, form, *, example="27/03/2025 14:30", extra=()) -> list[Column]:
    moment = Column(header, MOMENT, example, form, ("at_date", "at_time"), step=step)
    return [
        moment,
        *(
            Column(name, kind, sample, form, fields, step=step)
            for name, kind, sample, fields in extra
        ),
    ]


COLUMNS: list[Column] = [
    Column(
        "Case ID",
        CASE_ID,
        "HL-2025-0042",
        description="Your own ID for the case, the same in every return. It is stored only as "
        "a code that cannot be read back, and is used to update the referral when the case "
        "comes again in a later or corrected return.",
        required=True,
        aliases=("case reference", "case ref", "case number", "case"),
    ),
    Column(
        "Received",
        MOMENT,
        "27/03/2025 14:30",
        ReferralForm,
        ("received_date", "received_time"),
        aliases=("date received", "received at", "referral date", "referral received"),
        required=True,
    ),
    Column("Referral source", CHOICE, "Police", ReferralForm, ("source",), aliases=("source",)),
    Column(
        "Referring organisation",
        ORGANISATION,
        "Eastshire Police",
        ReferralForm,
        ("referring_organisation",),
        required=False,
    ),
    Column("Subject", CHOICE, "Victim-survivor", ReferralForm, ("subject",)),
    Column(
        "District",
        DISTRICT,
        "Northvale",
        ReferralForm,
        ("area",),
        aliases=("district of residence",),
    ),
    Column("Risk level", CHOICE, "High", ReferralForm, ("risk_level",), aliases=("risk",)),
    Column("Heard at MARAC", CHOICE, "No", ReferralForm, ("heard_at_marac",), aliases=("marac",)),
    Column(
        "Children in household",
        NUMBER,
        "2",
        ReferralForm,
        ("children_in_household",),
        aliases=("children", "number of children"),
    ),
    Column(
        "Person key",
        PERSON_KEY,
        "zoe oneilsmith|1985-04-02",
        description="The person's key: the 64-character code the board gave you for them, or "
        "their name and date of birth as name|date of birth, which the import turns into the "
        "code and then forgets (never stored, never shown).",
        required=True,
        aliases=("person", "person id"),
    ),
    Column(
        "Address key",
        ADDRESS_KEY,
        "ZZ99 1AB|12",
        description="The household's key: the 64-character code, or postcode and house number "
        "or name as postcode|house, which the import turns into the code and then forgets. "
        "Leave it empty if the person has no fixed address or you do not know it.",
        required=False,
        aliases=("address", "household key"),
    ),
    Column("Age band", CHOICE, "25 to 34", ReferralForm, ("age_band",), aliases=("age",)),
    Column("Gender", CHOICE, "Woman", ReferralForm, ("gender",)),
    Column(
        "Ethnic group",
        CHOICE,
        "White: English, Welsh, Scottish, Northern Irish or British",
        ReferralForm,
        ("ethnic_group",),
        aliases=("ethnicity",),
    ),
    Column("Disability", CHOICE, "No", ReferralForm, ("disability",)),
    Column("Sexual orientation", CHOICE, "Not known", ReferralForm, ("sexual_orientation",)),
    Column(
        "No recourse to public funds",
        CHOICE,
        "No",
        ReferralForm,
        ("no_recourse_to_public_funds",),
        aliases=("nrpf",),
    ),
    *_step("Unable to contact", "unable_to_contact", UnableToContactForm),
    *_step("First contact", "contact", ContactForm, example="28/03/2025 10:05"),
    *_step("Managerial oversight", "oversight", OversightForm, example="27/03/2025 16:00"),
    *_step("Added to waiting list", "waiting_list", WaitingListForm),
    *_step("Support started", "start_support", StartSupportForm, example="02/04/2025 09:30"),
    *_step(
        "Signposted",
        "signpost",
        SignpostForm,
        extra=[("Signposted to", DESTINATION, "Little Oaks Children's Support", ("destination",))],
    ),
    *_step(
        "Declined",
        "decline",
        DeclineForm,
        extra=[("Decline reason", CHOICE, "The person declined support", ("reason",))],
    ),
    *_step(
        "Closed",
        "close",
        CloseForm,
        example="30/06/2025 15:00",
        extra=[
            ("Closure reason", CHOICE, "Support completed", ("reason",)),
            ("Outcomes", CHOICES, "Feels safer; Risk reduced", ("outcomes",)),
        ],
    ),
]

# The steps in the order they are taken when two happen at the same moment.
STEP_ORDER = [column.step for column in COLUMNS if column.kind == MOMENT and column.step]


def columns_for(service: CommissionedService) -> list[Column]:
    """The columns of a service's return (every service has the same ones for now)."""
    return COLUMNS


def event_columns(step: str) -> list[Column]:
    return [column for column in COLUMNS if column.step == step]


# Allowed values ------------------------------------------------------------------------------


def allowed_values(column: Column) -> list[tuple[str, str]]:
    """(value, meaning) for each value a column allows: the form field's choices, and for
    districts, organisations and services the lists the forms offer (the value is then the
    form's own, e.g. a district's id, and the meaning its name, which is what a return gives)."""
    if column.kind == DISTRICT:
        return [(str(area.pk), area.name) for area in Area.objects.all()] + [
            (OUT_OF_AREA, "Out of area")
        ]
    if column.kind == ORGANISATION:
        return [(str(org.pk), org.name) for org in Organisation.objects.all()]
    if column.kind == DESTINATION:
        services = CommissionedService.objects.filter(is_active=True).select_related("provider")
        return [(f"service:{service.pk}", service.name) for service in services] + [
            (f"organisation:{org.pk}", org.name) for org in Organisation.objects.all()
        ]
    if column.kind in (CHOICE, CHOICES) and column.field is not None:
        return [(str(value), str(label)) for value, label in column.field.choices if value != ""]
    return []


def values_are_names(column: Column) -> bool:
    """Whether a return gives the column's values by name only (their codes are the app's)."""
    return column.kind in (DISTRICT, ORGANISATION, DESTINATION)


def value_lookup(column: Column) -> dict[str, str]:
    """What a cell's text, matched on letters and digits, stands for: the form's value."""
    lookup: dict[str, str] = {}
    for value, label in allowed_values(column):
        lookup.setdefault(match_key(label), value)
        if not values_are_names(column):
            lookup.setdefault(match_key(value), value)
    if set(lookup.values()) == {"yes", "no"}:
        lookup |= {"y": "yes", "n": "no", "true": "yes", "false": "no", "1": "yes", "0": "no"}
    return lookup
