"""PDF papers for committees: print templates to tagged PDF, and packs with one page numbering.

Everything here takes plain data and returns bytes, so it is tested without a database.

- `render_pdf` renders a template extending ``reports/base.html`` to an A4, PDF/UA-1 document
  (tagged, with its title and language), and refuses to make one with a missing resource, a
  contents entry that points nowhere or a chart without a text alternative.
- `assemble_pack` merges generated and attached PDFs and stamps "Page X of Y" and the pack title on
  every page, so the whole pack has one page numbering. `build_agenda_pack` renders the agenda
  last, once the first page of every item is known.
- `write_atomically` stores a file whole or not at all.
- `assemble_pack` removes JavaScript, actions other than links and embedded files from the merged
  pack (scrutiny.pdfclean, which also checks uploads).

A pack is a tagged PDF/UA-1 document too: pypdf merges the pages, and `scrutiny.pdftags` gives the
merged file one structure tree made of every part's own (or, for an untagged attached paper, one
element per page holding its content), with the stamps marked as pagination artifacts.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from html import escape
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.template.loader import render_to_string
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ContentStream,
    NameObject,
    TextStringObject,
)
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from .pdfclean import PdfDamaged, PdfError, read_pdf, scrub
from .pdftags import ARTIFACT_BEGIN, MARKED_END, UNTAGGED_BEGIN, TaggedPart, is_tagged, tag_pack

__all__ = ["PdfDamaged", "PdfError"]  # defined with the upload checks, which need no WeasyPrint

PDF_VARIANT = "pdf/ua-1"
SVG = "http://www.w3.org/2000/svg"
# Page numbers printed while the agenda's own length is still being measured: wide ones, so the
# estimate is seldom shorter than the agenda with its real numbers.
PROVISIONAL_PAGE_NUMBER = 999
MAX_LAYOUT_PASSES = 5


@dataclass(frozen=True)
class ContactOfficer:
    name: str
    job_title: str
    organisation: str
    email: str = ""
    telephone: str = ""


@dataclass(frozen=True)
class ReportCover:
    """The cover of a committee report, printed by ``reports/item_cover.html`` in this order."""

    committee: str
    meeting_date: date
    title: str
    wards: str
    report_of: str
    recommendations: tuple[str, ...]
    contact: ContactOfficer
    agenda_item_number: str = ""
    portfolio_holder: str = ""

    def __post_init__(self) -> None:
        if not self.recommendations:
            raise ValueError("A committee report needs at least one recommendation.")


@dataclass(frozen=True)
class ContentsEntry:
    """A line of the contents page: `anchor` is the id of the heading it points to."""

    anchor: str
    title: str


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    page_count: int  # from WeasyPrint's laid-out document: no need to read the PDF back


def render_pdf(template_name: str, context: dict, **options) -> bytes:
    """Render a template extending ``reports/base.html`` to an A4 PDF/UA-1 document (the
    options are render_pdf_pages's)."""
    return render_pdf_pages(template_name, context, **options).pdf


def render_pdf_pages(
    template_name: str,
    context: dict,
    *,
    title: str,
    lang: str = "en-GB",
    page_numbers: bool = True,
    first_page_number: int = 1,
) -> RenderedPdf:
    """Render a template extending ``reports/base.html`` to an A4 PDF/UA-1 document, with its
    number of pages.

    In a pack, pass ``page_numbers=False`` (the pack stamps its own "Page X of Y") and the page the
    document starts on, so that its contents page quotes the pack's page numbers.
    """
    if not title.strip():
        raise PdfError("A PDF needs a title: screen readers announce it and every page shows it.")
    if first_page_number < 1:
        raise PdfError(f"Page numbers start at 1, not {first_page_number}.")
    html = render_to_string(
        template_name,
        {
            **context,
            "document_title": title,
            "lang": lang,
            "page_numbers": page_numbers,
            "first_page_number": first_page_number,
        },
    )
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_StaticFilesOnly())
    if untitled := _charts_without_title(document):
        raise PdfError(
            f"{title}: {untitled} chart(s) have no text alternative. "
            "Give each SVG chart a <title> saying what it shows."
        )
    with _weasyprint_errors() as errors:
        try:
            # What HTML.write_pdf does, in two steps, to keep the laid-out pages' count.
            laid_out = document.render(pdf_variant=PDF_VARIANT)
            pdf = laid_out.write_pdf(pdf_variant=PDF_VARIANT)
        except FatalURLFetchingError as exc:
            raise PdfError(f"{title}: {exc}") from exc
    if errors:
        raise PdfError(f"{title}: " + "; ".join(errors))
    return RenderedPdf(pdf, len(laid_out.pages))


