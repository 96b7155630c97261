"""Print mutmut's results per mutated module, after `mutmut run` (see `make mutation`).

A mutant is detected when the tests fail on it (killed) or it runs until stopped (timeout: a
mutated loop that never ends, which no test run would finish either). Some mutants cannot be
detected because they change nothing any caller can see (`[2] * count` for `[1] * count` as equal
weights); each of those is listed in `.ci/mutation_equivalents.toml` with the line as the mutant
reads and the reason, after a review. The score is detected mutants over all checked ones less
the equivalent ones; "no tests" mutants count against it, since nothing guards them.

An entry counts only while the mutant of that name still has that line and still survives:
mutmut numbers mutants by their place in a function, so an edit to the function can give the
name to another mutant, and an entry that no longer fits is printed as stale, not counted.
Survivors are listed by name: `uv run mutmut show <name>` prints the change.
"""

from __future__ import annotations

import ast
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

DETECTED = {"killed", "timeout", "caught by type check"}
EQUIVALENTS = Path(__file__).with_name("mutation_equivalents.toml")


def _mutant_lines(source: Path, function: str) -> set[str] | None:
    """The stripped lines of `function` (a mutant's) in mutmut's copy of a module."""
    text = source.read_text()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and node.name == function:
            segment = ast.get_source_segment(text, node) or ""
            return {line.strip() for line in segment.splitlines()}
    return None


def load_equivalents(root: Path, path: Path = EQUIVALENTS) -> tuple[dict[str, str], list[str]]:
    """The reviewed equivalent mutants that still fit ({name: reason}) and the stale entries."""
    if not path.exists():
        return {}, []
    entries = tomllib.loads(path.read_text())["equivalent"]
    fitting, stale = {}, []
    for entry in entries:
        name = entry["mutant"]
        module, function = name.rsplit(".", 1)  # mutmut's names: module.function__mutmut_N
        source = root / (module.replace(".", "/") + ".py")
        lines = _mutant_lines(source, function) if source.exists() else None
        present = [entry["line"].strip()] if "line" in entry else []
        absent = [line.strip() for line in entry.get("absent", [])]
        if lines is None or not lines.issuperset(present) or not lines.isdisjoint(absent):
            stale.append(name)
        else:
            fitting[name] = entry["reason"]
    return fitting, stale


def main(root: Path = Path("mutants")) -> int:
    metas = sorted(root.rglob("*.py.meta"))
    if not metas:
        print("No mutmut results: run `make mutation` first.")
        return 1
    equivalents, stale = load_equivalents(root)
    header = f"{'module':32} {'mutants':>8} {'detected':>9} {'equivalent':>11} {'survived':>9}"
    print(f"{header} {'score':>7}")
    survivors, counted_equivalent = [], []
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        status = {name: status_by_exit_code[code] for name, code in codes.items()}
        statuses = Counter(status.values())
        checked = sum(n for s, n in statuses.items() if s != "not checked")
        detected = sum(statuses[s] for s in DETECTED)
        undetected = sorted(n for n, s in status.items() if s not in DETECTED | {"not checked"})
        equivalent = [n for n in undetected if n in equivalents]
        survived = [n for n in undetected if n not in equivalents]
        module = str(meta.relative_to(root)).removesuffix(".meta")
        scored = checked - len(equivalent)
        score = f"{100 * detected / scored:.1f}%" if scored else "-"
        print(
            f"{module:32} {checked:>8} {detected:>9} {len(equivalent):>11} {len(survived):>9} "
            f"{score:>7}"
        )
        survivors += survived
        counted_equivalent += equivalent
    if counted_equivalent:
        print(f"\nCounted as equivalent ({EQUIVALENTS.name}):")
        print("\n".join(f"  {name}: {equivalents[name]}" for name in counted_equivalent))
    if stale:
        print(f"\nStale entries in {EQUIVALENTS.name} (the mutant has changed; review again):")
        print("\n".join(f"  {name}" for name in stale))
    if survivors:
        print("\nNot detected:")
        print("\n".join(f"  {name}" for name in survivors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
