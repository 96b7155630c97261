"""Reading return files as they come from Excel and case systems: dates, numbers stored as text,
a BOM, Windows line endings and encodings, blank rows, renamed and reordered columns; and files
that are not returns, or are built to hurt (a zip bomb)."""

import io
import zipfile
from datetime import datetime

import pytest

from referrals.imports import format as fmt
from referrals.imports.checking import match_headers
from referrals.imports.reading import (
    ReturnFileError,
    check_xlsx_container,
    detect_format,
    open_return,
)

from .conftest import HEADERS, csv_bytes, xlsx_bytes


def read(content: bytes, file_format: str = "csv"):
    with open_return(io.BytesIO(content), file_format) as found:
        return found.headers, list(found.rows)


def test_a_bom_windows_line_endings_and_blank_rows_are_read_away():
    content = "\ufeffCase ID,Risk level\r\nC-1,High\r\n\r\n,\r\nC-2,Low\r\n\r\n\r\n".encode()

    headers, rows = read(content)

    assert headers == ["Case ID", "Risk level"]
    assert rows == [(2, ["C-1", "High"]), (5, ["C-2", "Low"])]  # row numbers as Excel shows them


def test_excel_csv_from_windows_in_its_own_encoding_is_read():
    content = "Case ID,Referring organisation\nC-1,Café – Support\n".encode("cp1252")

    _headers, rows = read(content)

    assert rows == [(2, ["C-1", "Café – Support"])]


def test_semicolon_separated_csv_is_read():
    _headers, rows = read(b"Case ID;Risk level\nC-1;High\n")
    assert rows == [(2, ["C-1", "High"])]


def test_short_rows_are_padded_and_extra_cells_dropped():
    _headers, rows = read(b"Case ID,Risk level\nC-1\nC-2,High,surplus\n")
    assert rows == [(2, ["C-1", ""]), (3, ["C-2", "High"])]


def test_excel_dates_times_and_numbers_read_as_text():
    content = xlsx_bytes(
        [["C-1", datetime(2025, 3, 27, 14, 30), 2.0, "2", True, None]],
        headers=["Case ID", "Received", "Children", "Text children", "Heard at MARAC", "Blank"],
    )

    _headers, rows = read(content, "xlsx")

    assert rows == [(2, ["C-1", "2025-03-27 14:30", "2", "2", "yes", ""])]


def test_an_excel_sheet_named_return_is_read_whichever_sheet_comes_first():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Read me first"])
    workbook.create_sheet("RETURN").append(["Case ID"])
    workbook["RETURN"].append(["C-9"])
    out = io.BytesIO()
    workbook.save(out)

    headers, rows = read(out.getvalue(), "xlsx")

    assert headers == ["Case ID"] and rows == [(2, ["C-9"])]


def test_headers_match_in_any_order_case_and_spelling():
    headers = ["RISK LEVEL", "case id", "Date received", "referral_source", "Notes", *HEADERS[4:]]
    headers.remove("Risk level")

    match = match_headers(headers, fmt.COLUMNS)

    assert match.positions["Case ID"] == 1
    assert match.positions["Received"] == 2
    assert match.positions["Referral source"] == 3
    assert match.headers["Risk level"] == "RISK LEVEL"
    assert match.ignored == ["Notes"]


def test_a_file_without_a_required_column_is_refused_naming_it():
    headers = [h for h in HEADERS if h not in ("Case ID", "Risk level")]

    with pytest.raises(ReturnFileError, match="no column for Case ID and Risk level"):
        match_headers(headers, fmt.COLUMNS)


def test_a_column_given_twice_is_refused():
    with pytest.raises(ReturnFileError, match="columns B and C"):
        match_headers(["Case ID", "Risk level", "risk"] + HEADERS, fmt.COLUMNS)


def test_an_empty_file_is_refused():
    with pytest.raises(ReturnFileError, match="empty"):
        read(b"\r\n\r\n")


@pytest.mark.parametrize(
    ("name", "head", "message"),
    [
        ("return.pdf", b"%PDF-1.7", "must be a CSV file or an Excel workbook"),
        ("return.xls", b"\xd0\xcf\x11\xe0", "A .xls file cannot be read"),
        ("return.xlsx", b"just text", "not an Excel workbook"),
        ("return.csv", b"PK\x03\x04rest", "not a CSV file"),
        ("return.csv", b"MZ\x90\x00\x03", "not a CSV file"),
    ],
)
def test_a_wrong_file_type_gets_a_clear_message(name, head, message):
    with pytest.raises(ReturnFileError, match=message):
        detect_format(name, head)


def test_a_zip_bomb_is_refused_before_it_is_expanded():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))

    with pytest.raises(ReturnFileError, match="expands to far more data"):
        check_xlsx_container(io.BytesIO(out.getvalue()))


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")

    with pytest.raises(ReturnFileError, match="not an Excel workbook"):
        read(out.getvalue(), "xlsx")


def test_a_damaged_workbook_is_refused():
    content = xlsx_bytes([["C-1"]])[:-200]

    with pytest.raises(ReturnFileError, match="damaged"):
        read(content, "xlsx")


def test_an_entity_bomb_inside_a_workbook_is_refused():
    content = io.BytesIO(xlsx_bytes([["C-1"]]))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(content) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = bomb.encode()
            target.writestr(item, data)

    with pytest.raises(ReturnFileError):
        read(out.getvalue(), "xlsx")


def test_a_huge_cell_is_refused_with_its_row():
    with pytest.raises(ReturnFileError, match="Row 2 has a cell longer"):
        read(b"Case ID\n" + b"x" * 5000 + b"\n")


def test_more_rows_than_allowed_are_refused(monkeypatch):
    from referrals.imports import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 2)

    with pytest.raises(ReturnFileError, match="more than 2 rows"):
        read(csv_bytes([{"Case ID": "1"}, {"Case ID": "2"}, {"Case ID": "3"}]))
