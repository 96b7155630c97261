"""No import circle between the project's modules, counting imports inside functions.

A circle (a imports b, b imports a, often hidden in a function) makes the order of imports
matter and the modules impossible to read apart; scrutiny.reports and scrutiny.tasks had one.
The test reads the source with `ast`, so it sees the imports a test run would never execute.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("partnership", "commissioning", "referrals", "scrutiny")


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imported(module: str, path: Path, node: ast.Import | ast.ImportFrom, modules) -> set[str]:
    """The project modules an import statement loads (a package's names may be modules)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names} & modules.keys()
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if node.level:
        base = package[: len(package) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    names = {f"{source}.{alias.name}" for alias in node.names}
    return ({name for name in names if name in modules} or {source}) & modules.keys()


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph = {}
    for module, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                targets |= imported(module, path, node, modules)
        graph[module] = targets - {module}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_one_that_imports_it_back():
    assert circles(import_graph()) == []


def test_the_check_finds_a_circle_hidden_in_a_function():
    graph = {"a.tasks": {"a.reports"}, "a.reports": {"a.tasks"}, "a.views": {"a.reports"}}

    assert circles(graph) == [["a.reports", "a.tasks"]]
