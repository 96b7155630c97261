"""Golden files: output compared with a committed copy, so that a change shows as a diff.

A test calls `assert_matches_golden(path, text)`. When the output changes on purpose, write the
golden files again and review them as any other change:

    UPDATE_GOLDEN=1 uv run pytest tests/scrutiny/test_charts_golden.py
    git diff tests/scrutiny/golden/

SVG files open in a browser, so a reviewer can look at the old and the new chart side by side.
"""

import difflib
import os
from pathlib import Path

import pytest

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
DIFF_LINES = 80


def assert_matches_golden(path: Path, actual: str) -> None:
    """Fail with a unified diff unless `actual` is the text of the committed file at `path`."""
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"There is no golden file {path}: write it with UPDATE_GOLDEN=1.")
    expected = path.read_text(encoding="utf-8")
    if actual == expected:
        return
    diff = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), str(path), "this run", lineterm=""
    )
    shown = "\n".join(list(diff)[:DIFF_LINES])
    pytest.fail(
        f"The output differs from {path.name} (if the change is meant, write the file again "
        f"with UPDATE_GOLDEN=1 and review `git diff`):\n{shown}",
        pytrace=False,
    )
