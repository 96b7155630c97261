"""The UK financial calendar and working days.

Financial years run from 1 April to 31 March and are written `2020/21`. Quarters are written
`2020/21 Q4`: Q1 is April to June, Q2 July to September, Q3 October to December and Q4 January
to March of the next calendar year (so `2020/21 Q4` is January to March 2021).

Everything here is in local time: the current Django time zone, which is settings.TIME_ZONE
(Europe/London) because the app never activates another. An aware datetime is converted to local
time before its date is taken; a naive datetime is taken to be local time already. The database
expression `financial_quarter_index` does the same in SQL, so Python and the database agree on
which quarter a moment belongs to, including 1 April 00:30 BST (31 March in UTC).

Working days are Monday to Friday, except the bank holidays of settings.WORKING_DAYS_COUNTRY and
settings.WORKING_DAYS_SUBDIVISION (England and Wales by default) from the `holidays` package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TypeVar

import holidays
from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Cast, ExtractMonth, ExtractYear
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

# Keeps every quarter's dates inside what `datetime.date` can hold.
MIN_YEAR = 1900
MAX_YEAR = 9000

_QUARTER_PATTERN = re.compile(r"(\d{4})\s*/\s*(\d{2})\s+Q(\d+)", re.IGNORECASE)
_YEAR_PATTERN = re.compile(r"(\d{4})\s*/\s*(\d{2})")

# First calendar month of Q1..Q4.
_QUARTER_START_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}


def _local_date(value: date | datetime) -> date:
    """The local calendar date of a date, a naive (local) datetime or an aware datetime."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _local_midnight(day: date) -> datetime:
    """The aware start of `day` in the current time zone (midnight exists every day in the UK)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _check_year(start_year: int) -> None:
    if not isinstance(start_year, int) or not MIN_YEAR <= start_year <= MAX_YEAR:
        raise ValueError(f"Financial year must start between {MIN_YEAR} and {MAX_YEAR}.")


def _parse_year_pair(text: str, whole: str, example: str) -> int:
    """Check that `YYYY/YY` names consecutive years, e.g. 2020/21, and return the first."""
    match = _YEAR_PATTERN.fullmatch(text)
    if match is None:
        raise ValueError(f"{whole!r} is not a financial year: write it like {example!r}.")
    start_year, short_end = int(match[1]), int(match[2])
    if short_end != (start_year + 1) % 100:
        right = f"{start_year}/{(start_year + 1) % 100:02d}"
        raise ValueError(
            f"{whole!r}: a financial year runs from April to the next March, so the year "
            f"starting in {start_year} is written {right}."
        )
    _check_year(start_year)
    return start_year


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A financial year, 1 April `start_year` to 31 March the year after; written `2021/22`."""

    start_year: int

    def __post_init__(self) -> None:
        _check_year(self.start_year)

    def __str__(self) -> str:
        return self.label

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """`FinancialYear.parse("2021/22")`; ValueError with a readable message otherwise."""
        if not isinstance(text, str):
            raise ValueError(f"{text!r} is not a financial year: write it like '2021/22'.")
        return cls(_parse_year_pair(text.strip(), text, "2021/22"))

    @classmethod
    def containing(cls, value: date | datetime) -> FinancialYear:
        day = _local_date(value)
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        """The last day, inclusive: 31 March."""
        return date(self.start_year + 1, 3, 31)

    def start_datetime(self) -> datetime:
        return _local_midnight(self.start)

    def end_datetime(self) -> datetime:
        """The exclusive end: local midnight at the start of the next financial year."""
        return _local_midnight(self.end + timedelta(days=1))

    @property
    def quarters(self) -> tuple[FinancialQuarter, ...]:
        return tuple(FinancialQuarter(self.start_year, q) for q in range(1, 5))

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)


