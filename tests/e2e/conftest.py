"""Browser-test harness: Playwright for Python driving Debian's Chromium against the live server.

Fixtures for tests in this folder:

- `page`: a Playwright `Page` on a fresh browser context whose `base_url` is the live test server,
  so `page.goto("/login/")` works.
- `page_without_javascript` and `page_at_375` (a phone's width): the same, with JavaScript off,
  or 375 px wide; `scrolls_sideways(page)` says whether a page is wider than its window.
- `sign_in(page, user, password=PASSWORD)`: signs in through the login form and, for users who
  need a second factor, the code page, with a TOTP code made in the test (pyotp) from the
  user's authenticator (set up for them first if they have none).
- `check_accessibility(page)`: runs axe-core on the current page and fails on any WCAG 2.x A or
  AA violation, listing each one.

Every HTML page the browser receives in a test (each GET and each form's answer) also goes through
the Nu HTML Checker when the test ends, and any error fails the test (`html_checker.py`).

Mark each browser test `@pytest.mark.e2e` and `@pytest.mark.django_db(transaction=True)`.
A failing test leaves a screenshot in /tmp/e2e-screenshots/. Never run `playwright install`:
the browser is Debian's (`apt-get install chromium`), and tests are skipped without it.
"""

import importlib
import os
import re
import time
from base64 import b32encode
from pathlib import Path

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection, connections
from playwright.sync_api import sync_playwright

from partnership import two_factor
from tests.conftest import authenticator_for
from tests.e2e import html_checker

# Playwright's sync API keeps its asyncio loop marked as running in the test thread, and Django
# refuses ORM calls (factories, checks on rows) from a thread with a running loop unless told it
# is safe. It is: that loop is Playwright's and no async code of ours runs in it. Set before the
# live server starts.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Chromium not installed at /usr/bin/chromium (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password
SCREENSHOTS = Path("/tmp/e2e-screenshots")
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the standard public-sector sites must meet.
# axe's "best-practice" rules are left out on purpose: they are advice, not the standard.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Best-practice rules we hold ourselves to all the same: every piece of content inside a landmark
# (the back link included), so screen reader users can reach it by landmark.
AXE_EXTRA_RULES = ["region"]
# The migration that makes the audit log append-only with database triggers.
AUDIT_TRIGGERS = importlib.import_module("partnership.migrations.0003_audit_append_only")

_reports = pytest.StashKey[dict]()
_html_checker_skipped: list[str] = []


