"""Expected GET status per role for the retention pages. See test_matrix.py for the columns."""

# anonymous, officer, performance lead, commissioner, committee member, clerk, admin
EXPECTED = {
    "retention:index": (302, 403, 200, 403, 403, 403, 200),
    "retention:hold_create": (302, 403, 200, 403, 403, 403, 200),
    "retention:hold_release": (302, 403, 200, 403, 403, 403, 200),
}

KWARGS = {
    "retention:hold_release": lambda ctx: {"pk": ctx.extra["legal_hold"].pk},
}
