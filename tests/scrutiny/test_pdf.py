"""The PDF layer, read back as text with poppler: no database needed."""

import hashlib
import logging
import re
from datetime import date
from io import BytesIO

import pikepdf
import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, InMemoryStorage
from django.test import override_settings
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from scrutiny.demo import minimal_pdf
from scrutiny.pdf import (
    ContactOfficer,
    ContentsEntry,
    PdfError,
    PdfPart,
    ReportCover,
    assemble_pack,
    build_agenda_pack,
    render_pdf,
    write_atomically,
)
from tests.pdftags import elements as tag_elements
from tests.pdftags import pdfua_findings, structure_problems
from tests.pdfutils import (
    lines,
    page_numbers_printed,
    pdf_info,
    pdf_page_count,
    pdf_page_texts,
    pdf_text,
    pdf_word_boxes,
)

CHART = """<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">
<title>{{ section.title }}: bar chart, figures in the table below</title>
<rect x="10" y="10" width="50" height="80" fill="#1d70b8"/>
<rect x="80" y="40" width="50" height="50" fill="#1d70b8"/></svg>"""

TEMPLATES = {
    "test_reports/report.html": """{% extends "reports/item_cover.html" %}
{% block content %}
{% for section in sections %}
<section>
  <h2 id="{{ section.anchor }}">{{ section.title }}</h2>
  <figure><figcaption>{{ section.title }} by quarter</figcaption>"""
    + CHART
    + """</figure>
  <table>
    <caption>{{ section.title }} by area</caption>
    <thead><tr><th scope="col">Area</th><th scope="col" class="numeric">Count</th></tr></thead>
    <tbody>
      {% for row in section.rows %}
      <tr><th scope="row">Area {{ row }}</th><td class="numeric">{{ row }}</td></tr>
      {% endfor %}
    </tbody>
  </table>
</section>
{% endfor %}
{% endblock %}""",
    "test_reports/agenda.html": """{% extends "reports/base.html" %}
{% block content %}
<h1>Agenda</h1>
<table>
  <thead>
    <tr><th scope="col">Item</th><th scope="col">Title</th><th scope="col">Page</th></tr>
  </thead>
  <tbody>
    {% for title, start in items %}
    <tr><td>{{ forloop.counter }}</td><td>{{ title }}</td><td>{{ start }}</td></tr>
    {% endfor %}
  </tbody>
</table>
{% for page in extra_pages %}<p class="new-page">Agenda continued</p>{% endfor %}
{% endblock %}""",
    "test_reports/chart_without_title.html": """{% extends "reports/base.html" %}
{% block content %}<h1>Chart</h1>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>
{% endblock %}""",
    "test_reports/tall_chart.html": """{% extends "reports/base.html" %}
{% block content %}<h1>Tall chart</h1>
<figure><figcaption>Referrals by area</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" width="600" height="2000" viewBox="0 0 600 2000">
<title>Referrals by area</title><text x="10" y="30">Top label</text>
<text x="10" y="1990">Bottom label</text></svg></figure>
{% endblock %}""",
    "test_reports/image.html": """{% extends "reports/base.html" %}
{% block content %}<h1>Image</h1><img src="{{ src }}" alt="{{ alt }}">{% endblock %}""",
}

SECTIONS = [
    {"anchor": "referrals", "title": "Referrals received", "rows": range(1, 46)},
    {"anchor": "response", "title": "Response within one working day", "rows": range(1, 6)},
    {"anchor": "waiting", "title": "Waiting times", "rows": range(1, 31)},
]
CONTENTS = [ContentsEntry(section["anchor"], section["title"]) for section in SECTIONS]


