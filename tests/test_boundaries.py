"""Views choose and show; the layers beneath them write, read and count (GUIDELINES.md).

This test reads the source of every view module of the project and fails if one of them

- writes an audit row (`audit_record`, or anything from `partnership.audit`): audit rows are
  written by services, in the same transaction as the change or read they record;
- aggregates (`.aggregate()`, or Django's aggregate functions such as `Count` and `Sum`, which
  is also how `.annotate()` aggregates): numbers come from `<app>/metrics.py`;
- fetches an object itself (`get_object_or_404`, `get_list_or_404`, `Model.objects...get()`):
  every object comes through its `get_<noun>_for_user` selector, which 404s what the user may
  not see.

`.count()` and `.exists()` stay allowed: they ask about rows (a page, a limit), not figures.

What it does not catch (a reviewer's job): a view that reads the rows beside an object it has
already fetched through a selector (`Minutes.objects.filter(meeting=meeting).first()`, a
committee's former members) or builds a form's choices (`Meeting.objects.none()`); list
filtering written as `.filter()` in a view; writes with `.save()` or `.update()`. Those read
the same in a view and in a selector, so a check by name would refuse good code too.

The view modules are found, not listed: every module of the project's apps named `views`,
`views_<something>` or inside a `views` package, and every module that holds a URL's view
(resolved from the URLconf), so a new view module is checked from the day it is added.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import Aggregate
from django.urls import URLPattern, URLResolver, get_resolver

AUDIT_MODULE = "partnership.audit"
# Modules that define Django's aggregate functions; any Aggregate subclass they export counts.
AGGREGATE_MODULES = ("django.db.models", "django.db.models.aggregates")


def _aggregate_names() -> set[str]:
    names = set()
    for module_name in AGGREGATE_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Aggregate):
                names.add(name)
    return names


AGGREGATES = _aggregate_names()


@dataclass(frozen=True)
class Breach:
    line: int
    what: str


def boundary_breaches(source: str) -> list[Breach]:
    """Where this view source writes an audit row or aggregates."""
    tree = ast.parse(source)
    model_aliases = set()  # names bound to django.db.models or its aggregates module
    breaches = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            for alias in node.names:
                full = f"{module}.{alias.name}"
                if module == AUDIT_MODULE or full == AUDIT_MODULE or alias.name == "audit_record":
                    breaches.append(Breach(node.lineno, f"imports {full}: audit in a service"))
                if module in AGGREGATE_MODULES and alias.name in AGGREGATES:
                    breaches.append(Breach(node.lineno, f"imports {full}: count in metrics.py"))
                if full in AGGREGATE_MODULES:
                    model_aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == AUDIT_MODULE:
                    breaches.append(Breach(node.lineno, "imports partnership.audit"))
                if alias.name in AGGREGATE_MODULES and alias.asname:
                    model_aliases.add(alias.asname)
        elif isinstance(node, ast.Attribute):
            if node.attr == "audit_record":
                breaches.append(Breach(node.lineno, "calls audit_record: audit in a service"))
            elif node.attr in AGGREGATES and _bound_to(node.value, model_aliases):
                breaches.append(Breach(node.lineno, f"uses {node.attr}: count in metrics.py"))
        elif isinstance(node, ast.Name) and node.id == "audit_record":
            breaches.append(Breach(node.lineno, "calls audit_record: audit in a service"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "aggregate"
        ):
            breaches.append(Breach(node.lineno, "calls .aggregate(): count in metrics.py"))
        if _fetches_an_object(node):
            breaches.append(Breach(node.lineno, "fetches an object: use get_<noun>_for_user"))
    return sorted(set(breaches), key=lambda breach: breach.line)


def _fetches_an_object(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = ast.unparse(node.func)
    if name.split(".")[-1] in ("get_object_or_404", "get_list_or_404"):
        return True
    return name.endswith(".get") and ".objects" in name


def _bound_to(node: ast.expr, aliases: set[str]) -> bool:
    """`models` in `models.Count`, or `django.db.models` written out."""
    if isinstance(node, ast.Name):
        return node.id in aliases
    return ast.unparse(node) in AGGREGATE_MODULES


# Finding the view modules ----------------------------------------------------------------------


def _project_apps():
    """The apps whose package sits at the top of this project (not those installed from PyPI)."""
    root = Path(settings.BASE_DIR).resolve()
    return [config for config in apps.get_app_configs() if Path(config.path).parent == root]


def _is_view_module(name: str) -> bool:
    parts = name.split(".")
    return any(part == "views" or part.startswith("views_") for part in parts[1:])


def _named_view_modules() -> set[str]:
    found = set()
    for config in _project_apps():
        package = importlib.import_module(config.name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            if _is_view_module(info.name) and ".migrations." not in info.name:
                found.add(info.name)
    return found


def _url_view_modules(resolver: URLResolver | None = None) -> set[str]:
    apps_here = {config.name for config in _project_apps()}
    found = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            found |= _url_view_modules(pattern)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", pattern.callback)
            module = inspect.unwrap(view).__module__
            if module.split(".")[0] in apps_here:
                found.add(module)
    return found


def view_modules() -> list[str]:
    return sorted(_named_view_modules() | _url_view_modules())


def test_the_view_modules_are_found_by_name_and_from_the_urls():
    found = view_modules()
    for expected in ["commissioning.views", "referrals.views", "scrutiny.views"]:
        assert expected in found
    assert "scrutiny.views_dashboard" in found
    assert _url_view_modules() <= set(found)
    assert not [name for name in found if name.endswith((".services", ".selectors", ".metrics"))]


@pytest.mark.parametrize("module_name", view_modules())
def test_no_view_writes_audit_rows_aggregates_or_fetches_objects_itself(module_name):
    source = inspect.getsource(importlib.import_module(module_name))
    breaches = boundary_breaches(source)
    assert not breaches, "\n".join(f"{module_name}:{b.line} {b.what}" for b in breaches)


# The check has teeth: each way of breaking the rule is caught ----------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "from partnership.audit import audit_record\naudit_record(by=user)\n",
        "from partnership import audit\naudit.audit_record(by=user)\n",
        "import partnership.audit\n",
        "from partnership.audit import audit_record as note\n",
        "total = rows.aggregate(total=Sum('amount_pence'))\n",
        "from django.db.models import Count\nrows.annotate(n=Count('pk'))\n",
        "from django.db.models import Avg as mean\n",
        "from django.db import models\nrows.annotate(n=models.Count('pk'))\n",
        "import django.db.models as m\nrows.annotate(n=m.Max('at'))\n",
        "import django.db.models\nrows.annotate(n=django.db.models.Sum('x'))\n",
        "from django.db.models.aggregates import StdDev\n",
        "topic = get_object_or_404(Topic, pk=pk)\n",
        "rows = shortcuts.get_list_or_404(Topic)\n",
        "topic = Topic.objects.get(pk=pk)\n",
        "item = AgendaItem.objects.select_related('meeting').get(pk=pk)\n",
    ],
)
def test_a_view_that_audits_aggregates_or_fetches_is_caught(source):
    assert boundary_breaches(source)


@pytest.mark.parametrize(
    "source",
    [
        "from . import services\nservices.referral_record_view(referral=r, by=u)\n",
        "from django.db.models import BooleanField, ExpressionWrapper, Q\n",
        "count = rows.count()\nany_left = rows.exists()\n",
        "from . import metrics\nsummary = metrics.actions_by_rag(today=today)\n",
        "item = selectors.get_agenda_item_for_user(request.user, pk)\n",
        "page = request.GET.get('page')\nchoices = Meeting.objects.none()\n",
    ],
)
def test_a_view_that_keeps_to_its_side_passes(source):
    assert boundary_breaches(source) == []


def test_the_rule_finds_the_audit_row_the_tracker_export_once_wrote_itself():
    """The shape of the code that stood in scrutiny/views.py before the boundary was drawn."""
    before = (
        "from partnership.audit import audit_record\n"
        "def action_export(request):\n"
        "    audit_record(by=request.user, action='export', object_type='scrutiny.Action')\n"
    )
    assert [breach.line for breach in boundary_breaches(before)] == [1, 3]
