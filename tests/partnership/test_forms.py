"""The GOV.UK fields and form helpers every app uses (`partnership/forms.py`).

Each rule is a test: what is accepted, what is refused and with which message, naming the part
that is wrong. Hostile values (huge numbers, blanks, spaces, year 0, other scripts' digits,
control characters, overlong text) are refused with a message and never raise anything else.
"""

import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from partnership.forms import (
    BORN_AFTER,
    RECORDS_BEGIN,
    DateField,
    MoneyField,
    NumberField,
    PercentField,
    TimeField,
    WholeNumberField,
    YearsFromToday,
    save_and_redirect,
    show_errors,
    today,
)

HOSTILE = [
    "99999999999999999999",
    "-1",
    "١٢",  # Arabic-Indic digits: int() reads them, a date part must not
    "²",
    "1\x00",
    "x" * 100_000,
    "1e9",
    "NaN",
    "0x1F",
]


@pytest.fixture
def frozen_today(monkeypatch):
    """Today is 27 March 2025 (noon, UK time) for the bounds that move."""
    noon = timezone.make_aware(datetime(2025, 3, 27, 12, 0))
    monkeypatch.setattr(timezone, "now", lambda: noon)
    return noon.date()


def received(**kwargs) -> DateField:
    return DateField(what="date received", earliest=RECORDS_BEGIN, latest=today, **kwargs)


def refusal(field, value) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        field.clean(value)
    return caught.value.code, caught.value.messages[0]


def marked_parts(field: DateField) -> list[str]:
    return [
        part
        for part, box in zip(("day", "month", "year"), field.fields, strict=True)
        if box.widget.errors
    ]


# Dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["27", "3", "2025"], date(2025, 3, 27)),
        ([" 07 ", "03", "2025"], date(2025, 3, 7)),
        (["1", "Mar", "2024"], date(2024, 3, 1)),
        (["1", "september", "2024"], date(2024, 9, 1)),
        (["1", "Sept", "2024"], date(2024, 9, 1)),
        (["29", "2", "2024"], date(2024, 2, 29)),
        (["1", "1", "2000"], date(2000, 1, 1)),
    ],
)
def test_a_date_is_typed_as_day_month_and_year(frozen_today, typed, expected):
    assert received().clean(typed) == expected


def test_an_empty_date_is_required_unless_optional(frozen_today):
    assert refusal(received(), ["", "", ""]) == ("required", "Enter the date received")
    assert refusal(received(), [" ", "\t", ""]) == ("required", "Enter the date received")
    assert refusal(received(), None) == ("required", "Enter the date received")
    assert received(required=False).clean(["", " ", ""]) is None


@pytest.mark.parametrize(
    ("typed", "message", "parts"),
    [
        (["27", "3", " "], "The date received must include a year", ["year"]),
        (["", "3", "2025"], "The date received must include a day", ["day"]),
        (["", "", "2025"], "The date received must include a day and a month", ["day", "month"]),
    ],
)
def test_a_missing_part_is_named_and_marked(frozen_today, typed, message, parts):
    field = received()
    assert refusal(field, typed) == ("invalid", message)
    assert marked_parts(field) == parts


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("part", [0, 1, 2])
def test_a_hostile_part_is_refused_with_a_message_naming_that_part(frozen_today, part, hostile):
    typed = ["27", "3", "2025"]
    typed[part] = hostile
    field = received()
    code, message = refusal(field, typed)
    name = ("day", "month", "year")[part]
    assert message.startswith(f"The {name} of the date received must be")
    assert marked_parts(field) == [name]


def test_a_day_or_month_out_of_range_is_refused():
    assert refusal(received(), ["32", "3", "2025"])[1] == (
        "The day of the date received must be a number from 1 to 31, like 27 3 2025"
    )
    assert refusal(received(), ["0", "3", "2025"])[1].startswith("The day of")
    assert refusal(received(), ["1", "13", "2025"])[1] == (
        "The month of the date received must be a number from 1 to 12, like 27 3 2025"
    )
    assert refusal(received(), ["1", "0", "2025"])[1].startswith("The month of")


def test_a_year_must_be_four_numbers():
    assert refusal(received(), ["1", "3", "25"])[1] == (
        "The year of the date received must be 4 numbers, like 27 3 2025"
    )


@pytest.mark.parametrize("year", ["0000", "0001", "1999"])
def test_year_0_and_years_before_the_earliest_are_refused(frozen_today, year):
    field = received()
    assert refusal(field, ["1", "1", year]) == (
        "too_early",
        "The date received must be on or after 1 January 2000",
    )
    assert marked_parts(field) == ["year"]


