"""Uploaded PDFs: read whole with pypdf, refused if they cannot be read, and kept without active
content (JavaScript, actions other than links, embedded files).

Only pypdf is needed here, not WeasyPrint, so the models (scrutiny.files) can use it on a machine
without the libraries WeasyPrint draws with. scrutiny.pdf uses `read_pdf` and `scrub` when it
merges agenda packs.
"""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject


class PdfError(Exception):
    """A PDF could not be made; the message says why, in words the person running it can act on."""


class PdfDamaged(PdfError):
    """A PDF that pypdf cannot read at all; the message quotes pypdf's own reason."""


def read_pdf(data: bytes, label: str) -> PdfReader:
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfError(
                f"{label} is password-protected. Save it without a password and attach it again."
            )
        page_count = len(reader.pages)
    except PdfError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged or unusual file
        raise PdfDamaged(
            f"{label} could not be read as a PDF ({exc}). Save it as PDF again and re-attach it."
        ) from exc
    if page_count == 0:
        raise PdfError(f"{label} has no pages.")
    return reader


# Keys that run something when a document or page opens, a field changes or a page is shown,
# and embedded files. Removed wherever they appear.
_ACTIVE_KEYS = {
    "/AA",
    "/OpenAction",
    "/JS",
    "/JavaScript",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/EF",
    "/RichMediaContent",
    "/XFA",
}
# Actions that only move the reader: to a page or bookmark, or to a web address.
_SAFE_ACTIONS = {"/GoTo", "/URI", "/Named"}
_SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")
# Annotations that play or hold something: dropped from the page.
_ACTIVE_ANNOTATIONS = {"/FileAttachment", "/Screen", "/Movie", "/Sound", "/RichMedia", "/3D"}


def _is_safe_action(action: PdfObject) -> bool:
    action = action.get_object()
    if not isinstance(action, DictionaryObject):
        return False
    kind = action.get("/S")
    if kind not in _SAFE_ACTIONS:
        return False
    if kind == "/URI":
        uri = str(action.get("/URI", "")).strip().lower()
        return uri.startswith(_SAFE_URI_SCHEMES)
    return True


def _scrub_dictionary(value: DictionaryObject) -> None:
    for key in [key for key in value.keys() if key in _ACTIVE_KEYS]:  # noqa: SIM118 (outline items iterate their children)
        del value[key]
    if "/S" in value and "/Next" in value:  # an action, and the actions chained after it
        del value["/Next"]
    if "/A" in value and not _is_safe_action(value["/A"]):
        del value["/A"]
    if "/Annots" in value:
        value[NameObject("/Annots")] = ArrayObject(
            annotation
            for annotation in value["/Annots"].get_object()
            if annotation.get_object().get("/Subtype") not in _ACTIVE_ANNOTATIONS
        )


def scrub(writer: PdfWriter) -> None:
    """Remove JavaScript, actions other than links, and embedded files from the whole document.

    Every object reachable from the catalogue is visited: the document's open action and name
    trees, each page's open and close actions, annotations and form fields (whose actions ride
    on a field's parent, which pages reach through their widgets), and outlines.
    """
    root = writer.root_object
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        for tree in ("/JavaScript", "/EmbeddedFiles"):
            if tree in names:
                del names[tree]
    seen: set[int] = set()
    stack: list[PdfObject] = [root]
    while stack:  # not recursive: outlines are long chains
        value = stack.pop()
        if isinstance(value, IndirectObject):
            if value.idnum in seen:
                continue
            seen.add(value.idnum)
            value = value.get_object()
        if isinstance(value, DictionaryObject):
            _scrub_dictionary(value)
            stack.extend(value.values())
        elif isinstance(value, ArrayObject):
            stack.extend(value)


def sanitise_pdf(data: bytes, label: str) -> tuple[bytes, int]:
    """An uploaded PDF, read whole and written again without active content.

    The whole document is cloned, so what makes it accessible stays: its tags (structure tree),
    language, title and bookmarks. Then active content is scrubbed and every object nothing
    points at any more (a removed script or attachment) is dropped before writing.

    Returns the new bytes and the page count. Raises PdfError, saying what to do, for a file that
    cannot be read (not a PDF, damaged, password-protected, no pages, a page that cannot be
    drawn).
    """
    reader = read_pdf(data, label)
    try:
        for page in reader.pages:
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()  # decodes every content stream: a damaged one fails here
        writer = PdfWriter(clone_from=reader)
        scrub(writer)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        buffer = BytesIO()
        writer.write(buffer)
    except PdfError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file
        raise PdfDamaged(
            f"{label} could not be read as a PDF ({exc}). Save it as PDF again and re-attach it."
        ) from exc
    return buffer.getvalue(), len(writer.pages)
