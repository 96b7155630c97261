"""What the benchmark commands share: medians of repeated runs, a signed-in test client, and
plain SQL run straight through the database cursor as the anchor each measure is compared with.

A benchmark prints the median of `--repeat` runs after one warm-up, and its ratio to an anchor:
hand-written SQL that reads the same rows or figures, timed the same way. On a machine shared
with other work the times move together, so the ratio says more than either time alone.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from partnership import two_factor


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def median_time(work: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    """The median wall time of `runs` calls of `work` after one warm-up call, and every time."""
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def rolled_back(work: Callable[[], object]) -> Callable[[], None]:
    """`work` in a transaction that is rolled back, so that a write can be timed again and
    again without changing the data."""

    def run() -> None:
        with transaction.atomic():
            work()
            transaction.set_rollback(True)

    return run


def sql_anchor(statements: Sequence[tuple[str, Sequence | dict]]) -> Callable[[], None]:
    """Run plain SQL statements and fetch what they return (the anchor's work)."""

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()

    return run


def signed_in_client(user) -> Client:
    """A test client signed in as `user` with both factors (the demo users' authenticators, see
    partnership.demo), sending a host the settings allow (the test client's own "testserver" is
    only allowed inside the test runner)."""
    host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    client = Client(HTTP_HOST=host.lstrip("."))
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[-1])
    if two_factor.required_for(user):
        device = two_factor.authenticator_of(user)
        if device is None:
            raise CommandError(
                f"{user.username} needs a second factor and has no authenticator: seed the "
                "database with the current seed_demo, or set one up by signing in once."
            )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def compared(label: str, measured: float, anchor: float) -> str:
    """One line of a benchmark's table: the median, the anchor's and their ratio."""
    ratio = measured / anchor if anchor else float("inf")
    return f"  {label:<34} {ms(measured)}   anchor {ms(anchor)}   {ratio:6.1f}x"
