"""Logs and error reports in production: JSON log lines, and Sentry when SENTRY_DSN is set.

Neither may carry what people typed: Django's request logger is kept to path and status (see
LOGGING in settings), and Sentry gets no request bodies, cookies, query strings, users or local
variables (`sentry_init`), since a form's fields or a stack frame can hold identifying input.
"""

from __future__ import annotations

from typing import Any


def sentry_before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Drop what the SDK might still attach about the request beyond its method and path."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "headers", "env"):
            request.pop(key, None)
    event.pop("user", None)
    return event


def sentry_init(*, dsn: str, environment: str, release: str = "") -> None:
    """Report errors from the web app and the Celery workers to Sentry (nothing about people)."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=sentry_before_send,
    )
