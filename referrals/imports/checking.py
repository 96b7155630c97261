"""Checking a return's rows with the officer's own rules, and what each accepted row would do.

Each row is read by its columns (`format.COLUMNS`), then:

1. the referral's fields fill `ReturnRowForm`, the referral form itself, which checks them as
   it checks a typed referral;
2. each event (first contact, closed, ...) fills its step form (`ContactForm`, `CloseForm`, ...)
   for its date, time and details;
3. the referral is built in memory (`referrals.steps.new_referral`) and the events are replayed
   in time order through the same steps as the officer's pages, so the transition table and the
   time rules hold exactly as they do there.

A row that fails anywhere is rejected with every reason found, each naming its column. An
accepted row is matched on its hashed case ID to the referral an earlier import made: created
if there is none, unchanged if the earlier row was the same (same fingerprint), otherwise
updated. A case ID seen on an earlier row of the same file is rejected (one row per case).
Reasons never quote a cell, since a cell may hold an identifier typed in the wrong column.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

from django.core.exceptions import ValidationError
from django.utils import timezone

from commissioning import definitions
from commissioning.models import CommissionedService
from partnership.models import Organisation

from .. import identity, steps
from ..models import Referral
from . import format as fmt
from .models import ImportedCase
from .reading import ReturnFileError
from .rowform import ReturnRowForm, is_key

CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"
BATCH = 500

STEP_FUNCTIONS = {
    "unable_to_contact": steps.unable_to_contact,
    "contact": steps.contact,
    "oversight": steps.oversight,
    "waiting_list": steps.waiting_list,
    "start_support": steps.start_support,
    "signpost": steps.signpost,
    "decline": steps.decline,
    "close": steps.close,
}

# The referral form's identifying fields are reported on the key column that carries them.
IDENTITY_COLUMNS = {
    "full_name": "Person key",
    "date_of_birth": "Person key",
    "person_key": "Person key",
    "postcode": "Address key",
    "house": "Address key",
    "address_key": "Address key",
}

ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
SECONDS = re.compile(r"^(\d{1,2}[:.]\d{2})[:.]\d{2}(?:\.\d+)?$")
EXCEL_SERIAL = re.compile(r"\d{5}(\.\d+)?")
EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0, allowing for its 1900 leap-year bug


@dataclass
class Event:
    step: str
    at: datetime
    arguments: dict


@dataclass
class CheckedRow:
    """One row of a return: its reasons for rejection, or what it would write."""

    number: int
    problems: list[tuple[str, str]] = field(default_factory=list)
    case_key: str = ""
    action: str = REJECTED
    referral: Referral | None = None
    moves: list[tuple[str, str, datetime]] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    # The specialist characteristics' ids when support in safe accommodation started with its
    # details (None: not recorded), saved once the referral is.
    characteristics: list[int] | None = None
    # Whether repeats of this person count in the same role only (the service's definition).
    repeats_same_role: bool = False
    fingerprint: str = ""
    existing: ImportedCase | None = None

    def reject(self, column: str, message: str) -> None:
        self.problems.append((column, message))


@dataclass
class HeaderMatch:
    """Which column of the file holds each column of the format."""

    positions: dict[str, int]  # format header -> index in the file's row
    headers: dict[str, str]  # format header -> header as written in the file
    ignored: list[str]


def match_headers(headers: list[str], columns: list[fmt.Column]) -> HeaderMatch:
    """Find each column by its header, in any order and case; refuse a file that lacks a
    required column or has one twice."""
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored = []
    for index, header in enumerate(headers):
        key = fmt.match_key(header)
        column = next((c for c in columns if key and key in c.names), None)
        if column is None:
            if header:
                ignored.append(header[:100])
            continue
        if column.header in positions:
            raise ReturnFileError(
                f"Two columns are headed as {column.header} (columns "
                f"{_letter(positions[column.header])} and {_letter(index)}). Keep one and "
                "upload the file again."
            )
        positions[column.header] = index
        written[column.header] = header[:100]
    missing = [c.header for c in columns if c.is_required and c.header not in positions]
    if missing:
        raise ReturnFileError(
            "The file has no column for "
            + _listed(missing)
            + ". The first row must hold the column headers of the return format."
        )
    return HeaderMatch(positions=positions, headers=written, ignored=ignored)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def split_moment(text: str) -> tuple[list[str], str] | None:
    """A date and time cell as (day, month, year) and the time's text, or None if it is not
    one. Excel's own serial numbers (a date cell saved as a number) are understood too."""
    text = text.strip()
    if EXCEL_SERIAL.fullmatch(text):
        moment = EXCEL_EPOCH + timedelta(days=float(text))
        moment = moment.replace(second=0, microsecond=0) + timedelta(
            minutes=round(moment.second / 60)
        )
        return [str(moment.day), str(moment.month), str(moment.year)], f"{moment:%H:%M}"
    day_part, _, time_part = text.replace("T", " ", 1).partition(" ")
    if match := ISO_DATE.fullmatch(day_part):
        year, month, day = match.groups()
    elif match := UK_DATE.fullmatch(day_part):
        day, month, year = match.groups()
    else:
        return None
    time_part = time_part.strip()
    if seconds := SECONDS.fullmatch(time_part):
        time_part = seconds.group(1)
    return [day, month, year], time_part


