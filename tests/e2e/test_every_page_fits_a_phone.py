"""Every page of the demo at 375 px (a phone), each opened by the first role the access matrix
lets see it: only a table's own region may scroll sideways, never the whole page."""

import pytest
from django.urls import reverse

from partnership.demo import DEMO_PASSWORD, seed_demo
from tests.access_matrix.test_matrix import COLUMNS, _tables
from tests.e2e.conftest import scrolls_sideways

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Pages that answer with a file rather than a page.
FILES = (".csv", ".pdf", ".xlsx", ".json", "/download", "/evidence/", "/export", "/documents/")


def pages_by_role(ctx) -> dict[str, list[str]]:
    expected, kwargs = _tables()
    by_role: dict[str, list[str]] = {}
    for name, statuses in sorted(expected.items()):
        if 200 not in statuses[1:]:
            continue  # only anonymous pages, or none that answer with a page
        url = reverse(name, kwargs=kwargs[name](ctx) if name in kwargs else None)
        if any(marker in url for marker in FILES):
            continue
        role = COLUMNS[statuses.index(200, 1)]
        by_role.setdefault(role, []).append(url)
    return by_role


def test_no_page_scrolls_sideways_on_a_phone(page_at_375, sign_in):
    ctx = seed_demo(referrals=300, seed=7)
    page = page_at_375
    wide, opened = [], 0
    for role, urls in pages_by_role(ctx).items():
        page.context.clear_cookies()
        sign_in(page, ctx.users[role], password=DEMO_PASSWORD)
        for url in urls:
            response = page.goto(url)
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            assert response.status == 200 and page.url.endswith(url), f"{url} as {role}"
            opened += 1
            if scrolls_sideways(page):
                wide.append(f"{url} as {role}")
    assert opened > 60, f"only {opened} pages were opened"
    assert wide == [], "these pages scroll sideways at 375 px:\n" + "\n".join(wide)
