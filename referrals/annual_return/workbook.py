"""The return as an XLSX workbook (openpyxl), to upload to government: a function of an
`AnnualReturn`, so it can be tested without a database.

A cover sheet (authority, year, when made, the notes on what is not confirmed), one sheet per
table of the return with its title, header, rows and notes, and a sheet with the
reconciliation with the dashboard. Numbers are written as numbers, never text, so the figures
can be read back exactly.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .layout import AnnualReturn, Table

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
# Sheet names: at most 31 characters, no []:*?/\ (Excel's rule).
SHEET_NAMES = {
    "supported": "1 Supported",
    "characteristics": "2 Characteristics",
    "unable": "3 Unable to support",
    "ended": "4 Support ended",
    "move_on": "5 Move-on",
    "capacity": "6 Capacity",
    "services": "7 By service",
    "data_quality": "8 Not recorded",
}
RECONCILIATION_SHEET = "9 Reconciliation"


def _widths(sheet, widths: dict[int, int]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 10), 70)


def _write_table(sheet, table: Table) -> None:
    sheet.append([table.title])
    sheet["A1"].font = TITLE
    sheet.append([])
    sheet.append(table.header)
    for cell in sheet[3]:
        cell.font = BOLD
    for row in table.rows:
        sheet.append(row)
    if table.notes:
        sheet.append([])
        for note in table.notes:
            sheet.append([note])
    widths: dict[int, int] = {}
    for row in [table.header, *table.rows]:
        for column, value in enumerate(row, start=1):
            widths[column] = max(widths.get(column, 0), len(str(value)))
    _widths(sheet, widths)
    sheet.freeze_panes = "B4"


def _cover(sheet, made: AnnualReturn) -> None:
    sheet.append(["Support in domestic abuse safe accommodation: annual return"])
    sheet["A1"].font = TITLE
    sheet.append([])
    for label, value in (
        ("Local authority", made.authority),
        ("Financial year", made.year),
        ("Made", made.made_at),
        ("Figures", "Exact counts, not rounded or suppressed"),
    ):
        sheet.append([label, value])
    sheet.append([])
    sheet.append(["Not confirmed"])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    for note in made.unconfirmed:
        sheet.append([note])
    _widths(sheet, {1: 20, 2: 60})


def _reconciliation(sheet, made: AnnualReturn) -> None:
    sheet.append(["Reconciliation with the committee dashboard"])
    sheet["A1"].font = TITLE
    sheet.append([])
    sheet.append(
        [
            "Services",
            "Return figure",
            "Return",
            "Dashboard figure",
            "Dashboard",
            "Difference",
            "Amount",
            "Balances",
        ]
    )
    for cell in sheet[3]:
        cell.font = BOLD
    for reconciliation in made.reconciliations:
        for line in reconciliation.lines:
            sheet.append(
                [
                    reconciliation.services,
                    line.figure,
                    line.returned,
                    line.dashboard_figure,
                    line.dashboard,
                    "",
                    "",
                    "Yes" if line.balances else "No",
                ]
            )
            for difference in line.differences:
                sheet.append(["", "", "", "", "", difference.explanation, difference.amount, ""])
    _widths(sheet, {1: 40, 2: 34, 3: 8, 4: 40, 5: 8, 6: 60, 7: 8, 8: 8})


def workbook_bytes(made: AnnualReturn) -> bytes:
    """The XLSX file's bytes."""
    book = Workbook()
    _cover(book.active, made)
    book.active.title = "Cover"
    for table in made.tables:
        _write_table(book.create_sheet(SHEET_NAMES[table.key]), table)
    _reconciliation(book.create_sheet(RECONCILIATION_SHEET), made)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