class RowChecker:
    """Checks rows of one service's return (see the module docstring)."""

    def __init__(self, service: CommissionedService, match: HeaderMatch):
        self.service = service
        self.match = match
        self.columns = [c for c in fmt.columns_for(service) if c.header in match.positions]
        self.row_form = ReturnRowForm(service=service)
        # The step forms as they are for a referral to this service, so a safe accommodation
        # service's add their questions. A return may leave those out (the services allow it):
        # support started with no accommodation column filled takes the form without them.
        self.step_forms = {
            column.step: fmt.step_form(column.form, service, data={})
            for column in fmt.columns_for(service)
            if column.kind == fmt.MOMENT and column.step
        }
        self.without_details = {"start_support": fmt.StartSupportForm(data={})}
        for name in ("support_end_reason", "move_on_destination"):
            if name in self.step_forms["close"].fields:
                self.step_forms["close"].fields[name].required = False
        self.definitions = definitions.periods([service.pk])[service.pk]
        self.step_columns = {step: fmt.event_columns(step) for step in self.step_forms}
        self.lookups = {column.header: fmt.value_lookup(column) for column in self.columns}
        self.services = {
            s.pk: s for s in CommissionedService.objects.filter(is_active=True).only("pk", "name")
        }
        self.organisations = {org.pk: org for org in Organisation.objects.only("pk", "name")}

    def column_name(self, header: str) -> str:
        """The column as the file heads it, so the reason points at the right one."""
        return self.match.headers.get(header, header)

    def check(self, number: int, cells: list[str]) -> CheckedRow:
        row = CheckedRow(number=number)
        texts = {c.header: cells[self.match.positions[c.header]] for c in self.columns}
        row.case_key = self._case_key(row, texts.get("Case ID", ""))
        fields, keys = self._referral_data(row, texts)
        events = self._events(row, texts)
        errors = self.row_form.check(fields | keys)
        unreadable = {name for name, _message in row.problems}
        for name, messages in errors.items():
            column = self.column_name(self._field_column(name))
            if column in unreadable:
                continue  # already said why; the form would only add "select a value"
            for message in messages:
                row.reject(column, message)
        if row.problems:
            return row
        self._replay(row, events)
        return row

    # Reading cells into form data ---------------------------------------------------------

    def _case_key(self, row: CheckedRow, text: str) -> str:
        case_id = text.strip()
        if not case_id:
            row.reject(self.column_name("Case ID"), "Enter the case ID: your own ID for the case")
            return ""
        if len(case_id) > fmt.CASE_ID_MAX_LENGTH:
            row.reject(
                self.column_name("Case ID"),
                f"The case ID must be {fmt.CASE_ID_MAX_LENGTH} characters or fewer",
            )
            return ""
        return identity.case_key(self.service.provider_id, case_id)

    def _referral_data(self, row: CheckedRow, texts: dict[str, str]) -> tuple[dict, dict]:
        data: dict = {}
        keys: dict = {}
        for column in self.columns:
            if column.form is not fmt.ReferralForm and column.kind not in (
                fmt.PERSON_KEY,
                fmt.ADDRESS_KEY,
            ):
                continue
            text = texts[column.header]
            if column.kind == fmt.PERSON_KEY:
                keys |= self._key(row, column, text, "person_key", "full_name", "date_of_birth")
            elif column.kind == fmt.ADDRESS_KEY:
                keys |= self._key(row, column, text, "address_key", "postcode", "house")
            else:
                data |= self._form_values(row, column, text)
        return data, keys

    def _key(self, row, column, text: str, key_field: str, first: str, second: str) -> dict:
        text = text.strip()
        if not text:
            if column.is_required:
                row.reject(
                    self.column_name(column.header),
                    f"Enter the {column.header.lower()}: the 64-character code, or "
                    f"{column.example}",
                )
            return {}
        if is_key(text.lower()):
            return {key_field: text.lower()}
        if "|" in text:
            one, _, other = text.partition("|")
            if second == "date_of_birth":
                parts = split_moment(other)
                day = parts[0] if parts else ["", "", ""]
                return {first: one.strip(), **_date_data(second, day)}
            return {first: one.strip(), second: other.strip()}
        example = column.example
        row.reject(
            self.column_name(column.header),
            f"Enter the {column.header.lower()} as the 64-character code, or as {example}",
        )
        return {}

    def _form_values(self, row: CheckedRow, column: fmt.Column, text: str) -> dict:
        """The form data a cell gives for its column's fields ({} with a reason if unreadable)."""
        if column.kind == fmt.MOMENT:
            return self._moment(row, column, text)
        if column.kind == fmt.DATE:
            return self._date(row, column, text)
        if column.kind in (fmt.NUMBER, fmt.CASE_ID) or not text:
            return {column.fields[-1]: text} if column.fields else {}
        if column.kind == fmt.CHOICES:
            values = [self._value(row, column, part) for part in text.split(fmt.SEPARATOR)]
            return {column.fields[-1]: [v for v in values if v]}
        value = self._value(row, column, text)
        return {column.fields[-1]: value} if value is not None else {}

    def _value(self, row: CheckedRow, column: fmt.Column, text: str) -> str | None:
        key = fmt.match_key(text)
        if not key:
            return ""
        value = self.lookups[column.header].get(key)
        if value is None:
            row.reject(self.column_name(column.header), _choose_message(column))
        return value

    def _moment(self, row: CheckedRow, column: fmt.Column, text: str) -> dict:
        if not text.strip():
            return {}
        parts = split_moment(text)
        date_field, time_field = column.fields
        if parts is None:
            row.reject(
                self.column_name(column.header),
                f"Enter the {column.meaning.lower()} as a date and time, like {_example(column)}",
            )
            return {}
        day, moment = parts
        return {**_date_data(date_field, day), time_field: moment}

    def _date(self, row: CheckedRow, column: fmt.Column, text: str) -> dict:
        if not text.strip():
            return {}
        parts = split_moment(text)
        if parts is None or parts[1] not in ("", "00:00"):
            row.reject(
                self.column_name(column.header),
                f"Enter the {column.meaning.lower()} as a date, like {column.example}",
            )
            return {}
        return _date_data(column.fields[-1], parts[0])

    def _field_column(self, name: str) -> str:
        if name in IDENTITY_COLUMNS:
            return IDENTITY_COLUMNS[name]
        for column in self.columns:
            if column.form is fmt.ReferralForm and name in column.fields:
                return column.header
        return ""

    # Events ---------------------------------------------------------------------------------

    def _events(self, row: CheckedRow, texts: dict[str, str]) -> list[Event]:
        events = []
        for step, form in self.step_forms.items():
            moment, *details = self.step_columns[step]
            given = [c for c in details if texts.get(c.header, "").strip()]
            if not texts.get(moment.header, "").strip():
                if given:
                    row.reject(
                        self.column_name(moment.header),
                        f"Enter the date and time in {moment.header}, or leave "
                        f"{_listed([c.header for c in given])} empty",
                    )
                continue
            if not given and step in self.without_details:
                form = self.without_details[step]
            data: dict = {}
            for column in (moment, *details):
                if column.header in texts:
                    data |= self._form_values(row, column, texts[column.header])
            form.data = data
            form.full_clean()
            unreadable = {name for name, _message in row.problems}
            for name, messages in form.errors.items():
                header = next((c.header for c in details if name in c.fields), moment.header)
                if self.column_name(header) in unreadable:
                    continue
                for message in messages:
                    row.reject(self.column_name(header), message)
            if not form.errors:
                at = form.cleaned_data["at"]
                events.append(Event(step, at, self._step_arguments(step, form)))
        return events

    def _step_arguments(self, step: str, form) -> dict:
        """The step's arguments as the officer's form gives them to the service; the
        destination from the lists read once."""
        if step == "signpost":
            kind, _, pk = form.cleaned_data["destination"].partition(":")
            if kind == "service":
                return {"to_service": self.services[int(pk)]}
            return {"to_organisation": self.organisations[int(pk)]}
        arguments = form.service_arguments()
        if step == "close":
            arguments["outcomes"] = sorted(set(arguments["outcomes"]))
        return arguments

    def _definition(self, received_at: datetime) -> definitions.Definition:
        """The service's definitions in force on the day the referral was received."""
        day = timezone.localtime(received_at).date()
        return [d for start, d in self.definitions if start is None or start <= day][-1]

    def _replay(self, row: CheckedRow, events: list[Event]) -> None:
        """Build the referral and take its events in time order, through referrals.steps."""
        form = self.row_form
        person_key, address_key = form.identity_keys()
        fields = form.referral_fields()
        definition = self._definition(fields["received_at"])
        row.repeats_same_role = definition.repeats_same_role
        try:
            referral = steps.new_referral(
                **fields,
                person_key=person_key,
                address_key=address_key,
                first_contact_rule=definition.first_contact_rule,
            )
        except ValidationError as error:
            header = "Referred to Marac" if fields.get("marac") else "Received"
            if hasattr(error, "error_dict"):
                header = self._field_column(next(iter(error.error_dict))) or header
            for message in error.messages:
                row.reject(self.column_name(header), message.rstrip("."))
            return
        ordered = sorted(events, key=lambda e: (e.at, fmt.STEP_ORDER.index(e.step)))
        for event in ordered:
            try:
                from_status = STEP_FUNCTIONS[event.step](referral, event.at, **event.arguments)
            except ValidationError as error:
                header = _error_column(error, event.step)
                for message in error.messages:
                    row.reject(self.column_name(header), message.rstrip("."))
                return  # the steps after it depend on it
            if from_status is not None:
                row.moves.append((from_status, referral.status, event.at))
            if event.step == "close":
                row.outcomes = event.arguments["outcomes"]
            if event.arguments.get("accommodation") is not None:
                details = event.arguments["accommodation"]
                row.characteristics = sorted(c.pk for c in details.characteristics)
        row.referral = referral
        row.fingerprint = _fingerprint(referral, row.outcomes, row.characteristics)