def pytest_collection_modifyitems(items):
    """Give every browser test a serialized rollback.

    A transactional test ends by emptying every table, which would also remove the rows made by
    data migrations (the role groups and their permissions) for the tests after it. A serialized
    rollback restores them. pytest-django decides which databases to serialize from the
    `django_db` marker, so the option has to be on the marker, not only on a fixture.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if item.get_closest_marker("e2e") and marker and marker.kwargs.get("transaction"):
            kwargs = marker.kwargs | {"serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        # CI installs Chromium (.ci/system-deps.sh), so there a missing browser is a failure.
        if os.environ.get("CI") == "true":
            pytest.fail(CHROMIUM_MISSING)
        pytest.skip(CHROMIUM_MISSING)
    snapshots = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    with sync_playwright() as playwright:
        # Playwright's sync API leaves its event loop marked as running in this thread, so from
        # here on Django gives the thread a second set of database connections, as it would
        # async code. Hand them the snapshot that a serialized rollback restores from.
        for alias, snapshot in snapshots.items():
            if snapshot is not None:
                connections[alias]._test_serialized_contents = snapshot
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()  # the second set, so the test database can be dropped


@pytest.fixture
def audit_log_emptied_before_flush(transactional_db):
    """Empty the append-only audit log at the end of each browser test.

    A transactional test ends with Django emptying every table; on SQLite that is a DELETE,
    which the audit log's triggers refuse (PostgreSQL's TRUNCATE does not fire them). This runs
    just before, with the triggers lifted for the moment it takes, and puts them back so that
    later tests see the real rule.
    """
    yield
    with connection.schema_editor() as editor:
        AUDIT_TRIGGERS.remove_triggers(None, editor)
        editor.execute(f"DELETE FROM {AUDIT_TRIGGERS.TABLE}")
        AUDIT_TRIGGERS.add_triggers(None, editor)


@pytest.fixture(scope="session")
def nu_html_checker():
    """The Nu HTML Checker, started once; None (and said at the end) where it cannot run."""
    reason = html_checker.unavailable_reason()
    if reason:
        if html_checker.must_run():
            pytest.fail(f"The Nu HTML Checker cannot run: {reason}", pytrace=False)
        _html_checker_skipped.append(reason)
        yield None
        return
    checker = html_checker.HtmlChecker()
    checker.start()
    try:
        yield checker
    finally:
        checker.stop()


def pytest_terminal_summary(terminalreporter):
    if _html_checker_skipped:
        terminalreporter.write_line(
            f"The Nu HTML Checker was not run on the browser tests' pages: "
            f"{_html_checker_skipped[0]}.",
            yellow=True,
        )


def _keep_html_pages(context, pages: list[tuple[str, str]]) -> None:
    """Fetch every page the browser navigates to through the context, keeping the HTML ones.

    Redirects are handed to the browser unfollowed, so each page arrives at its own address.
    A form that uploads a file is left alone: Chromium does not give an intercepted request's
    files to Playwright, so fetching it again would send the form without them. The page
    that answers it is not checked (an upload's success is a redirect to a page that is).
    """

    def handle(route):
        uploads_file = "multipart/form-data" in (route.request.headers.get("content-type") or "")
        if route.request.resource_type != "document" or uploads_file:
            route.fallback()
            return
        response = route.fetch(max_redirects=0)
        is_page = not 300 <= response.status < 400  # a redirect has no page of its own
        if is_page and "text/html" in response.headers.get("content-type", ""):
            pages.append((f"{route.request.method} {route.request.url}", response.text()))
        route.fulfill(response=response)

    context.route("**/*", handle)


def _check_html(checker, pages: list[tuple[str, str]]) -> None:
    failures = []
    for where, html in pages:
        errors = checker.errors(html)
        if errors:
            failures.append(f"  {where}:\n" + "\n".join(f"    {error}" for error in errors))
    if failures:
        pytest.fail("The Nu HTML Checker found errors:\n" + "\n".join(failures), pytrace=False)


def _browser_page(request, browser, live_server, checker, **options):
    # The site's Content-Security-Policy stays on (no bypass_csp), so pages behave as they do for
    # users and a script or style the policy blocks shows up here. axe-core does not need it
    # lifted: Playwright's page.evaluate runs through the DevTools protocol, which the policy
    # does not govern. Only a test that adds a <script> or <style> tag to the page would need
    # its own context with bypass_csp=True.
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    context.set_default_timeout(15_000)
    html_pages: list[tuple[str, str]] = []
    if checker is not None:
        _keep_html_pages(context, html_pages)
    page = context.new_page()
    yield page
    reports = request.node.stash.get(_reports, {})
    if any(report.failed for report in reports.values()):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", request.node.nodeid) + ".png")
        page.screenshot(path=path, full_page=True)
        print(f"Screenshot of the failing page: {path}")
    context.close()
    if checker is not None:
        _check_html(checker, html_pages)


@pytest.fixture
def page(request, browser, live_server, audit_log_emptied_before_flush, nu_html_checker):
    yield from _browser_page(request, browser, live_server, nu_html_checker)


@pytest.fixture
def page_without_javascript(
    request, browser, live_server, audit_log_emptied_before_flush, nu_html_checker
):
    """A page in a browser with JavaScript switched off, for journeys that must work without it.
    (axe needs JavaScript, so `check_accessibility` cannot run here.)"""
    yield from _browser_page(
        request, browser, live_server, nu_html_checker, java_script_enabled=False
    )


@pytest.fixture
def page_at_375(request, browser, live_server, audit_log_emptied_before_flush, nu_html_checker):
    """A page 375 px wide (a phone), to check that pages do not scroll sideways."""
    yield from _browser_page(
        request, browser, live_server, nu_html_checker, viewport={"width": 375, "height": 800}
    )


def scrolls_sideways(page) -> bool:
    """Whether the page as a whole is wider than the window (a table may scroll in its region)."""
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def authenticator_code(device) -> str:
    """The code the user's authenticator app would show, at a time step not yet used.

    The service refuses a code from a step already used to sign in, so a second sign-in within
    the same 30 seconds takes the next step's code (accepted: one step of clock drift is
    allowed), waiting only if that one has been used too.
    """
    device.refresh_from_db()
    now_step = int(time.time()) // device.step
    step = max(now_step, device.last_t + 1)
    if step > now_step + 1:
        time.sleep((step - 1) * device.step - time.time() + 0.1)
    totp = pyotp.TOTP(b32encode(device.bin_key).decode(), digits=device.digits)
    return totp.at(step * device.step)


def enter_authenticator_code(page, device):
    page.get_by_label("Code from your authenticator app").fill(authenticator_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


@pytest.fixture
def sign_in():
    """`sign_in(page, user)` signs in through the login form and waits for the next page.

    From the login page (e.g. after being sent there from a protected page, with `next`) it
    uses that form; from anywhere else it opens the login page first. A user who needs a second
    factor gets an authenticator (if they have none) and the code page is answered.
    """

    def sign_in(page, user, password=PASSWORD):
        device = authenticator_for(user) if two_factor.required_for(user) else None
        if not page.url.split("?")[0].endswith("/login/"):
            page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        if device is not None and page.url.split("?")[0].endswith("/login/code/"):
            enter_authenticator_code(page, device)
        return page

    return sign_in


def _describe(violation: dict) -> str:
    nodes = "\n".join(
        f"    - {' '.join(node['target'])}: "
        + node.get("failureSummary", "").strip().replace("\n", "\n        ")
        for node in violation["nodes"]
    )
    return (
        f"  {violation['id']} ({violation['impact']}): {violation['help']}\n"
        f"    {violation['helpUrl']}\n{nodes}"
    )


@pytest.fixture
def check_accessibility():
    """`check_accessibility(page)` fails the test on any WCAG 2.x A/AA violation axe finds."""
    axe = Axe()

    def check(page):
        page.wait_for_load_state("load")
        options = {
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "rules": {rule: {"enabled": True} for rule in AXE_EXTRA_RULES},
            "resultTypes": ["violations"],
        }
        violations = axe.run(page, options=options).response["violations"]
        if violations:
            listed = "\n".join(_describe(violation) for violation in violations)
            pytest.fail(
                f"{len(violations)} accessibility violation(s) on {page.url}:\n{listed}",
                pytrace=False,
            )

    return check
