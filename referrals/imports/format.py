"""The published return format: its columns, what each means and the values it allows.

Every column fills fields of one of the officer's forms: the referral form (`ReferralForm`) for
the referral itself, and the step forms (`ContactForm`, `CloseForm`, ...) for the events of its
life. A column's description, whether it is required and its allowed values come from that form
field, so the format, the data dictionary page, the templates and the check can never disagree
with the forms. A field added to a form joins the format with one `Column` line here.

Some questions are asked only of some referrals, and the forms add their fields for them: the
Marac dates (the referral form), and for safe accommodation services the accommodation and
household when support starts and why support ended and where the household moved on to when
it closes (the step forms, given a referral to such a service). Those columns are in the
return of safe accommodation services only (`Column.safe_accommodation`). Two of the officer's
steps have no columns of their own: "Record safe accommodation details" corrects what the
support-started columns carry, and "Record the Marac hearing" fills the same three Marac
columns as the referral form; a provider's corrected return brings both.

Values may be written as the value code (`victim_survivor`) or its meaning (`Victim-survivor`),
in any case and with any punctuation: both are matched on their letters and digits alone. Values
of the board's own lists (the safe accommodation return's reasons and characteristics) and
values the forms make up (`unable:3`) are given by their meaning only. Moments are a date and a
time in one cell ("27/03/2025 14:30", or an Excel date and time); dates are a date alone.
The person and address come as the keyed hashes of `referrals.identity` (64 hex characters) or
as the normalised identifiers ("name|date of birth", "postcode|house"), which the import hashes
and discards; the format has no column for a name, an address or a date of birth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.utils import timezone

from commissioning.constants import ServiceType
from commissioning.models import CommissionedService
from partnership.models import Area, Organisation

from ..forms import (
    OUT_OF_AREA,
    ActionForm,
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
from ..models import Referral

# How a column's cells are read (see referrals.imports.checking).
CASE_ID = "case_id"
MOMENT = "moment"  # a date and a time, into a DateField and a TimeField
DATE = "date"  # a date alone, into a DateField
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
# A value code a return may give: the app's own, not a row's id or a value a form makes up.
VALUE_CODE = re.compile(r"[a-z0-9_]*[a-z_][a-z0-9_]*")  # not a bare number


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
    safe_accommodation: bool = False  # in the return of safe accommodation services only

    @property
    def field(self) -> forms.Field | None:
        if self.form is None or not self.fields:
            return None
        return _form_field(self.form, self.fields[-1])

    @property
    def is_required(self) -> bool:
        if self.required is not None:
            return self.required
        if self.step:
            return False  # an event's columns are filled once it has happened
        field = self.field
        return bool(field and field.required)

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


def _form_field(form_class: type[forms.Form], name: str) -> forms.Field:
    """A form's field: as declared, or as an instance adds or fills it in `__init__` (a step
    form given a stand-in referral, so it adds every question it can ask)."""
    declared = form_class.base_fields.get(name)
    adds_fields = (
        issubclass(form_class, ActionForm) and form_class.add_fields is not ActionForm.add_fields
    )
    if declared is not None and not adds_fields:
        return declared
    return step_form(form_class).fields[name]


def stand_in_referral(service: CommissionedService | None = None) -> Referral:
    """An unsaved referral whose support has started, to a safe accommodation service (or to a
    service of `service`'s type): what the step forms need to add every question they ask of
    such a referral. Its service is unsaved, so no service is left out of the signpost list."""
    kind = service.service_type if service is not None else ServiceType.REFUGE
    return Referral(
        service=CommissionedService(service_type=kind), support_started_at=timezone.now()
    )


def step_form(form_class: type[forms.Form], service: CommissionedService | None = None, **kwargs):
    """A form instance as the format reads it: step forms given a stand-in referral."""
    if issubclass(form_class, ActionForm):
        return form_class(referral=stand_in_referral(service), **kwargs)
    return form_class(**kwargs)


def _step(header, step, form, *, example="27/03/2025 14:30", extra=()) -> list[Column]:
    """An event's columns: its moment, then its details as (header, kind, example, fields) or
    with a fifth item, whether the detail is for safe accommodation services only."""
    moment = Column(header, MOMENT, example, form, ("at_date", "at_time"), step=step)
    return [
        moment,
        *(
            Column(name, kind, sample, form, fields, step=step, safe_accommodation=bool(rest))
            for name, kind, sample, fields, *rest in extra
        ),
    ]


SAFE_ACCOMMODATION = True


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
    Column("Heard at MARAC", CHOICE, "Yes", ReferralForm, ("heard_at_marac",), aliases=("marac",)),
    Column(
        "Referred to Marac",
        DATE,
        "03/03/2025",
        ReferralForm,
        ("marac_referred_on",),
        required=False,
        aliases=("marac referral date", "date referred to marac"),
    ),
    Column(
        "Marac referral source",
        CHOICE,
        "Police",
        ReferralForm,
        ("marac_referral_source",),
        required=False,
        aliases=("referred to marac by",),
    ),
    Column(
        "Heard at Marac on",
        DATE,
        "20/03/2025",
        ReferralForm,
        ("marac_heard_on",),
        required=False,
        aliases=("marac date", "marac heard on", "date heard at marac"),
    ),
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
    *_step(
        "Support started",
        "start_support",
        StartSupportForm,
        example="02/04/2025 09:30",
        extra=[
            ("Accommodation type", CHOICE, "Refuge", ("accommodation_type",), SAFE_ACCOMMODATION),
            ("Women supported", NUMBER, "1", ("adults_women",), SAFE_ACCOMMODATION),
            ("Men supported", NUMBER, "0", ("adults_men",), SAFE_ACCOMMODATION),
            ("Trans adults supported", NUMBER, "0", ("adults_trans",), SAFE_ACCOMMODATION),
            ("Children supported", NUMBER, "2", ("children_supported",), SAFE_ACCOMMODATION),
            (
                "Specialist characteristics",
                CHOICES,
                "Disabled; Mental health needs",
                ("characteristics",),
                SAFE_ACCOMMODATION,
            ),
        ],
    ),
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
            (
                "Support ended because",
                CHOICE,
                "Support no longer needed",
                ("support_end_reason",),
                SAFE_ACCOMMODATION,
            ),
            ("Moved on to", CHOICE, "Not known", ("move_on_destination",), SAFE_ACCOMMODATION),
        ],
    ),
]

# The steps in the order they are taken when two happen at the same moment.
STEP_ORDER = [column.step for column in COLUMNS if column.kind == MOMENT and column.step]


def columns_for(service: CommissionedService) -> list[Column]:
    """The columns of a service's return: the safe accommodation ones for such services only."""
    return [c for c in COLUMNS if service.is_safe_accommodation or not c.safe_accommodation]


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
        return [
            (str(value), str(label)) for value, label in column.field.choices if str(value) != ""
        ]
    return []


def is_value_code(column: Column, value: str) -> bool:
    """Whether a return may give this value by its code as well as its meaning."""
    return not values_are_names(column) and bool(VALUE_CODE.fullmatch(value))


def values_are_names(column: Column) -> bool:
    """Whether a return gives the column's values by name only (their codes are the app's)."""
    return column.kind in (DISTRICT, ORGANISATION, DESTINATION)


def value_lookup(column: Column) -> dict[str, str]:
    """What a cell's text, matched on letters and digits, stands for: the form's value."""
    lookup: dict[str, str] = {}
    for value, label in allowed_values(column):
        lookup.setdefault(match_key(label), value)
        if is_value_code(column, value):
            lookup.setdefault(match_key(value), value)
    if set(lookup.values()) == {"yes", "no"}:
        lookup |= {"y": "yes", "n": "no", "true": "yes", "false": "no", "1": "yes", "0": "no"}
    return lookup