def _date_data(name: str, parts: list[str]) -> dict:
    return {f"{name}_{index}": part for index, part in enumerate(parts)}


def _example(column: fmt.Column) -> str:
    return column.example or "27/03/2025 14:30"


def _choose_message(column: fmt.Column) -> str:
    values = [label for _value, label in fmt.allowed_values(column)]
    if 0 < len(values) <= 6:
        return f"Enter one of: {_or_listed(values)}"
    return f"Enter one of the values listed for {column.header} in the return format"


def _or_listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _error_column(error: ValidationError, step: str) -> str:
    columns = fmt.event_columns(step)
    if hasattr(error, "error_dict"):
        for name in error.error_dict:
            for column in columns:
                if name in column.fields:
                    return column.header
    return columns[0].header


# What a referral is, for "unchanged": every field the row sets, and its history.
FINGERPRINT_EXCLUDE = {
    "id",
    "reference",
    "logged_by",
    "logged_at",
    "repeat_of",
    "is_repeat",
    "repeat_address_of",
    "is_repeat_address",
}


def _fingerprint(referral: Referral, outcomes: list[str], characteristics: list[int] | None) -> str:
    values = {
        f.attname: _plain(getattr(referral, f.attname))
        for f in Referral._meta.concrete_fields
        if f.name not in FINGERPRINT_EXCLUDE
    }
    text = json.dumps(
        {"referral": values, "outcomes": sorted(outcomes), "characteristics": characteristics},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value):
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


