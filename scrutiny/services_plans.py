"""Writes for the strategy and delivery plan, and for the review register. Each runs in one
transaction with its audit row.

Milestones of a commitment and recommendations of a review are actions: they are raised with
`services.action_create(commitment=...)` and `services.action_create(review=...,
source_agency=...)`, and then updated, completed and closed like any other action.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from partnership.audit import audit_record
from partnership.constants import AuditAction
from partnership.models import User

from .constants import PLAN_EDITOR_ROLES, REVIEW_ROLES
from .models import Commitment, Review, Strategy, Theme
from .services import _set_fields


def _require_plan_editor(user: User) -> None:
    if not user.has_role(*PLAN_EDITOR_ROLES):
        raise PermissionDenied


def _require_review_reader(user: User) -> None:
    if not user.has_role(*REVIEW_ROLES):
        raise PermissionDenied


def _new(model, fields: dict[str, Any], allowed: list[str], **fixed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{', '.join(sorted(unknown))} cannot be set here")
    return model(**fixed, **fields)


def _save_new(by: User, obj, request, detail: dict | None = None):
    obj.full_clean()
    obj.save()
    audit_record(by=by, action=AuditAction.CREATE, obj=obj, detail=detail, request=request)
    return obj


def _save_changed(by: User, obj, fields: dict[str, Any], allowed: list[str], request):
    changed = _set_fields(obj, fields, allowed)
    obj.full_clean()
    obj.save()
    audit_record(
        by=by, action=AuditAction.UPDATE, obj=obj, detail={"changed": changed}, request=request
    )
    return obj


# The strategy and its delivery plan -------------------------------------------------------------

STRATEGY_FIELDS = ["title", "start_year", "end_year", "summary"]
THEME_FIELDS = ["title", "description"]
COMMITMENT_FIELDS = ["title", "description", "lead_organisation", "owner", "measure"]


@transaction.atomic
def strategy_create(*, by: User, request=None, **fields: Any) -> Strategy:
    _require_plan_editor(by)
    return _save_new(by, _new(Strategy, fields, STRATEGY_FIELDS), request)


@transaction.atomic
def strategy_update(*, by: User, strategy: Strategy, request=None, **fields: Any) -> Strategy:
    _require_plan_editor(by)
    return _save_changed(by, strategy, fields, STRATEGY_FIELDS, request)


@transaction.atomic
def theme_create(*, by: User, strategy: Strategy, request=None, **fields: Any) -> Theme:
    """Add a theme at the end of the strategy's themes."""
    _require_plan_editor(by)
    last = strategy.themes.aggregate(last=Max("position"))["last"] or 0
    theme = _new(Theme, fields, THEME_FIELDS, strategy=strategy, position=last + 1)
    return _save_new(by, theme, request)


@transaction.atomic
def theme_update(*, by: User, theme: Theme, request=None, **fields: Any) -> Theme:
    _require_plan_editor(by)
    return _save_changed(by, theme, fields, THEME_FIELDS, request)


@transaction.atomic
def commitment_create(*, by: User, theme: Theme, request=None, **fields: Any) -> Commitment:
    """Add a commitment at the end of the theme's; its milestones are raised as actions."""
    _require_plan_editor(by)
    last = theme.commitments.aggregate(last=Max("position"))["last"] or 0
    commitment = _new(Commitment, fields, COMMITMENT_FIELDS, theme=theme, position=last + 1)
    return _save_new(by, commitment, request, {"measure": commitment.measure})


@transaction.atomic
def commitment_update(
    *, by: User, commitment: Commitment, request=None, **fields: Any
) -> Commitment:
    _require_plan_editor(by)
    return _save_changed(by, commitment, fields, COMMITMENT_FIELDS, request)


# The review register ----------------------------------------------------------------------------

REVIEW_FIELDS = [
    "reference",
    "kind",
    "area",
    "status",
    "commissioned_on",
    "submitted_on",
    "published_on",
    "closed_on",
]


@transaction.atomic
def review_create(*, by: User, request=None, **fields: Any) -> Review:
    """Add a review to the register: reference, district, kind, dates and status only."""
    _require_review_reader(by)
    review = _new(Review, fields, REVIEW_FIELDS)
    return _save_new(by, review, request, {"status": review.status})


def review_record_view(*, by: User, review: Review, request=None) -> None:
    """Audit a reading of a review's page: the register holds details of deaths."""
    audit_record(by=by, action=AuditAction.VIEW, obj=review, request=request)


@transaction.atomic
def review_update(*, by: User, review: Review, request=None, **fields: Any) -> Review:
    _require_review_reader(by)
    return _save_changed(by, review, fields, REVIEW_FIELDS, request)
