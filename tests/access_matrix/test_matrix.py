"""Every URL in the project, requested as anonymous and as each role, against an expected table.

Each app keeps its table in `tests/access_matrix/<app>.py` (EXPECTED and KWARGS). A URL pattern
without an entry fails this test, so every new page must say who may use it.
"""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from partnership.demo import seed_demo
from tests.conftest import sign_in_client

COLUMNS = ["anonymous", "officer", "performance", "commissioner", "councillor", "clerk", "admin"]
TABLES = ["partnership", "commissioning", "referrals", "scrutiny", "retention"]
# The Django admin's own pages are covered by admin:index; its model pages follow the same rule.
IGNORED_NAMESPACES = {"admin"}


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _tables():
    expected, kwargs = {}, {}
    for name in TABLES:
        module = importlib.import_module(f"tests.access_matrix.{name}")
        expected |= module.EXPECTED
        kwargs |= module.KWARGS
    return expected, kwargs


def test_every_url_has_an_expected_row():
    expected, _ = _tables()
    names = {
        name for name in _url_names(get_resolver()) if name.split(":")[0] not in IGNORED_NAMESPACES
    }
    missing = sorted(names - set(expected) - {"admin:index"})
    assert not missing, f"add these URLs to tests/access_matrix/<app>.py: {missing}"
    unknown = sorted(set(expected) - names - {"admin:index"})
    assert not unknown, f"these rows name no URL: {unknown}"


@pytest.mark.django_db
def test_every_url_answers_each_role_as_expected(client):
    ctx = seed_demo(referrals=300, seed=7)
    expected, kwargs = _tables()
    users = [None] + [
        ctx.users[name]
        for name in ["officer", "performance", "commissioner", "councillor", "clerk", "admin"]
    ]
    mismatches = []
    for name, statuses in sorted(expected.items()):
        url = reverse(name, kwargs=kwargs[name](ctx) if name in kwargs else None)
        for column, user, want in zip(COLUMNS, users, statuses, strict=True):
            client.logout()
            if user is not None:
                sign_in_client(client, user)
            got = client.get(url).status_code
            if got != want:
                mismatches.append(f"{name} ({url}) as {column}: expected {want}, got {got}")
    assert not mismatches, "\n".join(mismatches)
