"""Finding every form in the project, as a person would: by opening every page.

Each URL of the access matrix is opened as the first role that may open it (anonymous for the
sign-in page), and every `<form>` on the page is read: where it goes (its action, resolved to a
URL name), its method, and its fields with the values the page gives them (a text box's value,
a select's options, a checkbox's value). The Django admin is left out, as in the access matrix.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve, reverse

from tests.access_matrix.test_matrix import COLUMNS, TABLES

IGNORED_NAMESPACES = {"admin"}


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, file, hidden, submit, ...
    value: str = ""
    options: list[str] = field(default_factory=list)  # select, radio and checkbox values
    multiple: bool = False  # a multi-select or a group of checkboxes


@dataclass
class FoundForm:
    """A form as a page shows it: `target` is the URL name it sends to (`"name"` or, for a
    form sent with GET, `"name?"`)."""

    target: str
    method: str
    action: str
    page: str
    user: str
    fields: dict[str, Field]

    @property
    def key(self) -> str:
        return self.target


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            if self._form is None:  # a browser ignores a form inside a form (crispy adds one)
                self._form = {
                    "method": attrs.get("method", "get").lower(),
                    "action": attrs.get("action", ""),
                    "fields": {},
                }
                self.forms.append(self._form)
            return
        if tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.value = attrs.get("value", "")
            return
        if self._form is None or "name" not in attrs or "disabled" in attrs:
            return
        fields = self._form["fields"]
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                known = fields.setdefault(name, Field(name, kind))
                known.options.append(attrs.get("value", "on"))
                known.multiple = kind == "checkbox" and len(known.options) > 1
                if "checked" in attrs:
                    known.value = attrs.get("value", "on")
            else:
                fields[name] = Field(name, kind, attrs.get("value", ""))
        elif tag == "select":
            self._select = fields[name] = Field(name, "select", multiple="multiple" in attrs)
        elif tag == "textarea":
            self._textarea = fields[name] = Field(name, "textarea")
        elif tag == "button" and attrs.get("value"):
            fields[name] = Field(name, "submit", attrs["value"])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def forms_on(page_url: str, html: str, user: str) -> list[FoundForm]:
    parser = _FormParser()
    parser.feed(html)
    found = []
    for form in parser.forms:
        action = urljoin(page_url, form["action"] or page_url)
        parts = urlsplit(action)
        if parts.netloc:
            continue  # a form to another site (none today)
        name = _url_name(parts.path)
        if name is None or name.split(":")[0] in IGNORED_NAMESPACES:
            continue
        method = "post" if form["method"] == "post" else "get"
        target = name if method == "post" else f"{name}?"
        found.append(FoundForm(target, method, parts.path, page_url, user, form["fields"]))
    return found


def matrix():
    expected, kwargs = {}, {}
    for table in TABLES:
        module = importlib.import_module(f"tests.access_matrix.{table}")
        expected |= module.EXPECTED
        kwargs |= module.KWARGS
    return expected, kwargs


def _first(statuses, wanted: int) -> str | None:
    return next((c for c, got in zip(COLUMNS, statuses, strict=True) if got == wanted), None)


def discover(client_for, ctx) -> dict[str, FoundForm]:
    """Every form in the project, keyed by the URL name it sends to.

    - Every page of the access matrix, opened as the first role that may open it, and each
      form on it (the first page found for a form wins).
    - Every URL that only takes a POST (its row says 405 for a GET) is a form's target even
      where no page shows its form to that role: it is posted to as the first role with a 405
      (one who may use it), with the fields of its form if a page showed one.

    `client_for(column)` gives a test client signed in as that column's user (None: anonymous).
    """
    expected, kwargs = matrix()
    forms: dict[str, FoundForm] = {}
    post_only = {}
    for name, statuses in sorted(expected.items()):
        if name.split(":")[0] in IGNORED_NAMESPACES:
            continue
        url = reverse(name, kwargs=kwargs[name](ctx) if name in kwargs else None)
        if column := _first(statuses, 405):
            post_only[name] = (url, column)
        if (column := _first(statuses, 200)) is None:
            continue
        response = client_for(column).get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for form in forms_on(url, response.content.decode(), column):
            forms.setdefault(form.key, form)
    for name, (url, column) in post_only.items():
        seen = forms.get(name)
        fields = seen.fields if seen else {}
        forms[name] = FoundForm(name, "post", url, seen.page if seen else url, column, fields)
    return forms
