"""Read PDFs in tests the way a person would: as the text on each page (poppler's pdftotext)."""

import re
import subprocess

from tests.system import require_program

PAGE_OF = re.compile(r"Page (\d+) of (\d+)")


def pdf_text(pdf: bytes, layout: bool = True) -> str:
    """All the text of a PDF; pages are separated by form feeds ("\\f")."""
    require_program("pdftotext", "poppler-utils")
    command = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        command.append("-layout")
    result = subprocess.run([*command, "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def pdf_page_texts(pdf: bytes, layout: bool = True) -> list[str]:
    """The text of each page, in order."""
    pages = pdf_text(pdf, layout=layout).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_info(pdf: bytes) -> dict[str, str]:
    """pdfinfo's fields: Title, Tagged, Pages, Page size and so on."""
    require_program("pdfinfo", "poppler-utils")
    result = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    fields = {}
    for line in result.stdout.decode().splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def pdf_page_count(pdf: bytes) -> int:
    return int(pdf_info(pdf)["Pages"])


def page_numbers_printed(page_text: str) -> list[tuple[int, int]]:
    """Every "Page X of Y" on a page, as (X, Y)."""
    return [(int(x), int(y)) for x, y in PAGE_OF.findall(page_text)]


def lines(page_text: str) -> list[str]:
    """The page's lines with runs of spaces collapsed, as a reader would quote them."""
    return [" ".join(line.split()) for line in page_text.splitlines() if line.strip()]


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
PAGE_SIZE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def pdf_word_boxes(pdf: bytes, page: int) -> tuple[tuple[float, float], list[tuple]]:
    """The size of page `page` (from 1) and its words as (word, x_min, y_min, x_max, y_max),
    measured in points from the top left of the page as displayed."""
    require_program("pdftotext", "poppler-utils")
    result = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    html = result.stdout.decode()
    width, height = PAGE_SIZE.search(html).groups()
    words = [(word, *map(float, box)) for *box, word in WORD.findall(html)]
    return (float(width), float(height)), words
