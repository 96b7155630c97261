"""The import pages: who sees what, upload messages, preview, confirm, downloads made safe."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.imports import format as fmt
from referrals.imports import reading
from referrals.imports.models import ReturnImport
from referrals.models import Referral

from .conftest import HEADERS, csv_bytes

pytestmark = pytest.mark.django_db


def post_upload(client, service, content, name="return.csv"):
    return client.post(
        reverse("referrals:import_create"),
        {"service": service.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_a_performance_lead_uploads_sees_the_preview_and_confirms_leaving_rejected_rows_out(
    login, performance_lead, service, row, django_capture_on_commit_callbacks
):
    client = login(performance_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(
            client, service, csv_bytes([row(), row(case_id="C-2", risk_level="Huge")])
        )
    run = ReturnImport.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()

    page = client.get(run.get_absolute_url()).content.decode()
    assert "Checked: waiting for confirmation" in page
    assert 'data-testid="created">1<' in page and 'data-testid="rejected">1<' in page
    assert "Enter one of: Standard, Medium or High" in page
    assert "Leave out the 1 rejected row and import the rest" in page

    response = client.post(reverse("referrals:import_confirm", args=[run.pk]), {})
    assert response.status_code == 400
    assert "Tick the box to leave them out" in response.content.decode()
    assert not Referral.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:import_confirm", args=[run.pk]), {"leave_out": "on"}
        )
    assert response.status_code == 302
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Return imported" in page and "were left out" not in page and "was left out" in page
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("return.pdf", b"%PDF-1.4 ...", "must be a CSV file or an Excel workbook"),
        ("return.xlsx", b"Case ID,Risk\n", "is not an Excel workbook"),
        ("return.csv", b"\x00\x01\x02binary", "is not a CSV file"),
        ("return.csv", b"", "The file is empty"),
        ("return.csv", b"Name,Date of birth\nA,B\n", "The file has no column for Case ID"),
    ],
)
def test_a_wrong_file_is_answered_on_the_form(
    login, performance_lead, service, name, content, message
):
    response = post_upload(login(performance_lead), service, content, name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReturnImport.objects.exists()


def test_an_oversized_file_is_answered_on_the_form(login, performance_lead, service, monkeypatch):
    from referrals.imports import forms

    monkeypatch.setattr(forms, "MAX_BYTES", 10)

    response = post_upload(login(performance_lead), service, b"Case ID\nC-1\nC-2\n")

    assert "The file must be smaller than" in response.content.decode()
    assert not ReturnImport.objects.exists()


def test_an_officer_cannot_choose_another_organisations_service(login, officer, other_service, row):
    response = post_upload(login(officer), other_service, csv_bytes([row()]))

    assert "Select one of the services listed" in response.content.decode()
    assert not ReturnImport.objects.exists()


def test_hostile_posts_to_the_upload_form_get_messages_not_errors(login, performance_lead, service):
    client = login(performance_lead)
    url = reverse("referrals:import_create")
    for data in (
        {},
        {"service": "99999999999999999999999", "file": "not a file"},
        {"service": ["1", "2"], "file": ""},
        {"service": "\x00", "file": SimpleUploadedFile("../../etc/passwd.csv", b"\xff\xfe")},
        {"service": service.pk, "file": SimpleUploadedFile("a.csv", b'"unclosed\n' * 3)},
    ):
        assert client.post(url, data).status_code == 200
    assert not ReturnImport.objects.exists() or ReturnImport.objects.get().is_failed


def test_another_organisations_officer_cannot_see_an_import(
    login, officer, other_agency_officer, service, row, upload
):
    run = upload(officer, service, csv_bytes([row()]))
    client = login(other_agency_officer)

    assert client.get(run.get_absolute_url()).status_code == 404
    assert client.get(reverse("referrals:import_problems", args=[run.pk])).status_code == 404
    assert client.post(reverse("referrals:import_confirm", args=[run.pk])).status_code == 404
    assert run.file_name not in client.get(reverse("referrals:import_list")).content.decode()


def test_the_rejected_rows_download_cannot_run_as_a_formula(
    login, performance_lead, service, row, upload
):
    headers = ["=Risk level" if h == "Risk level" else h for h in HEADERS]
    values = row(risk_level="bad")
    values["=Risk level"] = values.pop("Risk level")
    run = upload(performance_lead, service, csv_bytes([values], headers))

    response = login(performance_lead).get(reverse("referrals:import_problems", args=[run.pk]))

    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Row", "Column", "Reason"]
    assert rows[1][:2] == ["2", "'=Risk level"]


def test_templates_come_from_the_format_with_the_forms_values(login, performance_lead, service):
    from openpyxl import load_workbook

    client = login(performance_lead)
    headers = [column.header for column in fmt.columns_for(service)]
    assert "Accommodation type" not in headers  # not a safe accommodation service
    response = client.get(reverse("referrals:import_template", args=[service.pk, "csv"]))
    assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == headers

    response = client.get(reverse("referrals:import_template", args=[service.pk, "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook["Return"][1]] == headers
    risk = headers.index("Risk level") + 1
    assert [row[0].value for row in workbook["Lists"].iter_rows(min_col=risk, max_col=risk)][
        :3
    ] == [
        "Standard",
        "Medium",
        "High",
    ]
    dictionary = {row[0]: row for row in workbook["Data dictionary"].iter_rows(values_only=True)}
    assert "Victim-survivor (victim_survivor)" in dictionary["Subject"][3]
    assert (
        client.get(reverse("referrals:import_template", args=[service.pk, "pdf"])).status_code
        == 404
    )


def test_the_format_page_lists_every_column_with_its_allowed_values(login, officer, district):
    page = login(officer).get(reverse("referrals:import_format")).content.decode()

    for header in HEADERS:
        assert f">{header}<" in page
    assert "Victim-survivor (victim_survivor)" in page
    assert district.name in page
    assert "Support completed (support_completed)" in page


def test_an_imported_referral_says_where_it_came_from(
    login, performance_lead, service, row, upload, confirm
):
    run = confirm(upload(performance_lead, service, csv_bytes([row()])), performance_lead)
    referral = Referral.objects.get()

    page = login(performance_lead).get(referral.get_absolute_url()).content.decode()

    assert 'data-testid="imported"' in page and run.file_name in page
    assert "Next steps</h2>" not in page


def test_the_page_reloads_itself_while_a_return_is_checked(login, performance_lead, service, row):
    from django.core.files.base import ContentFile

    run = ReturnImport.objects.create(
        service=service,
        uploaded_by=performance_lead,
        file_name="slow.csv",
        file_format="csv",
        file_size=10,
        sha256="0" * 64,
        file=ContentFile(b"x", name="slow.csv"),
    )
    client = login(performance_lead)

    assert client.get(run.get_absolute_url())["Refresh"] == "3"
    assert "Refresh" not in client.get(run.get_absolute_url() + "?refresh=off")


def test_the_row_limit_is_said_on_the_upload_page(login, performance_lead):
    page = login(performance_lead).get(reverse("referrals:import_create")).content.decode()
    assert f"{reading.MAX_ROWS:,}" in page
