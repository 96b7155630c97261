"""Expected GET status per role for this app's URLs. See test_matrix.py for the columns."""

# anonymous, officer, performance lead, commissioner, committee member, clerk, admin
EXPECTED: dict = {}

# URL name -> function(demo context) -> kwargs, for URLs that take arguments.
KWARGS: dict = {}
