"""Expected GET status per role for the core app's URLs. See test_matrix.py for the columns."""

# anonymous, officer, performance lead, commissioner, committee member, clerk, admin
EXPECTED = {
    "home": (302, 302, 302, 302, 302, 302, 200),
    "login": (200, 302, 302, 302, 302, 302, 302),
    "logout": (302, 405, 405, 405, 405, 405, 405),
    "admin:index": (302, 302, 302, 302, 302, 302, 200),
    # The second sign-in step: only for someone between password and code (anonymous without a
    # password step goes back to sign in; signed-in users go home). Committee members and clerks
    # need no second factor, so they may set one up; the others already have one.
    "login_code": (302, 302, 302, 302, 302, 302, 302),
    "login_recovery": (302, 302, 302, 302, 302, 302, 302),
    "login_set_up": (302, 302, 302, 302, 200, 200, 302),
    "account": (302, 200, 200, 200, 200, 200, 200),
    # Moving the authenticator to a new phone needs one to move: committee members and clerks
    # in the demo have none, so they go back to their account page.
    "account_authenticator_move": (302, 200, 200, 200, 302, 302, 200),
    # New recovery codes are shown once, straight after they are made; otherwise the account.
    "account_recovery_codes": (302, 302, 302, 302, 302, 302, 302),
    "account_new_recovery_codes": (302, 405, 405, 405, 405, 405, 405),
    # Password reset by e-mail is for people who cannot sign in, so it is open to everyone.
    "password_reset": (200, 200, 200, 200, 200, 200, 200),
    "password_reset_done": (200, 200, 200, 200, 200, 200, 200),
    "password_reset_confirm": (200, 200, 200, 200, 200, 200, 200),
    "password_reset_complete": (200, 200, 200, 200, 200, 200, 200),
    # For the orchestrator: "ok" or "failing" for four named checks, nothing more (health.py).
    "health": (200, 200, 200, 200, 200, 200, 200),
}

# URL name -> function(demo context) -> kwargs, for URLs that take arguments.
KWARGS: dict = {
    # A link with a wrong token: the page says the link does not work.
    "password_reset_confirm": lambda ctx: {"uidb64": "MQ", "token": "wrong-token"},
}
