import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from scrutiny.constants import AGENDA_DOCUMENT_MAX_BYTES, EVIDENCE_MAX_BYTES
from scrutiny.demo import minimal_pdf
from scrutiny.files import clean_filename, validate_agenda_document, validate_evidence_file

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
ZIP = b"PK\x03\x04" + b"\x00" * 20


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


class BigUpload(SimpleUploadedFile):
    """Claims a size without holding that many bytes."""

    def __init__(self, name, content, size):
        super().__init__(name, content)
        self.size = size


def test_a_pdf_agenda_document_is_accepted():
    validate_agenda_document(upload("appendix.pdf", minimal_pdf("Appendix")))


def test_an_agenda_document_that_is_not_named_pdf_is_rejected():
    with pytest.raises(ValidationError, match="must be a PDF"):
        validate_agenda_document(upload("appendix.docx", minimal_pdf("Appendix")))


def test_an_agenda_document_named_pdf_without_pdf_contents_is_rejected():
    with pytest.raises(ValidationError, match="contents are not a PDF"):
        validate_agenda_document(upload("appendix.pdf", b"MZ\x90\x00 a renamed program"))


def test_an_agenda_document_over_20_mb_is_rejected():
    big = BigUpload("appendix.pdf", minimal_pdf("x"), AGENDA_DOCUMENT_MAX_BYTES + 1)
    with pytest.raises(ValidationError, match="smaller than 20 MB"):
        validate_agenda_document(big)


@pytest.mark.parametrize(
    "name, content",
    [
        ("evidence.pdf", minimal_pdf("Evidence")),
        ("evidence.docx", ZIP),
        ("evidence.xlsx", ZIP),
        ("evidence.csv", b"Programme,Weeks\nGroup,9\n"),
        ("evidence.PNG", PNG),
    ],
)
def test_evidence_of_each_allowed_type_is_accepted(name, content):
    validate_evidence_file(upload(name, content))


def test_evidence_of_another_type_is_rejected():
    with pytest.raises(ValidationError, match="PDF, Word"):
        validate_evidence_file(upload("evidence.exe", b"MZ"))


def test_evidence_whose_contents_do_not_match_its_name_is_rejected():
    with pytest.raises(ValidationError, match="named .png but its contents are not a PNG"):
        validate_evidence_file(upload("evidence.png", minimal_pdf("not a picture")))


def test_a_binary_file_named_csv_is_rejected():
    with pytest.raises(ValidationError, match="not a CSV"):
        validate_evidence_file(upload("evidence.csv", b"\x00\x01\x02binary"))


def test_evidence_over_10_mb_is_rejected():
    with pytest.raises(ValidationError, match="smaller than 10 MB"):
        validate_evidence_file(BigUpload("evidence.pdf", minimal_pdf("x"), EVIDENCE_MAX_BYTES + 1))


def test_the_download_name_drops_any_folder():
    assert clean_filename("C:\\Users\\someone\\report.pdf") == "report.pdf"
    assert clean_filename("../../etc/passwd") == "passwd"
