"""GOV.UK form plumbing for every app: the fields for dates, times, money and numbers, and the two
helpers every editing view uses.

The fields read what a person types, never trust it, and clean it to a Python value:

- `DateField` (day, month and year boxes) to a `date` between the field's own `earliest` and
  `latest` (a date of birth may be long ago; a referral date is not before 2000 and not in the
  future; a due date is at most a few years ahead);
- `TimeField` to a `time`, typed as 14:00, 14.00, 2pm or 2:30pm;
- `MoneyField` to integer pence, typed in pounds with or without £ and commas;
- `WholeNumberField` and `NumberField` (and `PercentField`) to an `int` or a `Decimal` within
  bounds that every field states.

Anything else, huge numbers, blanks, spaces, year 0, other scripts' digits or control characters
included, is refused with a message on the field that names the part that is wrong and gives an
example ("The month of the date received must be a number from 1 to 12, like 27 3 2025"). No
input reaches `date()`, `int()` or the database unchecked, so none can raise.

`show_errors` puts a service's `ValidationError` on the form (each message on its field), and
`save_and_redirect` runs a service write for a valid form, then says so and redirects, or shows
the service's errors on the form.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any, NoReturn

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateformat import format as format_date

from .templatetags.money import format_pence

# Longer input than this is never a date part, time or number: refuse it before parsing it.
MAX_TYPED = 40


# Date bounds ------------------------------------------------------------------------------------


def today() -> date:
    """A bound that moves: today's date where the app runs."""
    return timezone.localdate()


@dataclass(frozen=True)
class YearsFromToday:
    """A bound that moves: the same day `years` years from today (28 February for 29th)."""

    years: int

    def __call__(self) -> date:
        day = timezone.localdate()
        year = day.year + self.years
        return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


DateBound = date | Callable[[], date]

# The bounds most fields use: records start in 2000 (the old county system's first year).
RECORDS_BEGIN = date(2000, 1, 1)
BORN_AFTER = date(1900, 1, 1)
PLANNING_YEARS = YearsFromToday(30)  # contract terms and decisions
DIARY_YEARS = YearsFromToday(10)  # meetings and due dates


# Typed text ------------------------------------------------------------------------------------


class _TypedField(forms.Field):
    """A text box whose typed text is cleaned to a value by `parse`, with its own messages.

    Blank or spaces only is empty; text longer than MAX_TYPED is refused as `invalid` before
    `parse` sees it.
    """

    input_attrs: dict[str, str] = {"spellcheck": "false"}
    width = "govuk-input--width-10"

    def __init__(self, *, messages: dict[str, str], **kwargs):
        given = kwargs.pop("error_messages", None) or {}
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={**self.input_attrs, "class": self.width})
        )
        super().__init__(**kwargs)
        self.error_messages = {**self.error_messages, **messages, **given}

    def to_python(self, value):
        if value is None:
            return None
        text = str(value).strip()
        if not text:
            return None
        if len(text) > MAX_TYPED:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return self.parse(text)

    def parse(self, text: str) -> Any:
        raise NotImplementedError


# Dates ------------------------------------------------------------------------------------------

PARTS = ("day", "month", "year")
DIGITS = {"day": re.compile(r"[0-9]{1,2}"), "month": re.compile(r"[0-9]{1,2}")}
YEAR = re.compile(r"[0-9]{4}")
MONTH_NAMES = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}


class DateWidget(forms.MultiWidget):
    """Three numeric boxes; the error state of each is set by `DateField.clean`."""

    template_name = "gds/widgets/date.html"

    def __init__(self, attrs=None):
        def box(label: str, width: int) -> forms.TextInput:
            return forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "label": label,
                    "inputmode": "numeric",
                    "autocomplete": "off",
                }
            )

        super().__init__([box("Day", 2), box("Month", 2), box("Year", 4)], attrs)

    def decompress(self, value):
        if value:
            return value.day, value.month, value.year
        return None, None, None

    def get_context(self, name, value, attrs):
        # crispy-forms-gds empties a box's aria-describedby when the field has an error that
        # names no box (one added by the form's or a service's checks): an empty IDREFS is
        # invalid HTML. The fieldset still points at the error.
        context = super().get_context(name, value, attrs)
        for box in context["widget"]["subwidgets"]:
            if not box["attrs"].get("aria-describedby"):
                box["attrs"].pop("aria-describedby", None)
        return context


