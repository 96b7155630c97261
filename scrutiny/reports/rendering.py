"""The quarterly report laid out as a tagged PDF.

`render_quarterly_report` lays out already computed content (scrutiny.reports.content), so it
can be tested without a database; `quarterly_report_pdf` works the content out and lays it out,
without a run row (the management command and the worker both use it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from partnership.calendar import FinancialQuarter
from partnership.disclosure import MIN_GROUP, NOT_APPLICABLE, ROUND_TO, SUPPRESSED
from partnership.models import User

from ..constants import RAG_DESCRIPTIONS, Rag
from ..models import Committee, Meeting, RunStage
from ..pdf import ContentsEntry, RenderedPdf, ReportCover, render_pdf_pages
from .content import ReportContent, quarterly_report_content
from .covers import report_cover, report_title


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    page_count: int
    sha256: str
    body_html: str
    contents: list[ContentsEntry] = field(default_factory=list)
    data_as_at: datetime | None = None


def panel_anchor(slug: str) -> str:
    return f"panel-{slug}"


def report_contents(content: ReportContent) -> list[ContentsEntry]:
    entries = [ContentsEntry("summary", "Executive summary")]
    entries += [
        ContentsEntry(panel_anchor(panel.slug), panel.title) for panel in content.dashboard.panels
    ]
    if content.delivery_plan is not None:
        entries.append(ContentsEntry("delivery-plan", "Delivery plan progress"))
    entries += [
        ContentsEntry("data-notes", "Data notes"),
        ContentsEntry("appendix-actions", "Appendix: the committee's action tracker"),
    ]
    return entries


def render_report_body(content: ReportContent) -> SafeString:
    """The report's sections as HTML: the part kept with a run and reprinted in agenda packs."""
    return mark_safe(  # noqa: S308 (our own template's output, autoescaped)
        render_to_string(
            "reports/quarterly_report_body.html",
            {
                "content": content,
                "dashboard": content.dashboard,
                "panels": [(panel_anchor(panel.slug), panel) for panel in content.dashboard.panels],
                "appendix": content.appendix,
                "round_to": ROUND_TO,
                "suppressed": SUPPRESSED,
                "min_group": MIN_GROUP,
                "not_applicable": NOT_APPLICABLE,
                "rag_descriptions": [(Rag(rag), text) for rag, text in RAG_DESCRIPTIONS.items()],
            },
        )
    )


def render_report_document(
    *,
    cover: ReportCover,
    title: str,
    body_html: str,
    contents: Sequence[ContentsEntry],
    page_numbers: bool = True,
    first_page_number: int = 1,
) -> RenderedPdf:
    return render_pdf_pages(
        "reports/quarterly_report.html",
        {"cover": cover, "contents": contents, "body": mark_safe(body_html)},  # noqa: S308
        title=title,
        page_numbers=page_numbers,
        first_page_number=first_page_number,
    )


def render_quarterly_report(
    content: ReportContent,
    cover: ReportCover,
    *,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> RenderedReport:
    """Lay out computed content as the tagged PDF report (no database needed)."""
    on_stage(RunStage.CHARTS)
    body = render_report_body(content)
    contents = report_contents(content)
    on_stage(RunStage.WRITING)
    rendered = render_report_document(
        cover=cover, title=report_title(content.quarter), body_html=body, contents=contents
    )
    return RenderedReport(
        pdf=rendered.pdf,
        page_count=rendered.page_count,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        body_html=str(body),
        contents=contents,
        data_as_at=content.dashboard.data_as_at,
    )


def quarterly_report_pdf(
    *,
    quarter: FinancialQuarter,
    committee: Committee | None = None,
    meeting: Meeting | None = None,
    contact: User | None = None,
    today: date | None = None,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> RenderedReport:
    """Make the quarterly report for a committee (or the board), without a run row."""
    today = today or timezone.localdate()
    on_stage(RunStage.CALCULATING)
    content = quarterly_report_content(quarter=quarter, committee=committee, today=today)
    cover = report_cover(
        quarter=quarter, committee=committee, meeting=meeting, contact=contact, today=today
    )
    return render_quarterly_report(content, cover, on_stage=on_stage)
