"""Checks that keep identifying details out of the review register and its recommendations.

Domestic homicide and related death reviews are about people who died and the people around
them. The register holds no names, dates of birth or addresses: the forms have no field for them
and say so, and free text is refused when it holds something that looks like:

- a full UK postcode ("ZZ99 9ZZ", with or without the space, any case);
- a date of birth: the words "date of birth", "DOB" or "born", or a full date (day, month and
  year) more than `OLD_DATE_YEARS` years ago, which in this register is far more likely to be
  someone's birthday than a milestone.

Names cannot be recognised reliably, so they are kept out by having nowhere to type one and by
the forms' warnings; these checks catch the identifiers that have a shape.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

OLD_DATE_YEARS = 10

# The shape of a full postcode, not the Royal Mail's letter rules: "ZZ99 9ZZ" (a made-up one)
# must be refused as surely as a real one.
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", re.IGNORECASE)
BIRTH_WORDS = re.compile(r"\b(?:date\s+of\s+birth|d\.?\s?o\.?\s?b\b\.?|born)", re.IGNORECASE)
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
WORDED_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\.?\s+(\d{{4}})\b", re.I)
NO_IDENTIFYING_DETAILS = (
    "Do not enter names, dates of birth, addresses or postcodes, or anything else that could "
    "identify the people involved."
)


def _old_full_dates(text: str, today: date) -> bool:
    limit = today.year - OLD_DATE_YEARS
    years = [int(match.group(3)) for match in NUMERIC_DATE.finditer(text)]
    years += [int(match.group(3)) for match in WORDED_DATE.finditer(text)]
    return any(year < limit for year in years)


def identifying_details_in(text: str, *, today: date | None = None) -> str | None:
    """Say what in `text` looks identifying ("a postcode", "a date of birth"), or None."""
    if not text:
        return None
    if POSTCODE.search(text):
        return "a postcode"
    if BIRTH_WORDS.search(text) or _old_full_dates(text, today or timezone.localdate()):
        return "a date of birth"
    return None


def reject_identifying_details(text: str) -> None:
    """A model and form validator: refuse text holding a postcode or a date of birth."""
    found = identifying_details_in(text)
    if found:
        raise ValidationError(
            f"This looks like it contains {found}. {NO_IDENTIFYING_DETAILS}",
            code="identifying",
        )
