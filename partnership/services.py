"""Writes to accounts: the second factor, password reset links, deactivation. Each is audited.

Users are never deleted: their audit rows point at them. An account whose access has ended is
deactivated, which ends its sessions (Django's backend refuses inactive users on every request)
and stops it signing in, and can be switched back on.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor
from .audit import audit_record
from .constants import AuditAction
from .models import User
from .runs import registered_task

logger = logging.getLogger(__name__)

PASSWORD_RESET_TASK = "partnership.send_password_reset_links"


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; returns them to show once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(two_factor.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def authenticator_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up (the same one until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def authenticator_confirm(
    *, user: User, device: TOTPDevice, request=None, moved: bool = False
) -> list[str]:
    """Make the set-up authenticator the user's one (replacing the old one when `moved` to a
    new phone), with ten new recovery codes (returned)."""
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.full_clean()
    device.save()
    codes = _new_recovery_codes(user)
    audit_record(
        by=user,
        action=AuditAction.CREATE,
        obj=user,
        object_type="second_factor",
        detail={
            "authenticator": "moved to a new app" if moved else "set up",
            "recovery_codes": len(codes),
        },
        request=request,
    )
    return codes


@transaction.atomic
def recovery_codes_replace(*, by: User, request=None) -> list[str]:
    """Ten new recovery codes for a user with an authenticator; the old ones stop working."""
    if not two_factor.has_authenticator(by):
        raise ValidationError("Set up an authenticator app before making recovery codes.")
    codes = _new_recovery_codes(by)
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=by,
        object_type="second_factor",
        detail={"recovery_codes": "replaced"},
        request=request,
    )
    return codes


def recovery_code_used(*, user: User, request=None) -> None:
    """Audit signing in with a recovery code: the person may have lost their phone."""
    audit_record(
        by=user,
        action=AuditAction.UPDATE,
        obj=user,
        object_type="second_factor",
        detail={"recovery_code": "used", "left": two_factor.recovery_codes_left(user)},
        request=request,
    )


@transaction.atomic
def second_factor_reset(*, user: User, by: User, request=None) -> None:
    """An admin removes a user's authenticator and recovery codes (they lost them).

    The user sets up a new authenticator the next time they sign in. Only an admin may do this,
    never the user: a stolen password alone must not be enough to replace the second factor.
    """
    removed = [device.persistent_id for device in two_factor.devices_of(user)]
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(
        by=by,
        action=AuditAction.DELETE,
        obj=user,
        object_type="second_factor",
        detail={"second_factor": "reset by admin", "devices_removed": len(removed)},
        request=request,
    )


def password_reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL + path


def send_password_reset_email(user: User, *, invitation: bool = False) -> None:
    """E-mail `user` a single-use link to set a password, through the configured backend."""
    context = {
        "user": user,
        "link": password_reset_link(user),
        "service_name": settings.SERVICE_NAME,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "invitation": invitation,
    }
    subject = render_to_string("partnership/email/password_reset_subject.txt", context)
    body = render_to_string("partnership/email/password_reset_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def password_reset_request(*, email: str) -> None:
    """Someone asked for a link for `email` on the sign-in page: the worker looks for accounts.

    The request does the same work whether or not the address has an account (one message to the
    broker, no query), so its timing tells an outsider nothing about who has one. If the broker
    is down the request is dropped with a warning: the page already asks them to try again.
    """
    try:
        registered_task(PASSWORD_RESET_TASK).apply_async(args=[email])
    except Exception as error:
        if current_app.conf.task_always_eager:
            raise
        logger.warning("Could not send a password reset request to the broker (%s)", error)


def password_reset_links_send(email: str) -> None:
    """E-mail a link to every active account with this address (the worker's half)."""
    for user in PasswordResetForm().get_users(email):
        send_password_reset_email(user)


@transaction.atomic
def password_reset_send(*, user: User, by: User, request=None) -> None:
    """An admin sends a user a link to set their own password (the admin never knows it)."""
    if not user.email:
        raise ValidationError(f"{user.get_username()} has no e-mail address to send a link to.")
    if not user.is_active:
        raise ValidationError(f"{user.get_username()} is deactivated: reactivate them first.")
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        obj=user,
        detail={"password": "reset link sent by admin"},
        request=request,
    )
    transaction.on_commit(lambda: send_password_reset_email(user))


def password_reset_done(*, user: User, request=None) -> None:
    """Audit a password set through an e-mailed link. The second factor stays as it was."""
    audit_record(
        by=user,
        action=AuditAction.UPDATE,
        obj=user,
        detail={"password": "set through an e-mailed link"},
        request=request,
    )


@transaction.atomic
def user_invite(*, user: User, by: User, request=None) -> None:
    """A user an admin has just added: no password until they set one from the e-mailed link."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        obj=user,
        detail={"invitation": "set-password link sent"},
        request=request,
    )
    if user.email:
        transaction.on_commit(lambda: send_password_reset_email(user, invitation=True))


@transaction.atomic
def user_deactivate(*, user: User, by: User, request=None) -> bool:
    """Switch an account off: it cannot sign in and its sessions end. False if already off."""
    if user.pk == by.pk:
        raise ValidationError("You cannot deactivate your own account.")
    if not user.is_active:
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        by=by, action=AuditAction.UPDATE, obj=user, detail={"is_active": False}, request=request
    )
    return True


@transaction.atomic
def user_reactivate(*, user: User, by: User, request=None) -> bool:
    """Switch an account back on. False if it was already on."""
    if user.is_active:
        return False
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(
        by=by, action=AuditAction.UPDATE, obj=user, detail={"is_active": True}, request=request
    )
    return True
