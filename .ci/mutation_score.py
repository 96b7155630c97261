"""Print mutmut's results per mutated module, after `mutmut run` (see `make mutation`).

A mutant is detected when the tests fail on it (killed) or it runs until stopped (timeout: a
mutated loop that never ends, which no test run would finish either). The score is detected
mutants over all checked ones; "no tests" mutants count against it, since nothing guards them.
Survivors are listed by name: `uv run mutmut show <name>` prints the change.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

DETECTED = {"killed", "timeout", "caught by type check"}


def main(root: Path = Path("mutants")) -> int:
    metas = sorted(root.rglob("*.py.meta"))
    if not metas:
        print("No mutmut results: run `make mutation` first.")
        return 1
    print(f"{'module':36} {'mutants':>8} {'detected':>9} {'survived':>9} {'score':>7}")
    survivors = []
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        statuses = Counter(status_by_exit_code[code] for code in codes.values())
        checked = sum(n for status, n in statuses.items() if status != "not checked")
        detected = sum(statuses[status] for status in DETECTED)
        module = str(meta.relative_to(root)).removesuffix(".meta")
        score = f"{100 * detected / checked:.1f}%" if checked else "-"
        print(f"{module:36} {checked:>8} {detected:>9} {checked - detected:>9} {score:>7}")
        survivors += [
            name
            for name, code in sorted(codes.items())
            if status_by_exit_code[code] not in DETECTED | {"not checked"}
        ]
    if survivors:
        print("\nNot detected:")
        print("\n".join(f"  {name}" for name in survivors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