def test_a_date_of_birth_may_be_long_ago_but_not_before_1900(frozen_today):
    born = DateField(what="date of birth", earliest=BORN_AFTER, latest=today)
    assert born.clean(["2", "1", "1900"]) == date(1900, 1, 2)
    assert born.clean(["1", "1", "1900"]) == date(1900, 1, 1)
    assert refusal(born, ["31", "12", "1899"])[1] == (
        "The date of birth must be on or after 1 January 1900"
    )


def test_a_date_after_today_cannot_be_in_the_future(frozen_today):
    field = received()
    assert field.clean(["27", "3", "2025"]) == frozen_today
    assert refusal(field, ["28", "3", "2025"]) == (
        "too_late",
        "The date received cannot be in the future",
    )
    assert marked_parts(field) == ["day", "month", "year"]
    assert refusal(received(), ["1", "1", "9999"])[1] == "The date received cannot be in the future"


def test_a_far_future_date_is_refused_with_the_last_date_allowed(frozen_today):
    due = DateField(what="due date", earliest=RECORDS_BEGIN, latest=YearsFromToday(10))
    assert due.clean(["27", "3", "2035"]) == date(2035, 3, 27)
    assert refusal(due, ["28", "3", "2035"]) == (
        "too_late",
        "The due date must be on or before 27 March 2035",
    )
    assert refusal(due, ["1", "1", "9999"])[1] == "The due date must be on or before 27 March 2035"


def test_a_bound_years_from_the_29th_of_february_is_the_28th(monkeypatch):
    leap = timezone.make_aware(datetime(2024, 2, 29, 12, 0))
    monkeypatch.setattr(timezone, "now", lambda: leap)
    assert YearsFromToday(1)() == date(2025, 2, 28)
    assert YearsFromToday(4)() == date(2028, 2, 29)


def test_a_date_that_does_not_exist_marks_the_day():
    field = received(example="27 3 2025")
    assert refusal(field, ["31", "2", "2024"]) == (
        "invalid",
        "The date received must be a real date, like 27 3 2025",
    )
    assert marked_parts(field) == ["day"]


def test_messages_can_be_given_per_field(frozen_today):
    field = DateField(
        what="date of birth",
        earliest=BORN_AFTER,
        latest=today,
        error_messages={"too_late": "The date of birth must be in the past"},
    )
    assert refusal(field, ["1", "1", "2030"])[1] == "The date of birth must be in the past"


class _DateForm(forms.Form):
    when = DateField(what="date received", earliest=RECORDS_BEGIN, latest=today)


def test_only_the_wrong_box_is_shown_in_error_and_each_form_has_its_own_errors(frozen_today):
    from crispy_forms_gds.helper import FormHelper
    from crispy_forms_gds.layout import Field, Layout
    from django.template import Context, Template

    wrong = _DateForm({"when_0": "27", "when_1": "13", "when_2": "2025"})
    right = _DateForm({"when_0": "27", "when_1": "3", "when_2": "2025"})
    assert right.is_valid() and not wrong.is_valid()
    wrong.helper = FormHelper()
    wrong.helper.layout = Layout(Field("when"))
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        Context({"form": wrong})
    )
    inputs = re.findall(r"<input[^>]*>", html)
    boxes = {name: next(tag for tag in inputs if f'name="when_{name}"' in tag) for name in "012"}
    assert "govuk-input--error" in boxes["1"]
    assert "govuk-input--error" not in boxes["0"] and "govuk-input--error" not in boxes["2"]
    assert 'inputmode="numeric"' in boxes["0"]


def test_an_error_from_the_form_on_a_date_leaves_no_empty_aria_describedby(frozen_today):
    """An error the form's own checks put on a date names no box: the boxes then have no
    aria-describedby at all (crispy-forms-gds would leave it empty, which is invalid HTML),
    and the fieldset still points at the error."""
    from crispy_forms_gds.helper import FormHelper
    from crispy_forms_gds.layout import Field, Layout
    from django.template import Context, Template

    form = _DateForm({"when_0": "27", "when_1": "3", "when_2": "2025"})
    assert form.is_valid()
    form.add_error("when", "The date heard cannot be before the date referred")
    form.helper = FormHelper()
    form.helper.layout = Layout(Field("when"))
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    assert 'aria-describedby=""' not in html
    assert re.search(r'<fieldset[^>]*aria-describedby="[^"]*id_when_1_error', html)


