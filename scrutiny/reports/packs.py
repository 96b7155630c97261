"""A meeting's agenda pack as one PDF: front sheet and agenda, then each item's cover, its
attached report and its documents, with one page numbering (scrutiny.pdf.build_agenda_pack).

Standard items have no report: apologies and declarations are on the agenda only, and the item
"Minutes of the previous meeting" brings that meeting's minutes (draft or approved, printed by
scrutiny.minutes), their exempt part in the restricted pack only."""

from __future__ import annotations

from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe

from ..constants import ItemKind
from ..minutes import Part, minutes_document, render_minutes_pdf
from ..models import AgendaItem, Meeting, Minutes
from ..pdf import AssembledPdf, ContentsEntry, PdfError, PdfPart, build_agenda_pack, render_pdf
from ..services_meetings import members_on
from .covers import item_cover

RESTRICTED_MARK = "RESTRICTED — NOT FOR PUBLICATION"


def exempt_notice(item: AgendaItem) -> str:
    return (
        f"Item {item.number} is exempt under Schedule 12A to the Local Government Act 1972 "
        f"(paragraph {item.exempt_paragraph}) and is not included in the public pack."
    )


def pack_title(meeting: Meeting, *, restricted: bool) -> str:
    title = f"{meeting.committee.name}, {format_date(meeting.date, 'j F Y')}: agenda pack"
    return f"{RESTRICTED_MARK}. {title}" if restricted else title


def _document_bytes(document) -> bytes:
    try:
        with document.file.open("rb") as file:
            return file.read()
    except (FileNotFoundError, OSError) as error:
        raise PdfError(
            f"Item {document.agenda_item.number}: the file of “{document.title}” is missing "
            "from storage. Upload it again."
        ) from error


def _item_part(item: AgendaItem, *, restricted: bool) -> PdfPart:
    report = getattr(item, "attached_report", None)
    title = f"Item {item.number}: {item.title}"
    if restricted:
        title = f"{RESTRICTED_MARK}. {title}"
    contents = [ContentsEntry(anchor, text) for anchor, text in report.contents] if report else []
    cover = item_cover(item)

    def render(first_page: int) -> bytes:
        return render_pdf(
            "reports/agenda_pack_item.html",
            {
                "cover": cover,
                "item": item,
                "contents": contents,
                "report_body": mark_safe(report.body_html) if report else "",  # noqa: S308
            },
            title=title,
            page_numbers=False,
            first_page_number=first_page,
        )

    return PdfPart(label=f"Item {item.number}: {item.title}", pdf=render)


def _previous_minutes_parts(item: AgendaItem, *, restricted: bool) -> list[PdfPart]:
    """The minutes an approval item brings, once the clerk has started them."""
    if item.minutes_of_id is None or not Minutes.objects.filter(meeting=item.minutes_of).exists():
        return []
    parts = [Part.PUBLIC]
    if restricted and item.minutes_of.agenda_items.filter(exempt=True).exists():
        parts.append(Part.EXEMPT)
    return [
        PdfPart(
            label=f"Item {item.number}: minutes of {format_date(item.minutes_of.date, 'j F Y')}"
            + (" (exempt items)" if part == Part.EXEMPT else ""),
            pdf=render_minutes_pdf(minutes_document(item.minutes_of, part=part)),
        )
        for part in parts
    ]


def _parts_of(item: AgendaItem, *, restricted: bool) -> list[PdfPart]:
    """An item's pages in the pack: a report's cover, report and documents; a standard item's
    previous minutes, if it brings any."""
    if item.kind == ItemKind.PREVIOUS_MINUTES:
        return _previous_minutes_parts(item, restricted=restricted)
    if not item.is_report:
        return []
    parts = [_item_part(item, restricted=restricted)]
    for document in item.documents.all():
        parts.append(
            PdfPart(label=f"Item {item.number}: {document.title}", pdf=_document_bytes(document))
        )
    return parts


def agenda_pack_pdf(meeting: Meeting, *, restricted: bool) -> AssembledPdf:
    """The meeting's pack: front sheet and agenda, then each item's cover, report and papers.

    The public pack leaves exempt items out, saying so in the agenda; the restricted pack
    includes them and carries the restricted mark on every page.
    """
    items = list(
        meeting.agenda_items.select_related("attached_report", "meeting__committee", "minutes_of")
        .prefetch_related("documents", "wards")
        .order_by("number")
    )
    parts: list[PdfPart] = []
    first_part: dict[int, int] = {}
    for item in items:
        if item.exempt and not restricted:
            continue
        own = _parts_of(item, restricted=restricted)
        if own:
            first_part[item.pk] = len(parts)
            parts += own
    members = [seat.member for seat in members_on(meeting.committee, meeting.date)]
    title = pack_title(meeting, restricted=restricted)

    def front_and_agenda(starts: list[int]) -> bytes:
        rows = []
        for item in items:
            index = first_part.get(item.pk)
            rows.append(
                {
                    "item": item,
                    "page": starts[index] if index is not None else None,
                    "notice": exempt_notice(item) if item.exempt and index is None else "",
                }
            )
        return render_pdf(
            "reports/agenda_pack.html",
            {
                "meeting": meeting,
                "members": members,
                "rows": rows,
                "restricted_mark": RESTRICTED_MARK if restricted else "",
            },
            title=title,
            page_numbers=False,
        )

    if not parts:
        raise PdfError(
            "Every item on this agenda is exempt, so the public pack would be the agenda alone."
        )
    return build_agenda_pack(front_and_agenda, parts, title=title)