@pytest.fixture(scope="module", autouse=True)
def report_templates():
    engine = settings.TEMPLATES[0]
    loaders = [
        ("django.template.loaders.locmem.Loader", TEMPLATES),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    test_engine = {
        **engine,
        "APP_DIRS": False,
        "OPTIONS": {**engine["OPTIONS"], "loaders": loaders},
    }
    with override_settings(TEMPLATES=[test_engine]):
        yield


def make_cover(**changes):
    fields = {
        "committee": "Safer Communities Overview and Scrutiny Committee",
        "meeting_date": date(2025, 7, 10),
        "agenda_item_number": "7",
        "title": "Domestic abuse services: performance in 2024/25 Q4",
        "wards": "All",
        "portfolio_holder": "Cabinet Member for Communities",
        "report_of": "Director of Public Health",
        "recommendations": ("the Committee note the performance of the commissioned services.",),
        "contact": ContactOfficer(
            name="Sam Placeholder",
            job_title="Partnership Board Manager",
            organisation="Example County Council",
            email="dapb@example.gov.uk",
            telephone="01632 960000",
        ),
    }
    return ReportCover(**{**fields, **changes})


def render_report(**options):
    return render_pdf(
        "test_reports/report.html",
        {"cover": make_cover(), "contents": CONTENTS, "sections": SECTIONS},
        title="Quarterly performance report 2024/25 Q4",
        **options,
    )


@pytest.fixture(scope="module")
def report():
    return render_report()


@pytest.fixture(scope="module")
def report_pages(report):
    return pdf_page_texts(report)


def contents_numbers(pages):
    """{entry title: page number} from the contents page."""
    contents_page = next(page for page in pages if "Contents" in lines(page))
    numbers = {}
    for line in lines(contents_page):
        if match := re.fullmatch(r"(.+?) ?\.+ (\d+)", line):
            numbers[match[1]] = int(match[2])
    return numbers


def page_with_heading(pages, heading):
    """The number of the page on which `heading` stands as a line of its own."""
    return next(number for number, page in enumerate(pages, 1) if heading in lines(page))


# Reports ---------------------------------------------------------------------------------------


def test_contents_page_quotes_the_page_each_section_heading_is_on(report_pages):
    numbers = contents_numbers(report_pages)

    assert set(numbers) == {section["title"] for section in SECTIONS}
    for title, number in numbers.items():
        assert page_with_heading(report_pages, title) == number


def test_every_page_of_a_report_is_numbered_page_x_of_n(report_pages):
    total = len(report_pages)

    assert [page_numbers_printed(page) for page in report_pages] == [
        [(number, total)] for number in range(1, total + 1)
    ]


def test_report_pages_are_a4(report):
    reader = PdfReader(BytesIO(report))

    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_report_is_a_tagged_pdf_ua_document_with_title_and_language(report):
    catalog = PdfReader(BytesIO(report)).trailer["/Root"]
    info = pdf_info(report)

    assert info["Title"] == "Quarterly performance report 2024/25 Q4"
    assert info["Tagged"] == "yes"
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert b'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data()


def test_report_structure_has_headings_tables_and_charts_with_text_alternatives(report):
    reader = PdfReader(BytesIO(report))
    found = {}
    pending = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict) and "/S" in node:
            found.setdefault(node["/S"], []).append(node)
            if "/K" in node:
                pending.append(node["/K"])
        elif isinstance(node, dict) and "/K" in node:
            pending.append(node["/K"])

    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= set(found)
    assert sorted(figure["/Alt"] for figure in found["/Figure"]) == sorted(
        f"{section['title']}: bar chart, figures in the table below" for section in SECTIONS
    )


def test_a_table_running_onto_another_page_repeats_its_header_row(report_pages):
    pages_with_rows = [
        page for page in report_pages if "Area 1 1" in lines(page) or "Area 45 45" in lines(page)
    ]
    long_table_pages = [
        page
        for page in report_pages
        if any(re.fullmatch(r"Area \d+ \d+", line) for line in lines(page))
    ]

    assert len(pages_with_rows) == 3  # first rows of all three tables, and the last of the first
    assert len(long_table_pages) >= 4
    for page in long_table_pages:
        assert "Area Count" in lines(page)


def test_every_page_but_the_cover_is_headed_with_the_document_title(report_pages):
    headed = [lines(page)[0] == "Quarterly performance report 2024/25 Q4" for page in report_pages]

    assert headed == [False] + [True] * (len(report_pages) - 1)


def test_page_number_footer_sits_in_the_bottom_margin(report):
    (width, height), words = pdf_word_boxes(report, 2)
    page_word = next(word for word in words if word[0] == "Page")

    assert page_word[2] > height - 20 / 25.4 * 72  # below the 20 mm bottom margin line
    assert page_word[3] > width / 2  # on the right


