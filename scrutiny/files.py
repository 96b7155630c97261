"""Uploaded files: what may be uploaded, where it is kept and how it is sent back.

Files live under MEDIA_ROOT with random names and are only ever sent through views that check
the user may see the object they belong to (never through a public media URL). Each upload is
checked by its first bytes as well as its extension, so a renamed executable is not accepted.
A PDF is then read whole (`pdf_upload_sanitised`): one pypdf cannot read is refused, and what is
stored is a copy without JavaScript, actions other than links, or embedded files.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse

from .constants import AGENDA_DOCUMENT_MAX_BYTES, EVIDENCE_MAX_BYTES
from .pdfclean import PdfDamaged, PdfError, sanitise_pdf

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"  # .docx and .xlsx are zip files
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Extension -> (first bytes, or None for plain text; content type when sent back).
EVIDENCE_TYPES = {
    ".pdf": (PDF_MAGIC, "application/pdf"),
    ".docx": (
        ZIP_MAGIC,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": (ZIP_MAGIC, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".csv": (None, "text/csv"),
    ".png": (PNG_MAGIC, "image/png"),
}


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _is_new_upload(value) -> bool:
    # A FieldFile already in storage has been checked when it was uploaded.
    return not getattr(value, "_committed", False)


def _head(value, length: int = 8192) -> bytes:
    value.seek(0)
    head = value.read(length)
    value.seek(0)
    return head


def validate_agenda_document(value) -> None:
    """A PDF (by its `%PDF-` header, not only its name) of at most 20 MB."""
    if not _is_new_upload(value):
        return
    if PurePath(value.name).suffix.lower() != ".pdf":
        raise ValidationError("The document must be a PDF (a file ending .pdf).", code="type")
    if value.size > AGENDA_DOCUMENT_MAX_BYTES:
        raise ValidationError(
            f"The document must be smaller than {_megabytes(AGENDA_DOCUMENT_MAX_BYTES)}.",
            code="size",
        )
    if not _head(value).startswith(PDF_MAGIC):
        raise ValidationError(
            "The file is not a PDF: it is named .pdf but its contents are not a PDF.",
            code="content",
        )


def validate_evidence_file(value) -> None:
    """A PDF, Word (.docx), Excel (.xlsx), CSV or PNG file of at most 10 MB."""
    if not _is_new_upload(value):
        return
    suffix = PurePath(value.name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise ValidationError(
            "The evidence must be a PDF, Word (.docx), Excel (.xlsx), CSV or PNG file.",
            code="type",
        )
    if value.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            f"The evidence file must be smaller than {_megabytes(EVIDENCE_MAX_BYTES)}.",
            code="size",
        )
    magic, _content_type = EVIDENCE_TYPES[suffix]
    head = _head(value)
    looks_right = b"\x00" not in head if magic is None else head.startswith(magic)
    if not looks_right:
        raise ValidationError(
            f"The file is named {suffix} but its contents are not a {suffix[1:].upper()} file.",
            code="content",
        )


def pdf_upload_sanitised(upload, *, field: str):
    """The uploaded PDF as it will be stored: read whole, without active content.

    Call it after the upload's type and size are checked. Raises a ValidationError on `field`
    for a file that cannot be read; other files (not .pdf) are returned as they are.
    """
    if PurePath(upload.name).suffix.lower() != ".pdf":
        return upload
    upload.seek(0)
    try:
        data, _pages = sanitise_pdf(upload.read(), label="The file")
    except PdfDamaged as error:
        raise ValidationError(
            {
                field: "The file could not be read as a PDF: it may be damaged, or not a PDF. "
                "Save it as PDF again and upload it."
            },
            code="unreadable",
        ) from error
    except PdfError as error:  # password-protected, or no pages: the message says which
        raise ValidationError({field: str(error)}, code="unreadable") from error
    return ContentFile(data, name=upload.name)


def agenda_document_path(instance, filename: str) -> str:
    return f"scrutiny/agenda/{uuid.uuid4().hex}.pdf"


def evidence_path(instance, filename: str) -> str:
    return f"scrutiny/evidence/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def clean_filename(name: str) -> str:
    """The name a file was uploaded with, without any folder, for the download's name."""
    return PurePath(name.replace("\\", "/")).name[:200] or "document"


def download_response(field_file, filename: str) -> FileResponse:
    """Send a stored file as a download (never shown inline, so it cannot run in the site)."""
    suffix = PurePath(filename).suffix.lower()
    content_type = EVIDENCE_TYPES.get(suffix, (None, "application/octet-stream"))[1]
    return FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