# Times ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:00", time(14, 0)),
        ("14.00", time(14, 0)),
        ("9:05", time(9, 5)),
        ("0930", time(9, 30)),
        ("2pm", time(14, 0)),
        ("2:30pm", time(14, 30)),
        ("2.30 PM", time(14, 30)),
        ("2:30 p.m.", time(14, 30)),
        ("9am", time(9, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:15am", time(0, 15)),
        ("14:00pm", time(14, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("midday", time(12, 0)),
        (" Midnight ", time(0, 0)),
    ],
)
def test_a_time_is_typed_on_either_clock(typed, expected):
    assert TimeField(what="time received").clean(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the time received, like 14:30 or 2:30pm"),
        ("   ", "Enter the time received, like 14:30 or 2:30pm"),
        ("14", "Enter the time received like 14:30 or 2:30pm"),
        ("half six", "Enter the time received like 14:30 or 2:30pm"),
        ("14:00m", "Enter the time received like 14:30 or 2:30pm"),
        ("14:5", "Enter the time received like 14:30 or 2:30pm"),
        ("25:00", "The hour of the time received must be from 0 to 23, like 14:30"),
        ("24:00", "The hour of the time received must be from 0 to 23, like 14:30"),
        ("14:60", "The minutes of the time received must be from 00 to 59, like 14:30"),
        ("13am", "The hour of the time received must be from 1 to 12 before am or pm, like 2:30pm"),
        ("0pm", "The hour of the time received must be from 1 to 12 before am or pm, like 2:30pm"),
        ("99999999999999999999", "Enter the time received like 14:30 or 2:30pm"),
        ("١٤:٠٠", "Enter the time received like 14:30 or 2:30pm"),
        ("14:00\x00", "Enter the time received like 14:30 or 2:30pm"),
        ("1" * 100_000, "Enter the time received like 14:30 or 2:30pm"),
    ],
)
def test_a_time_that_cannot_be_read_names_the_part_that_is_wrong(typed, message):
    assert refusal(TimeField(what="time received"), typed)[1] == message


def test_a_stored_time_is_shown_back_on_the_24_hour_clock():
    assert TimeField(what="start time").prepare_value(time(18, 30)) == "18:30"
    assert TimeField(what="start time").prepare_value("6pm") == "6pm"


# Whole numbers --------------------------------------------------------------------------------


def children() -> WholeNumberField:
    return WholeNumberField(what="the number of children", example="2", max_value=30)


@pytest.mark.parametrize(("typed", "number"), [("2", 2), (" 0 ", 0), ("30", 30), ("007", 7)])
def test_a_whole_number_is_read(typed, number):
    assert children().clean(typed) == number


def test_thousands_may_be_typed_with_commas():
    field = WholeNumberField(what="the number", example="1,000", max_value=1_000_000)
    assert field.clean("1,000") == 1000
    assert refusal(field, "1,00")[0] == "invalid"


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("", "required", "Enter the number of children, like 2"),
        ("two", "invalid", "Enter the number of children as a whole number, like 2"),
        ("2.5", "invalid", "Enter the number of children as a whole number, like 2"),
        ("١", "invalid", "Enter the number of children as a whole number, like 2"),
        ("1e3", "invalid", "Enter the number of children as a whole number, like 2"),
        ("x" * 100_000, "invalid", "Enter the number of children as a whole number, like 2"),
        ("-1", "min_value", "Enter the number of children of 0 or more, like 2"),
        ("31", "max_value", "Enter the number of children of 30 or fewer, like 2"),
        ("9" * 20, "max_value", "Enter the number of children of 30 or fewer, like 2"),
    ],
)
def test_a_whole_number_out_of_bounds_or_unreadable_is_refused(typed, code, message):
    assert refusal(children(), typed) == (code, message)


# Money ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("£1,015,483", 101_548_300),
        ("1015483.00", 101_548_300),
        ("1,015,483.5", 101_548_350),
        (" £ 670,490 ", 67_049_000),
        ("0.01", 1),
        ("0", 0),
        ("-0", 0),
        (".5", 50),
    ],
)
def test_money_is_typed_in_pounds_and_stored_in_pence(typed, pence):
    assert MoneyField().clean(typed) == pence


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1015483.001", "no more than 2 digits after the point"),
        ("-5", "cannot be negative"),
        ("£-5", "cannot be negative"),
        ("twelve", "as a number of pounds"),
        ("1,01,5483", "as a number of pounds"),
        ("1e6", "as a number of pounds"),
        ("١٢٣", "as a number of pounds"),
        ("NaN", "as a number of pounds"),
        ("1000000000", "less than £1,000,000,000.00"),
        ("99999999999999999999", "less than £1,000,000,000.00"),
        ("9" * 100_000, "as a number of pounds"),
        ("", "Enter the amount in pounds"),
    ],
)
def test_bad_money_gets_a_message_that_says_how_to_fix_it(typed, message):
    with pytest.raises(ValidationError, match=message):
        MoneyField().clean(typed)


