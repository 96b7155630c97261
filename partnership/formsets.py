"""Repeating rows ("add another") for every formset page, with and without JavaScript.

A page draws its formset with ``templates/includes/repeating_rows.html``: the rows, an empty row
in a ``<template>`` for the script, and an "Add another ..." button, which is a submit button
named ``ADD_ROW``.

- Without JavaScript, the button posts the form. The view sees `adds_row(request)` and, instead
  of checking and saving, draws the page again with everything that was typed and one more empty
  row: `another_row` for the formset, `as_typed` for the page's other form.
- With JavaScript (``static/js/add-another.js``) the button adds the empty row at once.

`running_total` adds up the amounts typed so far for the page's total line, which the script
keeps up to date as the user types.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .templatetags.money import format_pence

ADD_ROW = "add_row"


def adds_row(request: HttpRequest) -> bool:
    """Whether this POST is the "Add another" button rather than the page's save button."""
    return request.method == "POST" and ADD_ROW in request.POST


def typed_values(form: forms.Form) -> dict[str, Any]:
    """What was typed in each field of a bound form, unchecked, to draw it again as typed."""
    return {name: form[name].data for name in form.fields}


def as_typed(form_class: type[forms.Form], data, **kwargs) -> forms.Form:
    """An unbound form showing what was typed in `data`: no errors yet, since nothing is saved."""
    return form_class(initial=typed_values(form_class(data, **kwargs)), **kwargs)


def another_row(
    formset_class: type[forms.BaseFormSet], data, *, prefix: str, **kwargs
) -> forms.BaseFormSet:
    """An unbound formset holding the rows typed in `data` and one more empty row (none past the
    formset's maximum). Its rows count as initial rows, so a later save keeps their order."""
    bound = formset_class(data, prefix=prefix, **kwargs)
    rows = [typed_values(form) for form in bound.forms] if bound.management_form.is_valid() else []
    formset = formset_class(initial=rows[: formset_class.max_num], prefix=prefix, **kwargs)
    formset.extra = 1 if len(rows) < formset_class.max_num else 0
    return formset


def typed_amount(form: forms.Form, name: str) -> int | None:
    """The amount in pence in money field `name` of the form as it will be drawn, or None while
    it is blank or not an amount."""
    try:
        return form.fields[name].clean(form[name].value())
    except ValidationError:
        return None


def running_total(formset: forms.BaseFormSet, name: str) -> tuple[int, bool]:
    """(the total in pence of the amounts in field `name` of each row, whether every amount typed
    so far is one). Blank rows count as nothing."""
    total, readable = 0, True
    for form in formset.forms:
        pence = typed_amount(form, name)
        readable = readable and (pence is not None or not str(form[name].value() or "").strip())
        total += pence or 0
    return total, readable


def running_total_text(total: int, target: int | None, *, readable: bool, of_label: str) -> str:
    """The running total as one sentence (static/js/add-another.js says the same in the browser).

    `target` is the value the amounts should add up to, None while it is not a number."""
    text = f"The amounts add up to {format_pence(total)}."
    if not readable:
        text = f"Some amounts are not numbers yet; the others add up to {format_pence(total)}."
    if target is None:
        return f"{text} Enter {of_label} to compare."
    if total == target:
        return f"{text} That is exactly {of_label}."
    side = "less" if total < target else "more"
    difference = format_pence(abs(target - total))
    return f"{text} That is {difference} {side} than {of_label} ({format_pence(target)})."
