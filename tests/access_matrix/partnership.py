"""Expected GET status per role for the core app's URLs. See test_matrix.py for the columns."""

# anonymous, officer, performance lead, commissioner, committee member, clerk, admin
EXPECTED = {
    "home": (302, 302, 200, 302, 302, 302, 302),
    "login": (200, 302, 302, 302, 302, 302, 302),
    "logout": (302, 405, 405, 405, 405, 405, 405),
    "admin:index": (302, 302, 302, 302, 302, 302, 200),
}

# URL name -> function(demo context) -> kwargs, for URLs that take arguments.
KWARGS: dict = {}
