"""The one audit mechanism for the whole app: every service writes its audit row through here."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent, User


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind the reverse proxy, the first X-Forwarded-For entry is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None


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
