"""What people download: each service's return template (CSV and Excel), the data dictionary
that the format page and the Excel template share, and an import's rejected rows as CSV.

Everything is built from `format.py`, so a column added there appears in all of them. The
Excel template has a drop-down list on each column with a fixed list of values (from a
"Lists" sheet) and the data dictionary as a second sheet; the CSV template is its header row.
The rejected rows go out through `partnership.csvexport.csv_response`, which makes every cell
safe, so nothing in a download can run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.text import slugify

from commissioning.models import CommissionedService

from . import format as fmt
from .models import ReturnImport

MOMENT_NOTE = (
    "A date and a time in one cell: 27/03/2025 14:30, 2025-03-27 14:30, or an Excel date and "
    "time. Empty if it has not happened."
)
DATE_NOTE = "A date: 03/03/2025, 2025-03-03, or an Excel date. Empty if not known."
CHOICES_NOTE = "Several values may be given, separated by semicolons."
SAFE_ACCOMMODATION_NOTE = "Safe accommodation services only."
NAMES_NOTE = "The name as listed here (any capitals)."
SAMPLE_FOLDER = "referrals/sample"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Entry:
    """One column in the data dictionary."""

    header: str
    required: bool
    meaning: str
    values: list[str]
    note: str
    example: str
    is_event: bool


def _note(column: fmt.Column) -> str:
    note = _kind_note(column)
    if column.safe_accommodation:
        return f"{SAFE_ACCOMMODATION_NOTE} {note}".strip()
    return note


def _kind_note(column: fmt.Column) -> str:
    if column.kind == fmt.MOMENT:
        return MOMENT_NOTE
    if column.kind == fmt.DATE:
        return DATE_NOTE
    if column.kind == fmt.CHOICES:
        return CHOICES_NOTE
    if fmt.values_are_names(column):
        return NAMES_NOTE
    if column.kind == fmt.NUMBER and column.field is not None:
        field = column.field
        return f"A whole number from {field.min_value} to {field.max_value}."
    if column.kind == fmt.CASE_ID:
        return f"Up to {fmt.CASE_ID_MAX_LENGTH} characters."
    return ""


def _values(column: fmt.Column) -> list[str]:
    values = fmt.allowed_values(column)
    return [
        f"{label} ({value})" if fmt.is_value_code(column, value) and value != label else label
        for value, label in values
    ]


def data_dictionary(service: CommissionedService | None = None) -> list[Entry]:
    columns = fmt.columns_for(service) if service is not None else fmt.COLUMNS
    return [
        Entry(
            header=column.header,
            required=column.is_required,
            meaning=column.meaning,
            values=_values(column),
            note=_note(column),
            example=column.example,
            is_event=bool(column.step),
        )
        for column in columns
    ]


def sample_path(service_id: int) -> str:
    """Where seed_demo keeps a service's sample return (a real board has none)."""
    return f"{SAMPLE_FOLDER}/service-{service_id}.csv"


def template_name(service: CommissionedService, extension: str) -> str:
    return f"return-{slugify(service.name)}.{extension}"


def template_csv(service: CommissionedService) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow([column.header for column in fmt.columns_for(service)])
    return ("\ufeff" + out.getvalue()).encode()


def _list_values(column: fmt.Column) -> list[str]:
    """The values an Excel drop-down offers: the meanings, as a person picks them."""
    if column.kind not in (fmt.CHOICE, fmt.DISTRICT):
        return []
    return [label for _value, label in fmt.allowed_values(column)]


def template_xlsx(service: CommissionedService) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Return"
    lists = workbook.create_sheet("Lists")
    columns = fmt.columns_for(service)
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 2)
        values = _list_values(column)
        if not values:
            continue
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=index, value=value)
        validation = DataValidation(
            type="list",
            formula1=f"=Lists!${letter}$1:${letter}${len(values)}",
            allow_blank=True,
            showErrorMessage=False,  # codes and other spellings are accepted too
        )
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}100000")
    dictionary = workbook.create_sheet("Data dictionary")
    dictionary.append(["Column", "Required", "What it holds", "Allowed values", "Notes", "Example"])
    for cell in dictionary[1]:
        cell.font = Font(bold=True)
    for entry in data_dictionary(service):
        dictionary.append(
            [
                entry.header,
                "Yes" if entry.required else "No",
                entry.meaning,
                "\n".join(entry.values),
                entry.note,
                entry.example,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


PROBLEMS_HEADER = ["Row", "Column", "Reason"]


def problems_rows(return_import: ReturnImport):
    """The rejected rows' reasons, for `partnership.csvexport.csv_response` (which makes every
    cell safe)."""
    for problem in return_import.problems.order_by("row_number", "pk").iterator(2000):
        yield [problem.row_number, problem.column, problem.message]


def problems_name(return_import: ReturnImport) -> str:
    return f"rejected-rows-import-{return_import.pk}.csv"
