"""Fixtures for import tests: a valid return row to vary, return files in CSV and Excel, and an
import run through its services with the Celery task run at each commit."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from referrals.imports import format as fmt
from referrals.imports import services
from referrals.imports.models import ReturnImport

HEADERS = [column.header for column in fmt.COLUMNS]
BY_KEY = {fmt.match_key(header): header for header in HEADERS}


def moment(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


@pytest.fixture
def received():
    """A time received a few days ago, on a weekday morning, so the steps after it are past."""
    day = timezone.localdate() - timedelta(days=10)
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + (
        timedelta(hours=9, minutes=30)
    )


@pytest.fixture
def row(district, received):
    """`row(**changes)`: a valid return row (column header -> cell text), with changes."""

    def make(**changes) -> dict[str, str]:
        values = {
            "Case ID": "C-1",
            "Received": moment(received),
            "Referral source": "Police",
            "Subject": "Victim-survivor",
            "District": district.name,
            "Risk level": "High",
            "Heard at MARAC": "No",
            "Children in household": "2",
            "Person key": "sam example|1987-03-14",
            "Address key": "ZZ99 1AB|12",
            "Age band": "25 to 34",
            "Gender": "Woman",
            "Ethnic group": "White: Irish",
            "Disability": "No",
            "Sexual orientation": "Not known",
            "No recourse to public funds": "No",
            "First contact": moment(received + timedelta(hours=4)),
            "Managerial oversight": moment(received + timedelta(hours=2)),
        }
        for key, value in changes.items():
            values[BY_KEY[fmt.match_key(key)]] = value
        return values

    return make


def csv_bytes(rows: list[dict], headers: list[str] | None = None, **writer) -> bytes:
    out = io.StringIO()
    headers = headers or HEADERS
    output = csv.writer(out, **writer)
    output.writerow(headers)
    for values in rows:
        output.writerow([values.get(header, "") for header in headers])
    return out.getvalue().encode()


def xlsx_bytes(rows: list[list], headers: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Return"
    sheet.append(headers or HEADERS)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """`upload(by, service, content, name="return.csv")`: the import after its check ran."""

    def make(by, service, content: bytes, name: str = "return.csv") -> ReturnImport:
        file = SimpleUploadedFile(name, content)
        file_format = "xlsx" if name.endswith(".xlsx") else "csv"
        with django_capture_on_commit_callbacks(execute=True):
            run = services.return_import_create(
                by=by, service=service, upload=file, file_format=file_format
            )
        run.refresh_from_db()
        return run

    return make


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """`confirm(run, by, leave_out=False)`: the import after it was applied (or failed)."""

    def make(run, by, leave_out: bool = False) -> ReturnImport:
        with django_capture_on_commit_callbacks(execute=True):
            services.return_import_confirm(by=by, return_import=run, leave_out_rejected=leave_out)
        run.refresh_from_db()
        return run

    return make
