"""Behind the reverse proxy, the audit log and the login lockout read the address the proxy
appended, never one the client wrote into X-Forwarded-For; every response refuses unused
browser features."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from partnership.audit import client_ip
from partnership.models import AuditEvent
from tests.factories import UserFactory

PROXY = "10.0.0.2"  # the reverse proxy, as gunicorn sees it
CLIENT = "203.0.113.9"  # the person, as the proxy saw them
SPOOFED = "198.51.100.7"  # what the person claims to be


def request_from(remote_addr: str = PROXY, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        (CLIENT, CLIENT),  # the proxy appended the client's address to an empty header
        (f"{SPOOFED}, {CLIENT}", CLIENT),  # the client sent one; the proxy appended the real one
        (f"{SPOOFED},{SPOOFED}, {CLIENT}", CLIENT),
        ("2001:db8::1", "2001:db8::1"),
        (f"{CLIENT}, not-an-address", PROXY),  # never trust garbage: the connection's address
        ("", PROXY),
        (None, PROXY),
    ],
)
def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(
    settings, forwarded, expected
):
    settings.TRUSTED_PROXY_HOPS = 1

    assert client_ip(request_from(forwarded=forwarded)) == expected


def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    forwarded = f"{SPOOFED}, {CLIENT}, 10.0.0.1"

    assert client_ip(request_from(forwarded=forwarded)) == CLIENT


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0

    assert client_ip(request_from(remote_addr=CLIENT, forwarded=SPOOFED)) == CLIENT


def test_production_trusts_one_proxy_and_development_none(load_settings):
    from tests.partnership.conftest import PRODUCTION_ENV

    assert load_settings(**PRODUCTION_ENV)["TRUSTED_PROXY_HOPS"] == 1
    assert load_settings()["TRUSTED_PROXY_HOPS"] == 0


def test_the_lockout_counts_by_the_address_the_proxy_appended(client, settings, db):
    settings.TRUSTED_PROXY_HOPS = 1
    user = UserFactory(username="locked.out")

    # Five wrong passwords, each claiming a different address: all from one real client.
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": user.username, "password": "wrong-password-here"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {CLIENT}",
        )
    from_the_client = client.post(
        reverse("login"),
        {"username": user.username, "password": "wrong-password-here"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"192.0.2.200, {CLIENT}",
    )
    from_elsewhere = client.post(
        reverse("login"),
        {"username": user.username, "password": "wrong-password-here"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{CLIENT}, 192.0.2.50",
    )

    assert from_the_client.status_code == 429
    # Another person behind the same proxy, even one claiming the locked address, is not locked.
    assert from_elsewhere.status_code == 200


def test_the_audit_log_records_the_address_the_proxy_appended(login, admin_user, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    client = login(admin_user)

    client.get(reverse("home"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{SPOOFED}, {CLIENT}")

    assert AuditEvent.objects.latest("pk").ip_address == CLIENT


def test_every_response_refuses_browser_features_no_page_uses(client, login, officer):
    for response in (client.get(reverse("login")), login(officer).get(reverse("home"))):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy
