"""Nothing becomes public by accident: the URLs an anonymous visitor can reach are listed here.

Every URL needs a signed-in user (Django's LoginRequiredMiddleware) unless its view is marked
`login_not_required`. The sign-in page and its second step are, and password reset; so are the
open data endpoints, on purpose (commissioning/opendata/http.py). A new exemption anywhere fails
these tests until it is added below, where a reviewer sees it.
"""

import importlib

from django.urls import URLResolver, get_resolver

from tests.access_matrix.test_matrix import TABLES

OPEN_DATA = {
    "open_referral:root",
    "open_referral:services",
    "open_referral:service",
    "open_referral:service_at_locations",
    "open_referral:service_at_location",
    "open_referral:taxonomies",
    "open_referral:taxonomy",
    "open_referral:taxonomy_terms",
    "open_referral:taxonomy_term",
    "open_data:index",
    "open_data:contracts",
    "open_data:contract",
}
# The steps after the password (partnership.two_factor): open, because the user is not signed in
# until the code is right, but they send anyone who has not just given a right password back to
# the sign-in page (so the access matrix sees 302 for anonymous visitors).
SIGN_IN_STEPS = {"login_code", "login_recovery", "login_set_up"}
# For people who cannot sign in: they show no data and say nothing about whether an account exists.
PASSWORD_RESET = {
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# The Django admin marks its own sign-in page as open; our middleware sends anonymous visitors
# from it to ours (partnership.middleware.LoginRequiredEverywhereMiddleware).
# The orchestrator's health probe (partnership/health.py): four check names and "ok" or
# "failing", nothing more.
HEALTH = {"health"}
ANONYMOUS = {"login", "admin:login"} | SIGN_IN_STEPS | PASSWORD_RESET | OPEN_DATA | HEALTH


def _exempt_views(resolver: URLResolver, namespace: str = "") -> dict[str, str]:
    """{url name: route} of every view exempted from the login middleware."""
    exempt = {}
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            exempt |= _exempt_views(pattern, inner)
        elif getattr(pattern.callback, "login_required", True) is False:
            name = f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)
            exempt[name] = str(pattern.pattern)
    return exempt


def test_only_the_listed_pages_are_exempt_from_login():
    exempt = set(_exempt_views(get_resolver()))
    assert exempt == ANONYMOUS, (
        f"newly open to anonymous visitors: {sorted(exempt - ANONYMOUS)}; "
        f"no longer open: {sorted(ANONYMOUS - exempt)}"
    )


def test_the_access_matrix_lets_anonymous_visitors_reach_only_the_listed_urls():
    reachable = set()
    for name in TABLES:
        table = importlib.import_module(f"tests.access_matrix.{name}").EXPECTED
        reachable |= {url for url, statuses in table.items() if statuses[0] != 302}
    assert reachable == ANONYMOUS - {"admin:login"} - SIGN_IN_STEPS