# Whole files ---------------------------------------------------------------------------------


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def check_rows(
    service: CommissionedService, match: HeaderMatch, rows: Iterable[tuple[int, list[str]]]
) -> Iterator[CheckedRow]:
    """Check every row, in order, and class each as created, updated, unchanged or rejected."""
    checker = RowChecker(service, match)
    first_row_of_case: dict[str, int] = {}
    for batch in _batched(rows, BATCH):
        checked = [checker.check(number, cells) for number, cells in batch]
        keys = {row.case_key for row in checked if row.case_key and not row.problems}
        existing = {
            case.case_key: case
            for case in ImportedCase.objects.filter(service=service, case_key__in=keys)
        }
        for row in checked:
            _classify(row, existing, first_row_of_case, checker.column_name("Case ID"))
            yield row


def _classify(row: CheckedRow, existing: dict, first_row_of_case: dict, case_column: str) -> None:
    if row.case_key:
        first = first_row_of_case.setdefault(row.case_key, row.number)
        if first != row.number:
            row.reject(
                case_column,
                f"This case ID is also on row {first}: a return has one row for each case",
            )
    if row.problems:
        row.action = REJECTED
        row.referral = None
        return
    row.existing = existing.get(row.case_key)
    if row.existing is None:
        row.action = CREATE
    elif row.existing.row_sha256 == row.fingerprint:
        row.action = UNCHANGED
    else:
        row.action = UPDATE
