"""Check a PDF's tagging in tests: the PDF/UA checker from PyPI (`pdfua`, the machine-checkable
subset of PDF/UA-1 it implements) and our own walk of the structure tree with pikepdf.

What `pdfua` does not check (it says so itself: 16 of the 106 machine-checkable PDF/UA-1 rules):
fonts (embedding, widths), the meaning of the reading order, colour contrast, whether alternative
texts and headings say the right thing, and most rules about the structure's types and nesting.
`structure_problems` adds what matters most for a merged pack: every piece of marked content on
every page belongs to an element of the tree, and every element points at a page of this file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pikepdf
from pdfua import Severity, validate
from pdfua.model import Confidence


def pdfua_findings(pdf: bytes) -> tuple[list[str], set[str]]:
    """(the checker's findings that are errors or certain, the rules it could not run).

    Left out: its heuristic questions. UA-15-003 ("header cells have neither /Scope nor
    /Headers") fires on WeasyPrint's tables, whose data cells carry /Headers instead: the
    checker itself calls that a question for a person, not a failure.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "checked.pdf"
        path.write_bytes(pdf)
        report = validate(str(path))
    findings = [
        f"{finding.rule_id} {finding.severity.name}: {finding.message}"
        for finding in report.findings
        if finding.severity is Severity.ERROR or finding.confidence is Confidence.CERTAIN
    ]
    return findings, {outcome.rule_id for outcome in report.skipped}


def elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element, depth first in reading order."""
    pending = [pdf.Root.StructTreeRoot.K]
    while pending:
        node = pending.pop()
        if isinstance(node, pikepdf.Array):
            pending.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            if "/K" in node:
                pending.append(node.K)


def _marked_content_ids(page: pikepdf.Page) -> list[int]:
    found = []
    for operands, operator in pikepdf.parse_content_stream(page):
        properties = operands[1] if str(operator) == "BDC" else None
        if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
            found.append(int(properties.MCID))
    return found


def structure_problems(data: bytes) -> list[str]:
    """What is wrong with the structure tree of a tagged PDF, as sentences; [] if nothing."""
    problems = []
    with pikepdf.open(BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return ["no structure tree"]
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
        parent_tree = dict(_number_tree(pdf.Root.StructTreeRoot.ParentTree))
        for element in elements(pdf):
            if "/Pg" in element and element.Pg.objgen not in pages:
                problems.append(f"{element.S} points at a page that is not in the file")
        for number, page in enumerate(pdf.pages, 1):
            ids = _marked_content_ids(page)
            if not ids:
                continue
            key = page.obj.get("/StructParents")
            entry = parent_tree.get(int(key)) if key is not None else None
            if entry is None:
                problems.append(f"page {number} has marked content but no parent tree entry")
                continue
            for mcid in ids:
                if mcid >= len(entry) or not isinstance(entry[mcid], pikepdf.Dictionary):
                    problems.append(f"page {number}: marked content {mcid} belongs to no element")
                elif entry[mcid].Pg.objgen != page.obj.objgen:
                    problems.append(f"page {number}: marked content {mcid}'s element is elsewhere")
    return problems


def _number_tree(node) -> Iterator[tuple[int, object]]:
    nums = node.get("/Nums", pikepdf.Array())
    for i in range(0, len(nums) - 1, 2):
        yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", pikepdf.Array()):
        yield from _number_tree(kid)
