"""Reading a return file: CSV or Excel (.xlsx), row by row, as text, whatever made it.

Excel files are read with openpyxl in read-only mode, which streams the rows from the zip
without loading the workbook, so a 100,000-row return is read in little memory (tablib and
django-import-export load the whole sheet first, and add little that a return needs). openpyxl
parses the XML through defusedxml (installed with it for that), which refuses entity tricks
("billion laughs"); before openpyxl opens a file, the zip's sizes are checked here, so a zip
bomb is refused without being expanded.

Each cell becomes text: Excel dates and times as "2025-03-27 14:30", whole numbers without
".0" (so a number stored as a number or as text reads the same), True/False as yes/no. CSV may
be UTF-8 (with or without the BOM Excel writes) or Windows-1252 (Excel's "CSV" on Windows),
separated by commas, semicolons or tabs, with any line endings. Blank rows, anywhere, are
skipped; row numbers are the spreadsheet's own, so a reason points at the row a person sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

from .models import FileFormat

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_CELL_CHARACTERS = 1000
# An .xlsx holding a 200,000-row return expands to about 150 MB of XML; anything far beyond
# that, or a part that expands more than a real sheet does, is refused before it is opened.
XLSX_MAX_EXPANDED = 600 * 1024 * 1024
XLSX_MAX_RATIO = 150
XLSX_MAX_PARTS = 500
ZIP_MAGIC = b"PK\x03\x04"
SHEET_NAME = "Return"


class ReturnFileError(ValueError):
    """The file as a whole cannot be read; the message says why, in plain words."""


@dataclass
class ReturnFile:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (spreadsheet row number, one text per header)


def megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def detect_format(name: str, head: bytes) -> str:
    """The file's format from its name, checked against its first bytes."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise ReturnFileError(
                "The file is named .xlsx but is not an Excel workbook. Save it from Excel as "
                "Excel Workbook (.xlsx) or CSV and upload it again."
            )
        return FileFormat.XLSX
    if suffix in (".csv", ".txt"):
        if b"\x00" in head or head.startswith(ZIP_MAGIC):
            raise ReturnFileError(
                "The file is named .csv but is not a CSV file. Save it as CSV (comma "
                "delimited) and upload it again."
            )
        return FileFormat.CSV
    if suffix in (".xls", ".xlsm", ".ods", ".numbers"):
        raise ReturnFileError(
            f"A {suffix} file cannot be read. Save it as Excel Workbook (.xlsx) or CSV and "
            "upload it again."
        )
    raise ReturnFileError("The file must be a CSV file or an Excel workbook (.xlsx).")


def cell_text(value) -> str:
    """A cell's value as the text the checks read."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M" if not value.second else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_blank(cells: list[str]) -> bool:
    return not any(cells)


def _rows_with_header(raw: Iterator[tuple[int, list[str]]]) -> ReturnFile:
    """The first non-blank row is the header; the rows after it, blank ones skipped, padded or
    cut to the header's width, at most MAX_ROWS of them."""
    for _number, cells in raw:
        if not _is_blank(cells):
            headers = cells
            break
    else:
        raise ReturnFileError("The file is empty: it has no header row and no rows.")
    while headers and not headers[-1]:
        headers = headers[:-1]
    width = len(headers)

    def rows() -> Iterator[tuple[int, list[str]]]:
        count = 0
        for row_number, cells in raw:
            if _is_blank(cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise ReturnFileError(
                    f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files "
                    "and import each."
                )
            yield row_number, (cells + [""] * width)[:width]

    return ReturnFile(headers=headers, rows=rows())


# CSV ------------------------------------------------------------------------------------------


def _csv_encoding(stream) -> str:
    """UTF-8 (BOM or not) when the whole file decodes as it, otherwise Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream.seek(0)
    try:
        while chunk := stream.read(1024 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)
    return "utf-8-sig"


def _csv_rows(stream) -> Iterator[tuple[int, list[str]]]:
    encoding = _csv_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    try:
        first_line = text.readline()
        text.seek(0)
        try:
            delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        yield from _csv_records(csv.reader(text, delimiter=delimiter))
    finally:
        text.detach()  # the caller's stream stays open (an upload is read again)


def _csv_records(reader) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 (the error names it)
            yield number, [_checked_cell(cell.strip(), number) for cell in cells]
    except csv.Error as error:
        raise ReturnFileError(
            f"Row {number + 1} could not be read as CSV ({error}). Check its quotes, then "
            "save the file as CSV again."
        ) from None


def _checked_cell(text: str, row_number: int) -> str:
    if len(text) > MAX_CELL_CHARACTERS:
        raise ReturnFileError(
            f"Row {row_number} has a cell longer than {MAX_CELL_CHARACTERS:,} characters, which "
            "no column of the return needs. Check the file is a return."
        )
    return text


# Excel ----------------------------------------------------------------------------------------


def check_xlsx_container(stream) -> None:
    """Refuse a zip that is not an Excel workbook, or would expand too far (a zip bomb)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
            if len(parts) > XLSX_MAX_PARTS:
                raise ReturnFileError("The workbook has too many parts to be a return.")
            names = {part.filename for part in parts}
            if "[Content_Types].xml" not in names or not any(
                name.startswith("xl/worksheets/") for name in names
            ):
                raise ReturnFileError(
                    "The file is a zip file but not an Excel workbook. Save it from Excel as "
                    "Excel Workbook (.xlsx) and upload it again."
                )
            expanded = sum(part.file_size for part in parts)
            ratio = max((part.file_size / max(part.compress_size, 1) for part in parts), default=0)
    except zipfile.BadZipFile:
        raise ReturnFileError(
            "The workbook is damaged and cannot be opened. Save it from Excel again."
        ) from None
    finally:
        stream.seek(0)
    if expanded > XLSX_MAX_EXPANDED or ratio > XLSX_MAX_RATIO:
        raise ReturnFileError(
            "The workbook expands to far more data than a return holds, so it was not opened. "
            "Save the return again as a new workbook, or as CSV."
        )


def _xlsx_rows(stream) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    check_xlsx_container(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except ReturnFileError:
        raise
    except Exception:  # openpyxl raises many kinds on a malformed workbook
        raise ReturnFileError(
            "The workbook could not be read. Save it from Excel as Excel Workbook (.xlsx), or "
            "as CSV, and upload it again."
        ) from None
    try:
        names = {name.casefold(): name for name in workbook.sheetnames}
        sheet = workbook[names.get(SHEET_NAME.casefold(), workbook.sheetnames[0])]
        sheet.reset_dimensions()  # some programs write wrong dimensions; read every row
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_checked_cell(cell_text(value), number) for value in values]
    except ReturnFileError:
        raise
    except Exception:
        raise ReturnFileError(
            "Part of the workbook could not be read. Save it from Excel again, or as CSV, and "
            "upload it again."
        ) from None
    finally:
        workbook.close()


@contextmanager
def open_return(stream, file_format: str) -> Iterator[ReturnFile]:
    """Read a return from a binary stream (an uploaded or stored file)."""
    raw = _xlsx_rows(stream) if file_format == FileFormat.XLSX else _csv_rows(stream)
    try:
        yield _rows_with_header(raw)
    finally:
        raw.close()