def test_money_in_pence_is_shown_back_as_pounds():
    assert MoneyField().prepare_value(215_700_000) == "2,157,000.00"
    assert MoneyField().prepare_value("typed text") == "typed text"


# Decimals and percentages ---------------------------------------------------------------------


def test_percent_accepts_a_percent_sign_and_refuses_over_100():
    field = PercentField(what="the share")
    assert field.clean("31%") == Decimal(31)
    assert field.clean("0") == Decimal(0)
    assert field.clean("100") == Decimal(100)
    with pytest.raises(ValidationError, match="between 0 and 100"):
        field.clean("101")
    with pytest.raises(ValidationError, match="between 0 and 100"):
        field.clean("-1")
    with pytest.raises(ValidationError, match="as a number"):
        field.clean("a third")
    with pytest.raises(ValidationError, match="no more than 2 digits"):
        field.clean("33.333")


@pytest.mark.parametrize("typed", ["1e2", "NaN", "Infinity", "١", "9" * 100_000, "1.2.3"])
def test_a_decimal_is_typed_as_plain_digits(typed):
    field = NumberField(what="the FTE", example="6.5", maximum=Decimal("9999.99"))
    assert refusal(field, typed) == ("invalid", "Enter the FTE as a number, like 6.5")


def test_a_decimal_is_shown_back_without_trailing_zeros():
    field = NumberField(what="the FTE", example="6.5", maximum=Decimal(10))
    assert field.prepare_value(Decimal("6.50")) == "6.5"
    assert field.clean("6.") == Decimal(6)


# The helpers ----------------------------------------------------------------------------------


class _NameForm(forms.Form):
    name = forms.CharField()
    amount = MoneyField(required=False)


def test_show_errors_puts_each_message_on_its_field_or_above_the_form():
    form = _NameForm({"name": "A"})
    assert form.is_valid()
    show_errors(
        form,
        ValidationError({"name": "Taken", "amount_pence": "Too much", "other": "Elsewhere"}),
        fields={"amount_pence": "amount"},
    )
    assert form.errors["name"] == ["Taken"]
    assert form.errors["amount"] == ["Too much"]
    assert form.non_field_errors() == ["Elsewhere"]
    plain = _NameForm({"name": "A"})
    plain.is_valid()
    show_errors(plain, ValidationError("Not now"))
    assert plain.non_field_errors() == ["Not now"]


def test_show_errors_on_a_formset_puts_the_messages_above_its_rows():
    formset = forms.formset_factory(_NameForm)(
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-name": "A"}
    )
    assert formset.is_valid()
    show_errors(formset, ValidationError(["Does not add up", "Try again"]))
    assert list(formset.non_form_errors()) == ["Does not add up", "Try again"]


def _request(method: str, data=None):
    request = getattr(RequestFactory(), method.lower())("/", data or {})
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_save_and_redirect_writes_a_valid_post_says_so_and_redirects():
    written = []
    request = _request("POST", {"name": "A"})
    response = save_and_redirect(
        request,
        _NameForm(request.POST),
        lambda data: written.append(data["name"]) or "/done/",
        success=lambda url: f"Saved, see {url}",
        notices=lambda url: ["Check it"],
    )
    assert written == ["A"]
    assert response.status_code == 302 and response.url == "/done/"
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [
        ("success", "Saved, see /done/"),
        ("warning", "Check it"),
    ]


def test_save_and_redirect_goes_where_it_is_told():
    request = _request("POST", {"name": "A"})
    response = save_and_redirect(
        request, _NameForm(request.POST), lambda data: 7, success="Saved", to=lambda n: f"/{n}/"
    )
    assert response.url == "/7/"
    response = save_and_redirect(
        request, _NameForm(request.POST), lambda data: 7, success="Saved", to="/list/"
    )
    assert response.url == "/list/"


def test_save_and_redirect_writes_nothing_for_a_get_or_an_invalid_form():
    def write(data):
        raise AssertionError("no write")

    get = _request("GET")
    assert save_and_redirect(get, _NameForm(), write, success="Saved") is None
    post = _request("POST", {"name": ""})
    form = _NameForm(post.POST)
    assert save_and_redirect(post, form, write, success="Saved") is None
    assert form.errors["name"]
    valid = _NameForm({"name": "A"})
    assert save_and_redirect(post, valid, write, success="Saved", valid=False) is None
    assert list(get_messages(post)) == []


def test_save_and_redirect_shows_a_refused_write_on_the_form():
    def write(data):
        raise ValidationError({"name": "Another has this name"})

    request = _request("POST", {"name": "A"})
    form = _NameForm(request.POST)
    assert save_and_redirect(request, form, write, success="Saved") is None
    assert form.errors["name"] == ["Another has this name"]
    assert list(get_messages(request)) == []