@dataclass(frozen=True, order=True)
class FinancialQuarter:
    """A quarter of a financial year, written `2020/21 Q4`; ordered by (start_year, quarter).

    `index` numbers quarters consecutively (start_year * 4 + quarter - 1), so the quarter after
    index i is i + 1; `financial_quarter_index` computes the same number in the database.
    """

    start_year: int
    quarter: int

    def __post_init__(self) -> None:
        _check_year(self.start_year)
        if not isinstance(self.quarter, int) or not 1 <= self.quarter <= 4:
            raise ValueError("A financial quarter is Q1, Q2, Q3 or Q4.")

    def __str__(self) -> str:
        return self.label

    @classmethod
    def parse(cls, text: str) -> FinancialQuarter:
        """`FinancialQuarter.parse("2020/21 Q4")`; ValueError with a readable message otherwise."""
        example = "2020/21 Q4"
        if not isinstance(text, str):
            raise ValueError(f"{text!r} is not a financial quarter: write it like {example!r}.")
        match = _QUARTER_PATTERN.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a financial quarter: write it like {example!r}.")
        year_text = text.strip()[: match.end(2)]
        start_year = _parse_year_pair(year_text, text, example)
        quarter = int(match[3])
        if not 1 <= quarter <= 4:
            raise ValueError(f"{text!r}: the quarter must be Q1, Q2, Q3 or Q4.")
        return cls(start_year, quarter)

    @classmethod
    def containing(cls, value: date | datetime) -> FinancialQuarter:
        """The quarter holding a date, or a datetime's local date."""
        day = _local_date(value)
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def last_complete(cls, today: date | datetime | None = None) -> FinancialQuarter:
        """The latest quarter that has ended before `today` (default: today, local time)."""
        return cls.containing(today if today is not None else timezone.localdate()).previous()

    @classmethod
    def from_index(cls, index: int) -> FinancialQuarter:
        start_year, offset = divmod(index, 4)
        return cls(start_year, offset + 1)

    @property
    def index(self) -> int:
        return self.start_year * 4 + self.quarter - 1

    @property
    def label(self) -> str:
        return f"{self.financial_year} Q{self.quarter}"

    @property
    def financial_year(self) -> str:
        """The year as written, e.g. "2020/21"; `FinancialYear(q.start_year)` for the object."""
        return FinancialYear(self.start_year).label

    @property
    def start(self) -> date:
        year = self.start_year + 1 if self.quarter == 4 else self.start_year
        return date(year, _QUARTER_START_MONTH[self.quarter], 1)

    @property
    def end(self) -> date:
        """The last day, inclusive (31 March for Q4)."""
        return self.next().start - timedelta(days=1)

    def start_datetime(self) -> datetime:
        """The aware local start; with `end_datetime` a half-open range [start, end)."""
        return _local_midnight(self.start)

    def end_datetime(self) -> datetime:
        """The exclusive end: local midnight at the start of the next quarter."""
        return self.next().start_datetime()

    def previous(self) -> FinancialQuarter:
        return FinancialQuarter.from_index(self.index - 1)

    def next(self) -> FinancialQuarter:
        return FinancialQuarter.from_index(self.index + 1)

    def same_quarter_last_year(self) -> FinancialQuarter:
        return FinancialQuarter(self.start_year - 1, self.quarter)

    def quarters_back(self, n: int) -> list[FinancialQuarter]:
        """The `n` quarters ending with this one, oldest first."""
        if n < 1:
            raise ValueError("quarters_back needs at least one quarter.")
        return [FinancialQuarter.from_index(i) for i in range(self.index - n + 1, self.index + 1)]


def financial_quarter_index(field_name: str) -> Cast:
    """A database expression equal to `FinancialQuarter.containing(value).index` for each row.

    Works on DateField and DateTimeField; datetimes are taken in the current time zone, as in
    Python. Built from the local year and month only: shifting dates (e.g. "+ 9 months") is
    avoided because SQLite gets it wrong at month ends such as 31 December. The final cast keeps
    the result an integer on PostgreSQL, whose EXTRACT returns numeric. NULL gives NULL.

        Referral.objects.annotate(q=financial_quarter_index("received_at"))
            .values("q").annotate(n=Count("id"))
    """
    month = ExtractMonth(field_name)
    # January-March belong to the financial year that started the calendar year before:
    # index = (year - 1) * 4 + 3 = year * 4 - 1.
    offset = Case(
        When(LessThanOrEqual(month, 3), then=Value(-1)),
        When(LessThanOrEqual(month, 6), then=Value(0)),
        When(LessThanOrEqual(month, 9), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return Cast(ExtractYear(field_name) * Value(4) + offset, output_field=IntegerField())


# Working days ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _bank_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


def bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays of `year` for the configured country and subdivision (cached)."""
    return _bank_holidays(
        settings.WORKING_DAYS_COUNTRY, settings.WORKING_DAYS_SUBDIVISION or None, year
    )


def is_working_day(day: date | datetime) -> bool:
    """Monday to Friday and not a bank holiday; a datetime is judged by its local date."""
    day = _local_date(day)
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def _step_working_days(day: date, n: int) -> date:
    """The nth working day after `day` (before it when n < 0); `day` itself when n == 0."""
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


_D = TypeVar("_D", date, datetime)


def add_working_days(value: _D, n: int) -> _D:
    """The same local time of day on the nth working day after `value`'s local date.

    Counting starts from `value`'s date whether or not that is a working day, so one working
    day after a Saturday is the Monday (or the Tuesday after a bank holiday Monday). n == 0
    returns `value` unchanged; a negative n counts back. Returns the type it was given: a date,
    a naive datetime, or an aware datetime in the current time zone.
    """
    if not isinstance(value, datetime):
        return _step_working_days(value, n)
    if n == 0:
        return value
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    moved = datetime.combine(_step_working_days(local.date(), n), local.time())
    return timezone.make_aware(moved) if timezone.is_aware(value) else moved


def working_day_deadline(start: date | datetime, n: int) -> datetime:
    """The (exclusive) deadline for "within n working days" of `start`.

    The deadline is the end of the nth working day after the local day of `start`: that is,
    local midnight at the start of the following day. Receipt on a non-working day counts from
    that day, so a referral received on Saturday has until the end of Monday for n == 1. With
    n == 0 the deadline is the end of the day of receipt.
    """
    if n < 0:
        raise ValueError("A working-day deadline needs n >= 0.")
    last_day = _step_working_days(_local_date(start), n)
    return _local_midnight(last_day + timedelta(days=1))


def within_working_days(start: datetime, end: datetime, n: int) -> bool:
    """True when `end` is no later than the end of the nth working day after `start`'s day.

    See `working_day_deadline` for the rule. A referral received Thursday 1 April 2021 at 16:00
    and contacted Tuesday 6 April at 10:00 is within 1 working day (Good Friday and Easter Monday
    are bank holidays); contacted on Wednesday 7 April, it is not.
    """
    return end < working_day_deadline(start, n)
