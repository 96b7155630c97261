"""Hostile input to every form in the project: no server error, and a refused post changes no row.

The forms are found by opening every page of the access matrix (tests/hostile/forms.py); each
must have an entry in tests/hostile/entries.py, so a new form is covered as soon as it exists.
For each, a user who may use it sends HOSTILE_EXAMPLES posts (Hypothesis, derandomised so a run
is repeatable; 15 by default to keep `make test` to a few minutes, more with
`HOSTILE_EXAMPLES=200`), each with about a third of its fields as the page gave them and the rest
hostile (tests/hostile/values.py): some 30 to 250 hostile values per form by its number of fields
at the default, ten times that at 150. Every post runs in a transaction that is rolled back,
so each starts from the demo data.

A post is refused when it does not redirect (the form comes back with its errors, or a 4xx), or
redirects with an error message. A refused post may write no row: every INSERT, UPDATE and
DELETE the database sees is recorded, and only the session's row (and what an entry names, such
as the lockout's count of wrong passwords) may change. A form sent with GET (a filter) may write
nothing at all.
"""

from __future__ import annotations

import os
import re

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings

from partnership.demo import seed_demo
from tests.hostile.entries import ENTRIES
from tests.hostile.forms import FoundForm, discover, forms_on
from tests.hostile.values import post_data

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "15"))
# HOSTILE_ONLY=name,name tries only those forms (while fixing one).
ONLY = set(filter(None, os.environ.get("HOSTILE_ONLY", "").split(",")))
PHASES = [Phase.explicit, Phase.generate] + (
    [Phase.shrink] if os.environ.get("HOSTILE_SHRINK") else []
)
ALWAYS_ALLOWED = {"django_session"}
WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?([\w.]+)"?', re.IGNORECASE
)
COLUMN_USERS = ["officer", "performance", "commissioner", "councillor", "clerk", "admin"]


class Writes:
    """Records the table of every INSERT, UPDATE and DELETE (a database execute wrapper)."""

    def __init__(self) -> None:
        self.tables: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if match := WRITE.match(sql):
            self.tables.append(match.group(1))
        return execute(sql, params, many, context)


class Users:
    """Signs the one test client in afresh as a column's user (the `login` fixture), or out: the
    sign-out form, fuzzed, signs it out."""

    def __init__(self, client, login, ctx) -> None:
        self.client, self.login, self.ctx = client, login, ctx

    def client_for(self, column: str):
        self.client.logout()
        if column != "anonymous":
            self.login(self.ctx.users[column])
        return self.client


def payload(form: FoundForm, data: dict) -> dict:
    sent = {}
    for name, value in data.items():
        if value is None:
            continue
        if form.fields.get(name) is not None and form.fields[name].kind == "file":
            filename, content = value
            sent[name] = SimpleUploadedFile(filename, content)
        else:
            sent[name] = value
    return sent


def refused(response) -> bool:
    if response.status_code != 302:
        return True
    return any(
        message.level >= message_levels.ERROR for message in get_messages(response.wsgi_request)
    )


def send(client, form: FoundForm, data: dict, writes: Writes, may_write: set[str]) -> None:
    with transaction.atomic():
        writes.tables.clear()
        if form.method == "post":
            response = client.post(form.action, payload(form, data))
        else:
            response = client.get(form.action, payload(form, data))
        was_refused = form.method == "get" or refused(response)
        changed = sorted(set(writes.tables) - may_write)
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{response.status_code} for {data!r}"
    assert not (was_refused and changed), (
        f"a refused {form.method.upper()} ({response.status_code}) wrote to {changed}"
    )


def fuzz(client, form: FoundForm, entry, overrides: dict, writes: Writes, may_write: set[str]):
    @settings(
        max_examples=entry.examples or EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        # Shrinking a failure to its smallest form takes minutes on pages like the dashboard;
        # the first failing post is reported as it was sent (HOSTILE_SHRINK=1 shrinks it).
        phases=PHASES,
    )
    @given(post_data(form, overrides))
    def post(data):
        send(client, form, data, writes, may_write)

    post()


def variants(form: FoundForm, entry, ctx, users: Users) -> list[FoundForm]:
    """The form itself, and the forms other URL arguments show at the same URL name."""
    if entry.variants is None:
        return [form]
    found = []
    url_name = form.target.rstrip("?")
    for kwargs in entry.variants(ctx):
        url = reverse(url_name, kwargs=kwargs)
        html = users.client_for(form.user).get(url).content.decode()
        found += [f for f in forms_on(url, html, form.user) if f.target == form.target]
    return found


def failure_text(form: FoundForm, error: BaseException) -> str:
    notes = "\n".join(getattr(error, "__notes__", []))
    return f"{form.target} at {form.action} as {form.user}:\n{error!r}\n{notes}"


@pytest.mark.django_db
def test_every_form_takes_hostile_input_without_error_and_a_refused_one_changes_nothing(
    client, login
):
    ctx = seed_demo(referrals=120, seed=7)
    users = Users(client, login, ctx)
    forms = discover(users.client_for, ctx)

    missing = sorted(set(forms) - set(ENTRIES))
    assert not missing, f"add these forms to tests/hostile/entries.py: {missing}"
    unknown = sorted(set(ENTRIES) - set(forms))
    assert not unknown, f"these entries name no form any page shows: {unknown}"

    writes = Writes()
    failures = []
    with connection.execute_wrapper(writes):
        for key, form in sorted(forms.items()):
            if ONLY and key not in ONLY:
                continue
            entry = ENTRIES[key]
            overrides = entry.given(ctx) if entry.given else {}
            may_write = ALWAYS_ALLOWED | set(entry.refused_may_write)
            for target in variants(form, entry, ctx, users):
                client = users.client_for(target.user)
                try:
                    fuzz(client, target, entry, overrides, writes, may_write)
                except Exception as error:  # noqa: BLE001 (every form's failure is reported)
                    failures.append(failure_text(target, error))
    assert not failures, "\n\n".join(failures)