class DateField(DateInputField):
    """A GOV.UK date input (day, month and year) for a date from `earliest` to `latest`.

    `what` names the date in messages ("date of birth"); `example` is a date as typed
    ("31 3 1980"). A bound is a date or a function giving one (`today`, `YearsFromToday(10)`);
    a `latest` of `today` says "cannot be in the future". The part that is wrong is named in
    the message and marked on its box (crispy-forms-gds reads each box's `widget.errors`).
    """

    widget = DateWidget

    def __init__(
        self,
        *,
        what: str,
        earliest: DateBound,
        latest: DateBound,
        example: str = "27 3 2025",
        **kwargs,
    ):
        given = kwargs.pop("error_messages", None) or {}
        super().__init__(**kwargs)
        self.what, self.example = what, example
        self.earliest, self.latest = earliest, latest
        self.error_messages = {**self.error_messages, "required": f"Enter the {what}", **given}

    def clean(self, value):
        for box in self.fields:
            box.widget.errors = []
        parts = list(value) if isinstance(value, list | tuple) else []
        texts = [str(part or "").strip() for part in (parts + ["", "", ""])[:3]]
        if not any(texts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [part for part, text in zip(PARTS, texts, strict=True) if not text]
        if missing:
            self._refuse(missing, f"The {self.what} must include a {' and a '.join(missing)}")
        day, month, year = self._day(texts[0]), self._month(texts[1]), self._year(texts[2])
        earliest, latest = self._bound(self.earliest), self._bound(self.latest)
        if year < earliest.year:
            self._refuse(["year"], self._too_early(earliest), code="too_early")
        if year > latest.year:
            self._refuse(["year"], self._too_late(latest), code="too_late")
        try:
            value = date(year, month, day)
        except ValueError:
            self._refuse(["day"], f"The {self.what} must be a real date, like {self.example}")
        if value < earliest:
            self._refuse(PARTS, self._too_early(earliest), code="too_early")
        if value > latest:
            self._refuse(PARTS, self._too_late(latest), code="too_late")
        return value

    def _day(self, text: str) -> int:
        if not DIGITS["day"].fullmatch(text) or not 1 <= int(text) <= 31:
            self._refuse(
                ["day"],
                f"The day of the {self.what} must be a number from 1 to 31, like {self.example}",
            )
        return int(text)

    def _month(self, text: str) -> int:
        if text.lower() in MONTH_NAMES:
            return MONTH_NAMES[text.lower()]
        if not DIGITS["month"].fullmatch(text) or not 1 <= int(text) <= 12:
            self._refuse(
                ["month"],
                f"The month of the {self.what} must be a number from 1 to 12, like {self.example}",
            )
        return int(text)

    def _year(self, text: str) -> int:
        if not YEAR.fullmatch(text):
            self._refuse(
                ["year"],
                f"The year of the {self.what} must be 4 numbers, like {self.example}",
            )
        return int(text)

    @staticmethod
    def _bound(bound: DateBound) -> date:
        return bound() if callable(bound) else bound

    def _too_early(self, earliest: date) -> str:
        return self.error_messages.get(
            "too_early", f"The {self.what} must be on or after {format_date(earliest, 'j F Y')}"
        )

    def _too_late(self, latest: date) -> str:
        if "too_late" in self.error_messages:
            return self.error_messages["too_late"]
        if self.latest is today:
            return f"The {self.what} cannot be in the future"
        return f"The {self.what} must be on or before {format_date(latest, 'j F Y')}"

    def _refuse(self, parts: Sequence[str], message: str, code: str = "invalid") -> NoReturn:
        for part in parts:
            self.fields[PARTS.index(part)].widget.errors = [message]
        raise ValidationError(message, code=code)


# Times ------------------------------------------------------------------------------------------

CLOCK = re.compile(
    r"(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2}))?\s*(?:(?P<half>[ap])\.?m\.?)?",
    re.IGNORECASE,
)
WORDS = {"midday": time(12), "noon": time(12), "12 noon": time(12), "midnight": time(0)}


class TimeField(_TypedField):
    """A time of day, typed as 14:00, 14.00, 1400, 2pm, 2:30pm or midday."""

    width = "govuk-input--width-5"

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        kwargs.setdefault("help_text", "For example, 14:30 or 2:30pm")
        super().__init__(
            messages={
                "required": f"Enter the {what}, like 14:30 or 2:30pm",
                "invalid": f"Enter the {what} like 14:30 or 2:30pm",
            },
            **kwargs,
        )

    def prepare_value(self, value):
        return value.strftime("%H:%M") if isinstance(value, time) else value

    def parse(self, text: str) -> time:
        lowered = text.lower()
        if lowered in WORDS:
            return WORDS[lowered]
        if re.fullmatch(r"[0-9]{4}", text):  # 1430, 0930
            text = f"{text[:2]}:{text[2:]}"
        match = CLOCK.fullmatch(text)
        if match is None or (match["minute"] is None and match["half"] is None):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        half = (match["half"] or "").lower()
        if minute > 59:
            raise ValidationError(
                f"The minutes of the {self.what} must be from 00 to 59, like 14:30",
                code="invalid",
            )
        if half and not 1 <= hour <= 12 and not (half == "p" and 13 <= hour <= 23):
            raise ValidationError(
                f"The hour of the {self.what} must be from 1 to 12 before am or pm, like 2:30pm",
                code="invalid",
            )
        if not half and hour > 23:
            raise ValidationError(
                f"The hour of the {self.what} must be from 0 to 23, like 14:30", code="invalid"
            )
        if half == "a" and hour == 12:
            hour = 0
        elif half == "p" and hour < 12:
            hour += 12
        return time(hour, minute)


# Numbers ----------------------------------------------------------------------------------------

GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?|[0-9]+(\.[0-9]+)?|\.[0-9]+")
WHOLE = re.compile(r"-?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)")
DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
MAX_PENCE = 100_000_000_000  # £1,000,000,000: far above any contract, far below overflow
NUMBER_ATTRS = {"inputmode": "decimal", "spellcheck": "false"}


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def pence_as_input(pence: int) -> str:
    """Pence as the text a person would type back: 2,157,000.00."""
    pounds, pennies = divmod(pence, 100)
    return f"{pounds:,}.{pennies:02d}"


class MoneyField(_TypedField):
    """An amount in pounds and pence, typed with or without £ and commas; cleaned to pence."""

    input_attrs = NUMBER_ATTRS

    def __init__(self, *, what: str = "the amount", example: str = "£1,015,483.50", **kwargs):
        self.what, self.example = what, example
        super().__init__(
            messages={
                "required": f"Enter {what} in pounds, like {example}",
                "invalid": f"Enter {what} as a number of pounds, like {example}",
            },
            **kwargs,
        )

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return pence_as_input(value)
        return value

    def parse(self, text: str) -> int:
        cleaned = text.replace("£", "").replace(" ", "")
        unsigned = cleaned.removeprefix("-")
        if not GROUPED.fullmatch(unsigned):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        amount = Decimal(unsigned.replace(",", ""))
        if cleaned.startswith("-") and amount != 0:
            raise ValidationError(
                f"{self.what.capitalize()} cannot be negative. "
                f"Enter 0 or more, like {self.example}",
                code="negative",
            )
        if _places(amount) > 2:
            raise ValidationError(
                f"Enter {self.what} in pounds and pence, with no more than 2 digits after the "
                f"point, like {self.example}",
                code="pence",
            )
        pence = int(amount * 100)
        if pence >= MAX_PENCE:
            raise ValidationError(
                f"Enter {self.what} less than {format_pence(MAX_PENCE)}", code="too_large"
            )
        return pence


class WholeNumberField(_TypedField):
    """A whole number from `min_value` to `max_value`, typed with or without commas."""

    input_attrs = {**NUMBER_ATTRS, "inputmode": "numeric"}
    width = "govuk-input--width-5"

    def __init__(self, *, what: str, example: str, max_value: int, min_value: int = 0, **kwargs):
        self.what, self.example = what, example
        self.min_value, self.max_value = min_value, max_value
        super().__init__(
            messages={
                "required": f"Enter {what}, like {example}",
                "invalid": f"Enter {what} as a whole number, like {example}",
                "min_value": f"Enter {what} of {min_value} or more, like {example}",
                "max_value": f"Enter {what} of {max_value} or fewer, like {example}",
            },
            **kwargs,
        )

    def parse(self, text: str) -> int:
        if not WHOLE.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        number = int(text.replace(",", ""))
        if number < self.min_value:
            raise ValidationError(self.error_messages["min_value"], code="min_value")
        if number > self.max_value:
            raise ValidationError(self.error_messages["max_value"], code="max_value")
        return number


class NumberField(_TypedField):
    """A decimal number from `minimum` to `maximum` with at most `places` decimal places."""

    input_attrs = NUMBER_ATTRS
    width = "govuk-input--width-5"

    def __init__(
        self,
        *,
        what: str,
        example: str,
        maximum: Decimal,
        places: int = 2,
        minimum: Decimal = Decimal(0),
        unit: str = "",
        **kwargs,
    ):
        self.what, self.example, self.places = what, example, places
        self.minimum, self.maximum, self.unit = minimum, maximum, unit
        super().__init__(
            messages={
                "required": f"Enter {what}, like {example}",
                "invalid": f"Enter {what} as a number, like {example}",
            },
            **kwargs,
        )

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return value

    def parse(self, text: str) -> Decimal:
        cleaned = text.replace(" ", "").removesuffix(self.unit) if self.unit else text
        if not DECIMAL.fullmatch(cleaned):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        number = Decimal(cleaned)  # DECIMAL admits only what Decimal reads
        if _places(number) > self.places:
            raise ValidationError(
                f"Enter {self.what} with no more than {self.places} digits after the point, "
                f"like {self.example}",
                code="places",
            )
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(
                f"Enter {self.what} between {self.minimum.normalize():f} and "
                f"{self.maximum.normalize():f}, like {self.example}",
                code="range",
            )
        return number


class PercentField(NumberField):
    """A percentage from 0 to 100, typed with or without %."""

    def __init__(self, *, what: str, example: str = "31", **kwargs):
        super().__init__(what=what, example=example, maximum=Decimal(100), unit="%", **kwargs)


# Service errors on forms, and the save-and-redirect of every editing view -----------------------


def show_errors(
    form: forms.Form | forms.BaseFormSet,
    error: ValidationError,
    *,
    fields: Mapping[str, str] | None = None,
) -> None:
    """Put a service's ValidationError on the form: each message on the form's field of the same
    name (or the one `fields` maps the model's field name to), the rest above the form. On a
    formset, every message goes above the rows."""
    if isinstance(form, forms.BaseFormSet):
        form._non_form_errors = form.error_class(
            error.messages, error_class="nonform", renderer=form.renderer
        )
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.error_dict.items():
        name = (fields or {}).get(field, field)
        form.add_error(name if name in form.fields else None, field_errors)


def save_and_redirect(
    request: HttpRequest,
    form: forms.Form | forms.BaseFormSet,
    write: Callable[[Any], Any],
    *,
    success: str | Callable[[Any], str],
    to: Any = None,
    fields: Mapping[str, str] | None = None,
    notices: Callable[[Any], list[str]] | None = None,
    valid: bool | None = None,
) -> HttpResponse | None:
    """For a POST of a valid form: run `write(form.cleaned_data)` (a service call), then show
    `success` (text, or a function of the result giving it) and any `notices(result)` as
    warnings, and redirect to `to` (a URL, URL name or model, or a function of the result), by
    default to the result itself.

    Returns None, to show the form again, for a GET, an invalid form (or `valid=False`, for a
    page whose formsets must be valid too) or a write refused with a ValidationError, whose
    messages are then on the form (`show_errors`, with `fields`).
    """
    if request.method != "POST" or not (form.is_valid() if valid is None else valid):
        return None
    try:
        result = write(form.cleaned_data)
    except ValidationError as error:
        show_errors(form, error, fields=fields)
        return None
    messages.success(request, success(result) if callable(success) else success)
    for notice in notices(result) if notices else []:
        messages.warning(request, notice)
    if to is None:
        return redirect(result)
    return redirect(to(result) if callable(to) else to)
