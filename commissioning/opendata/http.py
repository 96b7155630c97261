"""What makes an endpoint open: no login, read-only, throttled per client address, cached, and
(for the JSON) readable from any web page.

`open_endpoint` is the only way a view in this project is exempted from the login middleware
besides the sign-in page; `tests/partnership/test_anonymous_urls.py` lists every URL an
anonymous visitor can reach and fails on a new one.

- Throttle: `OPEN_DATA_RATE_LIMIT` requests a minute from one client address
  (`partnership.audit.client_ip`), counted in the cache in fixed one-minute windows; more get
  429 with `Retry-After`.
- Cache: a 200 JSON body is kept for `OPEN_DATA_CACHE_SECONDS` under its path and query and a
  version number that every change to commissioning data, organisations or areas increases
  (`signals.py`), so an unpublished service disappears at once. Responses say
  `Cache-Control: public, max-age=...` to browsers and proxies.
- CORS: `Access-Control-Allow-Origin: *` on every JSON response, errors included, as the Open
  Referral UK compliance rules require.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from partnership.audit import client_ip

from .ocds import dumps

JSON = "application/json"
VERSION_KEY = "opendata:version"
WINDOW_SECONDS = 60


class ApiError(Exception):
    """Raised by a view to answer with a JSON error (with CORS, like every answer)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(what: str = "Nothing") -> ApiError:
    return ApiError(404, f"{what} with that id is not published here.")


def json_response(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(dumps(data), status=status, content_type=JSON)


def _error(status: int, message: str) -> HttpResponse:
    return json_response({"error": message}, status=status)


def seconds_until_allowed(request) -> int:
    """0 while this client is within the limit for the current minute, else seconds to wait."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"opendata:throttle:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 1)
        count = 1
    if count <= settings.OPEN_DATA_RATE_LIMIT:
        return 0
    return WINDOW_SECONDS - int(now % WINDOW_SECONDS)


def data_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def data_changed() -> None:
    """Forget every cached answer (called after each commit that changes published data)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def _cached_view(request, view, args, kwargs) -> HttpResponse:
    key = f"opendata:{data_version()}:{request.get_full_path()}"
    body = cache.get(key)
    if body is not None:
        return HttpResponse(body, content_type=JSON)
    response = view(request, *args, **kwargs)
    if response.status_code == 200:
        cache.set(key, response.content, timeout=settings.OPEN_DATA_CACHE_SECONDS)
    return response


def _answer(request, view, args, kwargs, *, is_json: bool) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = _error(405, "This is a read-only API: use GET.")
        response["Allow"] = "GET, HEAD"
        return response
    wait = seconds_until_allowed(request)
    if wait:
        response = _error(429, f"Too many requests. Try again in {wait} seconds.")
        response["Retry-After"] = str(wait)
        return response
    try:
        if is_json:
            return _cached_view(request, view, args, kwargs)
        return view(request, *args, **kwargs)
    except ApiError as error:
        return _error(error.status, error.message)


def open_endpoint(*, is_json: bool = True) -> Callable:
    """Open a view to anyone (see the module docstring)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = _answer(request, view, args, kwargs, is_json=is_json)
            if is_json:
                response["Access-Control-Allow-Origin"] = "*"
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=settings.OPEN_DATA_CACHE_SECONDS)
            return response

        return login_not_required(wrapper)

    return decorate
