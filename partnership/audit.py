"""The one audit mechanism for the whole app: every service writes its audit row through here."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.db import models

from .models import AuditEvent, User


def _ip_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the person making the request, as the audit log and the lockout see it.

    Behind TRUSTED_PROXY_HOPS reverse proxies, each appends the address it was reached from to
    X-Forwarded-For, so the client is that many entries from the right. Entries to the left of
    it are whatever the client chose to send, and are never read. With no proxy, or a header
    shorter than the proxies would make it, the connection's own address.
    """
    if request is None:
        return None
    hops = settings.TRUSTED_PROXY_HOPS
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if hops and len(entries) >= hops and (address := _ip_or_none(entries[-hops])):
        return address
    return _ip_or_none(request.META.get("REMOTE_ADDR", ""))


def audit_record(
    *,
    by: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    detail: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """Write one audit row. Call it inside the same transaction as the change it records.

    `detail` must never hold identifying input (names, dates of birth, postcodes).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        user=by if by is not None and by.is_authenticated else None,
        roles=",".join(sorted(by.role_names())) if by is not None and by.is_authenticated else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail or {},
        ip_address=client_ip(request),
    )