def _charts_without_title(document: HTML) -> int:
    """Count inline SVGs without a <title>, which WeasyPrint tags as figures with no alt text.

    (It reports an <img> without alt itself, as an error.)
    """
    svgs = document.etree_element.iter(f"{{{SVG}}}svg")
    return sum(1 for svg in svgs if not (svg.findtext(f"{{{SVG}}}title") or "").strip())


class _StaticFilesOnly(URLFetcher):
    """Fetch data: URLs and the project's own static files, nothing else.

    Report text can come from people typing into the app; an <img> pointing at a local file or an
    internal web address must not end up printed in a committee paper.
    """

    def fetch(self, url: str, headers: dict | None = None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(url2pathname(parts.path)).resolve()
            if path.is_relative_to((settings.BASE_DIR / "static").resolve()):
                return super().fetch(url, headers)
        raise FatalURLFetchingError(
            f"{url} is not allowed in a PDF: use a data: URL or a file under static/."
        )


class _ErrorCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_errors() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs as errors (it logs them and carries on, dropping content)."""
    collector = _ErrorCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


@dataclass(frozen=True)
class PdfPart:
    """One document in a pack, in the order it is printed.

    `pdf` is the document's bytes (an attached paper), or a function that renders it given the
    page it starts on in the pack (a generated report whose contents page quotes pack pages).
    `stamp=False` counts the part's pages but leaves them unmarked.
    """

    label: str
    pdf: bytes | Callable[[int], bytes]
    stamp: bool = True

    def render(self, first_page: int) -> bytes:
        return self.pdf(first_page) if callable(self.pdf) else self.pdf


@dataclass(frozen=True)
class AssembledPdf:
    data: bytes
    page_count: int
    sha256: str
    part_starts: tuple[int, ...]  # the page each part starts on, counting from 1


@dataclass(frozen=True)
class _Placed:
    label: str
    stamp: bool
    reader: PdfReader
    start: int
    data: bytes


def assemble_pack(parts: Sequence[PdfPart], *, title: str, lang: str = "en-GB") -> AssembledPdf:
    """Merge the parts into one tagged PDF numbered "Page X of Y" throughout, with a bookmark
    per part, its title and language (see the module docstring for its structure tree)."""
    _check_pack_title(title)
    if not parts:
        raise PdfError(f"{title}: a pack needs at least one document.")
    return _assemble(_place(parts, first_page=1), title=title, lang=lang)


def build_agenda_pack(
    front_and_agenda: Callable[[list[int]], bytes],
    items: Sequence[PdfPart],
    *,
    title: str,
    lang: str = "en-GB",
    agenda_label: str = "Front sheet and agenda",
) -> AssembledPdf:
    """Make an agenda pack whose agenda quotes the page each item starts on.

    `front_and_agenda(starts)` renders the front sheet and agenda (without its own page numbers)
    given the first page of each of `items`. Those pages depend on the agenda's own length, so it
    is rendered once with provisional numbers to measure it, the items are placed after it, and it
    is rendered again with the real numbers; repeated in the rare case its length then changes.
    """
    _check_pack_title(title)
    agenda = read_pdf(front_and_agenda([PROVISIONAL_PAGE_NUMBER] * len(items)), agenda_label)
    for _ in range(MAX_LAYOUT_PASSES):
        placed_items = _place(items, first_page=len(agenda.pages) + 1)
        data = front_and_agenda([item.start for item in placed_items])
        final = read_pdf(data, agenda_label)
        if len(final.pages) == len(agenda.pages):
            return _assemble(
                [_Placed(agenda_label, True, final, 1, data), *placed_items],
                title=title,
                lang=lang,
            )
        agenda = final
    raise PdfError(
        f"{title}: the agenda's length kept changing with its page numbers, so the pack was not "
        "made. Shorten the agenda's text and run it again."
    )


def _check_pack_title(title: str) -> None:
    if not title.strip():
        raise PdfError("A pack needs a title: it is printed at the foot of every page.")


def _place(parts: Sequence[PdfPart], *, first_page: int) -> list[_Placed]:
    placed = []
    page = first_page
    for part in parts:
        data = part.render(page)
        reader = read_pdf(data, part.label)
        placed.append(_Placed(part.label, part.stamp, reader, page, data))
        page += len(reader.pages)
    return placed


def _assemble(placed: list[_Placed], *, title: str, lang: str) -> AssembledPdf:
    writer = PdfWriter()
    stamped: list[bool] = []
    for part in placed:
        _resolve_named_links(part.reader)
        first = len(writer.pages)
        writer.append(part.reader, outline_item=part.label)
        if not is_tagged(part.data):
            for page in writer.pages[first:]:
                _wrap_contents(page, writer, UNTAGGED_BEGIN)
        stamped += [part.stamp] * len(part.reader.pages)
    for page in writer.pages:
        if page.rotation:
            # Stamps are drawn upright on the page as printed, so turn rotated pages' content
            # rather than leaving a /Rotate that would turn the stamp too.
            page.transfer_rotation_to_content()
    boxes = [page.cropbox for page in writer.pages]
    stamps = PdfWriter(
        clone_from=BytesIO(
            _page_stamps([(float(box.width), float(box.height)) for box in boxes], title)
        )
    )
    for stamp in stamps.pages:
        _wrap_contents(stamp, stamps, ARTIFACT_BEGIN)
    for page, box, stamp, wanted in zip(writer.pages, boxes, stamps.pages, stamped, strict=True):
        if wanted:
            page.merge_transformed_page(
                stamp, Transformation().translate(float(box.left), float(box.bottom))
            )
            page.compress_content_streams()
    scrub(writer)
    writer.add_metadata({"/Title": title})
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.create_viewer_preferences().display_doctitle = True
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects()
    buffer = BytesIO()
    writer.write(buffer)
    parts = [
        TaggedPart(part.label, part.data, part.start, len(part.reader.pages)) for part in placed
    ]
    data = tag_pack(buffer.getvalue(), parts, title=title, lang=lang)
    return AssembledPdf(
        data=data,
        page_count=len(writer.pages),
        sha256=hashlib.sha256(data).hexdigest(),
        part_starts=tuple(part.start for part in placed),
    )


def _wrap_contents(page: PageObject, writer: PdfWriter, begin: bytes) -> None:
    """Put the whole of a page's content in one marked-content sequence opened by `begin`."""
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    wrapped = ContentStream(None, writer)
    wrapped.set_data(begin + data + MARKED_END)
    page.replace_contents(wrapped)


def _resolve_named_links(reader: PdfReader) -> None:
    """Point internal links at pages rather than names.

    Two generated reports both have a "#summary"; merged, a named link would jump to whichever
    report came first.
    """
    destinations = reader.named_destinations
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                holder, key = annotation, "/Dest"
            elif "/A" in annotation and "/D" in annotation["/A"]:
                holder, key = annotation["/A"].get_object(), "/D"
            else:
                continue
            name = holder[key]
            if isinstance(name, str) and name in destinations:
                holder[NameObject(key)] = destinations[name].dest_array


STAMP_CSS = """
@page { margin: 0 20mm 20mm;
  @bottom-left { content: element(pack-title); width: 70%; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); width: 30%; }
}
html { font-family: "Liberation Sans", Arial, sans-serif; font-size: 9pt; color: #0b0c0c; }
.pack-title { position: running(pack-title); }
.page + .page { break-before: page; }
"""


def _page_stamps(sizes: list[tuple[float, float]], title: str) -> bytes:
    """One transparent page per pack page, of the same size, with only the footer on it."""
    names: dict[tuple[float, float], str] = {}
    pages = []
    for size in sizes:
        name = names.setdefault(size, f"size{len(names)}")
        pages.append(f'<div class="page" style="page: {name}"></div>')
    css = STAMP_CSS + "".join(
        f"@page {name} {{ size: {width}pt {height}pt; }}\n"
        for (width, height), name in names.items()
    )
    html = (
        f"<!DOCTYPE html><html lang='en-GB'><head><style>{css}</style></head><body>"
        f"<div class='pack-title'>{escape(title)}</div>{''.join(pages)}</body></html>"
    )
    with _weasyprint_errors() as errors:
        pdf = HTML(string=html, url_fetcher=_StaticFilesOnly()).write_pdf()
    if errors:
        raise PdfError(f"{title}: page numbers could not be printed: " + "; ".join(errors))
    return pdf


def write_atomically(
    name: str, data: bytes | Iterable[bytes], *, storage: Storage | None = None
) -> str:
    """Store `data` under `name` whole or not at all, and return the name it is stored under.

    On a local file system the data goes to a hidden temporary file in the same directory, renamed
    over `name` only once complete: nobody sees half a file, a failed run leaves nothing behind
    and a file it was replacing stays as it was. Other storages (object stores) get one `save`,
    which writes an object whole, though it may pick another name if `name` is taken.
    """
    storage = storage or default_storage
    chunks = [data] if isinstance(data, bytes) else data
    if not isinstance(storage, FileSystemStorage):
        return storage.save(name, ContentFile(b"".join(chunks)))
    path = Path(storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
        if storage.file_permissions_mode is not None:
            os.chmod(temporary, storage.file_permissions_mode)
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return name