def test_chart_taller_than_a_page_is_scaled_to_fit_above_the_footer():
    pdf = render_pdf("test_reports/tall_chart.html", {}, title="Tall chart")
    (width, height), words = pdf_word_boxes(pdf, 1)
    labels = {word[0]: word for word in words if word[0] in {"Top", "Bottom"}}

    assert set(labels) == {"Top", "Bottom"}
    assert labels["Bottom"][4] < height - 20 / 25.4 * 72


def test_print_styles_raise_no_weasyprint_warnings(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_report()

    assert [record.getMessage() for record in caplog.records if record.name == "weasyprint"] == []


def test_document_in_a_pack_quotes_pack_page_numbers_and_prints_no_footer_of_its_own():
    pages = pdf_page_texts(render_report(page_numbers=False, first_page_number=5))

    assert all(page_numbers_printed(page) == [] for page in pages)
    for title, number in contents_numbers(pages).items():
        assert page_with_heading(pages, title) + 4 == number


def test_render_refuses_an_empty_title():
    with pytest.raises(PdfError, match="needs a title"):
        render_pdf("test_reports/agenda.html", {}, title="  ")


def test_render_refuses_a_chart_without_a_text_alternative():
    with pytest.raises(PdfError, match="1 chart.* no text alternative"):
        render_pdf("test_reports/chart_without_title.html", {}, title="Chart")


def test_render_refuses_a_contents_entry_pointing_nowhere():
    contents = [*CONTENTS, ContentsEntry("missing", "A section that is not there")]

    with pytest.raises(PdfError, match="undefined anchor"):
        render_pdf(
            "test_reports/report.html",
            {"cover": make_cover(), "contents": contents, "sections": SECTIONS},
            title="Report",
        )


@pytest.mark.parametrize(
    "src",
    [
        "file:///etc/passwd",
        "/etc/hostname",
        "static/../partnership/settings.py",
        "http://169.254.169.254/latest/meta-data",
    ],
)
def test_render_refuses_resources_other_than_data_urls_and_static_files(src):
    with pytest.raises(PdfError, match="is not allowed in a PDF"):
        render_pdf("test_reports/image.html", {"src": src, "alt": "A picture"}, title="Image")


PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def test_render_loads_a_data_url_image():
    pdf = render_pdf("test_reports/image.html", {"src": PIXEL, "alt": "A dot"}, title="Image")

    assert pdf_page_count(pdf) == 1


def test_render_loads_an_image_from_static_files():
    src = "static/govuk/assets/images/govuk-icon-180.png"

    pdf = render_pdf("test_reports/image.html", {"src": src, "alt": "Crown"}, title="Image")

    assert pdf_page_count(pdf) == 1


def test_render_refuses_an_image_without_alt_text():
    with pytest.raises(PdfError, match="no required alt description"):
        render_pdf("test_reports/image.html", {"src": PIXEL, "alt": ""}, title="Image")


# The committee-report cover -------------------------------------------------------------------


def render_cover(cover):
    return pdf_page_texts(
        render_pdf("reports/item_cover.html", {"cover": cover}, title=cover.title)
    )


def test_cover_prints_the_committee_report_fields_in_order():
    (page,) = render_cover(make_cover())
    text = " ".join(lines(page))

    expected_in_order = [
        "Safer Communities Overview and Scrutiny Committee",
        "Date 10 July 2025",
        "Agenda item number 7",
        "Title of the report",
        "Domestic abuse services: performance in",
        "Wards affected All",
        "Portfolio holder Cabinet Member for Communities",
        "Report of Director of Public Health",
        "Recommendation",
        "That the Committee note the performance of the commissioned services.",
        "Contact officer",
        "Sam Placeholder Partnership Board Manager Example County Council",
        "Email: dapb@example.gov.uk",
        "Telephone: 01632 960000",
    ]
    positions = [text.index(fragment) for fragment in expected_in_order]
    assert positions == sorted(positions)


def test_cover_numbers_several_recommendations():
    cover = make_cover(recommendations=("the Committee note the report.", "officers report back."))

    page = " ".join(lines(render_cover(cover)[0]))

    assert (
        "Recommendations That: 1. the Committee note the report. 2. officers report back." in page
    )


def test_cover_says_when_no_agenda_item_number_is_allocated_and_leaves_out_a_missing_portfolio():
    page = render_cover(make_cover(agenda_item_number="", portfolio_holder=""))[0]

    assert "Agenda item number Not yet allocated" in lines(page)
    assert "Portfolio holder" not in page


def test_cover_needs_a_recommendation():
    with pytest.raises(ValueError, match="at least one recommendation"):
        make_cover(recommendations=())


# Packs -----------------------------------------------------------------------------------------


def attached_pdf(*page_css):
    """A paper from elsewhere: one page per CSS page size given, each saying which page it is."""
    pages = "".join(
        f'<p style="page: p{number}; break-before: page">Attached paper sheet {number}</p>'
        for number in range(1, len(page_css) + 1)
    )
    styles = "".join(f"@page p{n} {{ size: {css} }}" for n, css in enumerate(page_css, 1))
    return HTML(string=f"<style>{styles}</style>{pages}").write_pdf()


def agenda_renderer(titles, extra_pages=()):
    def render(starts):
        items = list(zip(titles, starts, strict=True))
        return render_pdf(
            "test_reports/agenda.html",
            {"items": items, "extra_pages": extra_pages},
            title="Agenda",
            page_numbers=False,
        )

    return render


def report_renderer(first_page):
    return render_report(page_numbers=False, first_page_number=first_page)


@pytest.fixture(scope="module")
def pack():
    cover = make_cover(title="Refuge provision")
    items = [
        PdfPart(
            "Item 6: Refuge provision",
            render_pdf(
                "reports/item_cover.html", {"cover": cover}, title=cover.title, page_numbers=False
            ),
        ),
        PdfPart("Item 6: Appendix A", attached_pdf("A4", "A4")),
        PdfPart("Item 7: Quarterly performance report", report_renderer),
    ]
    return build_agenda_pack(
        agenda_renderer(["Refuge provision", "Appendix A", "Quarterly performance report"]),
        items,
        title="Safer Communities Overview and Scrutiny Committee, 10 July 2025",
    )


@pytest.fixture(scope="module")
def pack_pages(pack):
    return pdf_page_texts(pack.data)


def agenda_starts(pages):
    """{item title: page} as printed in the agenda."""
    starts = {}
    for line in lines(pages[0]):
        if match := re.fullmatch(r"\d+ (.+) (\d+)", line):
            starts[match[1]] = int(match[2])
    return starts


def test_every_page_of_a_pack_is_numbered_once_and_continuously(pack, pack_pages):
    assert pack.page_count == len(pack_pages) == pdf_page_count(pack.data)
    assert [page_numbers_printed(page) for page in pack_pages] == [
        [(number, pack.page_count)] for number in range(1, pack.page_count + 1)
    ]


def test_every_page_of_a_pack_carries_the_pack_title(pack_pages):
    for page in pack_pages:
        assert "Safer Communities Overview and Scrutiny Committee, 10 July 2025" in page


def test_agenda_quotes_the_page_each_item_starts_on(pack, pack_pages):
    starts = agenda_starts(pack_pages)

    assert starts == {"Refuge provision": 2, "Appendix A": 3, "Quarterly performance report": 5}
    assert pack.part_starts == (1, 2, 3, 5)
    assert "Refuge provision" in pack_pages[starts["Refuge provision"] - 1]
    assert "Attached paper sheet 1" in pack_pages[starts["Appendix A"] - 1]
    assert "Attached paper sheet 2" in pack_pages[starts["Appendix A"]]
    report_cover = " ".join(lines(pack_pages[starts["Quarterly performance report"] - 1]))
    assert "Title of the report Domestic abuse services" in report_cover


def test_report_in_a_pack_quotes_pack_page_numbers_in_its_contents(pack_pages):
    numbers = contents_numbers(pack_pages)

    for title, number in numbers.items():
        assert page_with_heading(pack_pages, title) == number
        assert page_numbers_printed(pack_pages[number - 1])[0][0] == number


def test_pack_fingerprint_describes_its_bytes(pack):
    assert pack.sha256 == hashlib.sha256(pack.data).hexdigest()


def test_pack_has_title_language_and_a_bookmark_per_part(pack):
    reader = PdfReader(BytesIO(pack.data))

    assert (
        reader.metadata.title == "Safer Communities Overview and Scrutiny Committee, 10 July 2025"
    )
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    top_level = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    assert top_level == [
        "Front sheet and agenda",
        "Item 6: Refuge provision",
        "Item 6: Appendix A",
        "Item 7: Quarterly performance report",
    ]


# The one rule pdfua 0.1.3 cannot run on WeasyPrint's files: it raises on a heading whose /K is an
# array (its own bug), and says so rather than passing it.
PDFUA_RULES_THAT_CANNOT_RUN = {"UA-14-001"}


def test_pack_is_a_tagged_pdf_ua_document_that_passes_the_checker(pack):
    catalog = PdfReader(BytesIO(pack.data)).trailer["/Root"]
    findings, skipped = pdfua_findings(pack.data)

    assert pdf_info(pack.data)["Tagged"] == "yes"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    xmp = catalog["/Metadata"].get_object().get_data()
    assert re.search(rb'pdfuaid:part="1"|<pdfuaid:part[^>]*>1</pdfuaid:part>', xmp)
    assert b"Safer Communities Overview and Scrutiny Committee, 10 July 2025" in xmp
    assert findings == []
    assert skipped <= PDFUA_RULES_THAT_CANNOT_RUN
    assert structure_problems(pack.data) == []


def test_pack_structure_keeps_every_parts_own_structure_in_order(pack):
    with pikepdf.open(BytesIO(pack.data)) as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        assert document.S == "/Document"
        parts = [(str(part.S), str(part.T)) for part in document.K]
        found = {}
        for element in tag_elements(pdf):
            found.setdefault(str(element.S), []).append(element)

    assert parts == [
        ("/Part", "Front sheet and agenda"),
        ("/Part", "Item 6: Refuge provision"),
        ("/Part", "Item 6: Appendix A"),
        ("/Part", "Item 7: Quarterly performance report"),
    ]
    assert [str(d.S) for d in found["/Document"]] == ["/Document"]  # the parts' are sections
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure", "/Link"} <= set(found)
    assert sorted(str(figure.Alt) for figure in found["/Figure"]) == sorted(
        f"{section['title']}: bar chart, figures in the table below" for section in SECTIONS
    )
    # Ids of header cells are the part's own, so two reports' tables never share one.
    ids = [str(cell.ID) for cell in found["/TH"] if "/ID" in cell]
    assert ids and len(ids) == len(set(ids))


def test_the_stamped_page_numbers_are_artifacts_not_content(pack):
    with pikepdf.open(BytesIO(pack.data)) as pdf:
        for page in pdf.pages:
            artifact = False
            stamped_text = []
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and str(operands[0]) == "/Artifact":
                    artifact = True
                elif str(operator) in ("Tj", "TJ") and artifact:
                    stamped_text.append(operator)
            assert stamped_text, "each page's stamp is drawn inside an artifact"


def test_an_untagged_attached_paper_is_tagged_page_by_page_with_its_links():
    untagged = minimal_pdf("Appendix typed elsewhere")
    linked = BytesIO()
    writer = PdfWriter(clone_from=BytesIO(attached_pdf("A4")))
    writer.add_uri(0, "https://www.example.org.uk/", [72, 700, 200, 720])
    writer.write(linked)
    assert "/StructTreeRoot" not in PdfReader(BytesIO(linked.getvalue())).trailer["/Root"]

    pack = assemble_pack(
        [PdfPart("Appendix B", untagged), PdfPart("Appendix C", linked.getvalue())],
        title="Papers from elsewhere",
    )

    findings, skipped = pdfua_findings(pack.data)
    assert findings == [] and skipped <= PDFUA_RULES_THAT_CANNOT_RUN
    assert structure_problems(pack.data) == []
    with pikepdf.open(BytesIO(pack.data)) as pdf:
        parts = list(pdf.Root.StructTreeRoot.K[0].K)
        assert [str(element.S) for element in parts[0].K] == ["/Div"]
        link = next(e for e in tag_elements(pdf) if e.S == "/Link")
        assert link.K.Obj.Contents == "Link to https://www.example.org.uk/"
    assert "Appendix typed elsewhere" in pdf_text(pack.data)


def test_the_pack_checker_notices_untagged_content():
    # The check has teeth: a page with text outside any marked content fails it.
    pack = assemble_pack([PdfPart("Paper", attached_pdf("A4"))], title="Pack")
    with pikepdf.open(BytesIO(pack.data)) as pdf:
        page = pdf.pages[0]
        page.contents_add(pdf.make_stream(b"BT /F1 12 Tf 72 72 Td (loose) Tj ET"), prepend=False)
        spoiled = BytesIO()
        pdf.save(spoiled)
    findings, _skipped = pdfua_findings(spoiled.getvalue())
    assert any(finding.startswith("UA-01-003") for finding in findings)
    # and our own walk notices marked content that belongs to no element
    with pikepdf.open(BytesIO(pack.data)) as pdf:
        del pdf.pages[0].obj["/StructParents"]
        orphaned = BytesIO()
        pdf.save(orphaned)
    assert structure_problems(orphaned.getvalue()) == [
        "page 1 has marked content but no parent tree entry"
    ]


def test_links_in_a_pack_go_to_pages_of_their_own_part():
    # Both reports have a "#referrals" heading; each contents page must jump within its report.
    pack = assemble_pack(
        [PdfPart("First report", report_renderer), PdfPart("Second report", report_renderer)],
        title="Two reports",
    )
    reader = PdfReader(BytesIO(pack.data))
    page_numbers = {
        page.indirect_reference.idnum: number for number, page in enumerate(reader.pages, 1)
    }
    second_start = pack.part_starts[1]

    for number, page in enumerate(reader.pages, 1):
        for annotation in page.get("/Annots") or []:
            target = page_numbers[annotation.get_object()["/Dest"][0].idnum]
            assert (target >= second_start) == (number >= second_start)


def test_pack_numbers_landscape_rotated_and_letter_pages_upright_at_the_bottom():
    rotated = PdfWriter(clone_from=BytesIO(attached_pdf("A4", "A4")))
    rotated.pages[1].rotate(90)
    buffer = BytesIO()
    rotated.write(buffer)
    pack = assemble_pack(
        [
            PdfPart("Letter paper", attached_pdf("letter")),
            PdfPart("Landscape paper", attached_pdf("A4 landscape")),
            PdfPart("Rotated paper", buffer.getvalue()),
        ],
        title="Odd sizes",
    )

    sizes = []
    for number in range(1, 5):
        (width, height), words = pdf_word_boxes(pack.data, number)
        sizes.append((round(width), round(height)))
        page_word = next(word for word in words if word[0] == "Page")
        assert page_word[2] > height - 20 / 25.4 * 72  # at the bottom of the page as displayed
        assert page_word[3] - page_word[1] > page_word[4] - page_word[2]  # wider than tall: upright
    assert sizes == [(612, 792), (842, 595), (595, 842), (842, 595)]
    assert [page_numbers_printed(page) for page in pdf_page_texts(pack.data)] == [
        [(1, 4)],
        [(2, 4)],
        [(3, 4)],
        [(4, 4)],
    ]


def test_unstamped_part_is_counted_but_left_unmarked():
    pack = assemble_pack(
        [
            PdfPart("Front sheet", attached_pdf("A4"), stamp=False),
            PdfPart("Paper", attached_pdf("A4")),
        ],
        title="Pack",
    )

    assert [page_numbers_printed(page) for page in pdf_page_texts(pack.data)] == [[], [(2, 2)]]


def test_agenda_that_grows_when_given_real_page_numbers_is_laid_out_again():
    calls = []

    def front_and_agenda(starts):
        calls.append(starts)
        # One page with provisional numbers, two with real ones: the items must move down a page.
        grows = starts != [999]
        return agenda_renderer(["Paper"], extra_pages=[1] if grows else [])(starts)

    pack = build_agenda_pack(front_and_agenda, [PdfPart("Paper", attached_pdf("A4"))], title="Pack")

    assert calls == [[999], [2], [3]]
    assert pack.part_starts == (1, 3)
    assert agenda_starts(pdf_page_texts(pack.data)) == {"Paper": 3}
    assert "Attached paper sheet 1" in pdf_page_texts(pack.data)[2]


def test_agenda_whose_length_never_settles_is_refused():
    lengths = iter(range(20))

    def front_and_agenda(starts):
        return agenda_renderer(["Paper"], extra_pages=range(next(lengths)))(starts)

    with pytest.raises(PdfError, match="agenda's length kept changing"):
        build_agenda_pack(front_and_agenda, [PdfPart("Paper", attached_pdf("A4"))], title="Pack")


def test_pack_refuses_an_attachment_that_is_not_a_pdf():
    with pytest.raises(PdfError, match="Appendix B could not be read as a PDF"):
        assemble_pack([PdfPart("Appendix B", b"Minutes, typed in a word processor")], title="Pack")


def test_pack_refuses_a_password_protected_attachment():
    writer = PdfWriter(clone_from=BytesIO(attached_pdf("A4")))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = BytesIO()
    writer.write(buffer)

    with pytest.raises(PdfError, match="Appendix C is password-protected"):
        assemble_pack([PdfPart("Appendix C", buffer.getvalue())], title="Pack")


def test_pack_needs_a_title():
    with pytest.raises(PdfError, match="A pack needs a title"):
        assemble_pack([PdfPart("Paper", attached_pdf("A4"))], title=" ")


def test_pack_needs_a_document():
    with pytest.raises(PdfError, match="at least one document"):
        assemble_pack([], title="Pack")


# Storing files ---------------------------------------------------------------------------------


def failing_chunks():
    yield b"%PDF-1.7 the first half of a report"
    raise OSError("disk full")


def test_write_atomically_stores_the_bytes_under_the_name(tmp_path):
    storage = FileSystemStorage(location=tmp_path)

    name = write_atomically("reports/2024-25-q4.pdf", b"%PDF-1.7 whole", storage=storage)

    assert name == "reports/2024-25-q4.pdf"
    assert (tmp_path / "reports" / "2024-25-q4.pdf").read_bytes() == b"%PDF-1.7 whole"
    assert [path.name for path in (tmp_path / "reports").iterdir()] == ["2024-25-q4.pdf"]


def test_write_atomically_uses_the_default_storage(settings):
    write_atomically("reports/default.pdf", [b"%PDF", b"-1.7"])

    assert (settings.MEDIA_ROOT / "reports" / "default.pdf").read_bytes() == b"%PDF-1.7"


def test_failed_write_leaves_no_file_behind(tmp_path):
    storage = FileSystemStorage(location=tmp_path)

    with pytest.raises(OSError, match="disk full"):
        write_atomically("reports/2024-25-q4.pdf", failing_chunks(), storage=storage)

    assert list((tmp_path / "reports").iterdir()) == []


def test_failed_write_leaves_the_previous_file_as_it_was(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    write_atomically("reports/2024-25-q4.pdf", b"%PDF-1.7 last run", storage=storage)

    with pytest.raises(OSError, match="disk full"):
        write_atomically("reports/2024-25-q4.pdf", failing_chunks(), storage=storage)

    assert [path.name for path in (tmp_path / "reports").iterdir()] == ["2024-25-q4.pdf"]
    assert (tmp_path / "reports" / "2024-25-q4.pdf").read_bytes() == b"%PDF-1.7 last run"


def test_write_atomically_saves_whole_objects_to_storages_without_local_paths():
    storage = InMemoryStorage()

    name = write_atomically("reports/q4.pdf", [b"%PDF", b"-1.7"], storage=storage)

    assert storage.open(name).read() == b"%PDF-1.7"


def test_the_page_count_comes_from_the_laid_out_document_and_the_pdf_is_unchanged():
    from django.template.loader import render_to_string

    from scrutiny import pdf as pdf_module

    context = {"cover": make_cover(), "contents": CONTENTS, "sections": SECTIONS}
    title = "Quarterly performance report 2024/25 Q4"
    rendered = pdf_module.render_pdf_pages("test_reports/report.html", context, title=title)

    html = render_to_string(
        "test_reports/report.html",
        {
            **context,
            "document_title": title,
            "lang": "en-GB",
            "page_numbers": True,
            "first_page_number": 1,
        },
    )
    in_one_step = HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=pdf_module._StaticFilesOnly()
    ).write_pdf(pdf_variant=pdf_module.PDF_VARIANT)
    assert rendered.pdf == in_one_step
    assert rendered.page_count == len(PdfReader(BytesIO(rendered.pdf)).pages) > 1
