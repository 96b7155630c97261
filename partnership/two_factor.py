"""The second factor: who needs it, checking a code, the QR code and the half-signed-in state.

Built on django-otp: a `TOTPDevice` per user (an authenticator app) and a `StaticDevice` holding
ten single-use recovery codes. Signing in is two steps. The password step does not sign the user
in: it keeps their id in the session as *pending* (for at most
settings.SECOND_FACTOR_PENDING_TIMEOUT), and only a right code from the second step calls
Django's `login` and django-otp's `login`. `SecondFactorRequiredMiddleware` also refuses any
signed-in session that needs a second factor and has none, however it was made.

Wrong and reused codes count as failed sign-ins for django-axes, so passwords and codes share
one lockout rule and one lockout page.
"""

from __future__ import annotations

import enum
import time
from base64 import b32encode
from datetime import datetime

import qrcode
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django.utils.html import format_html
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

RECOVERY_CODE_COUNT = 10
PENDING_USER_KEY = "second_factor_user_id"
PENDING_SINCE_KEY = "second_factor_pending_since"
PENDING_NEXT_KEY = "second_factor_next"
NEW_RECOVERY_CODES_KEY = "new_recovery_codes"


def required_for(user: User) -> bool:
    """The user must give a second factor: a role that needs one, or one already set up."""
    if not user.is_authenticated or not user.is_active:
        return False
    return required_by_role(user) or has_authenticator(user)


def required_by_role(user: User) -> bool:
    """A role in settings.OTP_REQUIRED_ROLES (admins hold every role, and are always in it)."""
    return bool(user.role_names() & set(settings.OTP_REQUIRED_ROLES))


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def authenticator_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device_of(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    device = recovery_device_of(user)
    return device.token_set.count() if device else 0


def devices_of(user: User) -> list:
    """Every device of the user, confirmed or being set up."""
    return list(devices_for_user(user, confirmed=None))


class CodeCheck(enum.Enum):
    RIGHT = "right"
    WRONG = "wrong"
    REUSED = "reused"


def normalise_code(code: str) -> str:
    """Codes as people type them: spaces and dashes are ignored."""
    return "".join(code.split()).replace("-", "").lower()


def check_authenticator_code(device: TOTPDevice, code: str) -> CodeCheck:
    """RIGHT (and recorded, so it cannot be used again), REUSED or WRONG.

    A code is REUSED when it is one the app showed within the accepted window but at a time step
    already used to sign in: django-otp refuses it, and the person is told to wait for a new one.
    """
    code = normalise_code(code)
    if not code.isdigit() or len(code) != device.digits:
        return CodeCheck.WRONG
    if device.verify_token(code):
        return CodeCheck.RIGHT
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    now_t = totp.t()
    for step in range(now_t - device.tolerance, now_t + device.tolerance + 1):
        totp.drift = device.drift + step - now_t
        if step <= device.last_t and totp.token() == int(code):
            return CodeCheck.REUSED
    return CodeCheck.WRONG


def check_recovery_code(user: User, code: str) -> bool:
    """True, and the code is used up, when `code` is one of the user's recovery codes."""
    device = recovery_device_of(user)
    return device is not None and device.verify_token(normalise_code(code))


def record_failed_code(request, user: User) -> None:
    """A wrong or reused code is a failed sign-in for django-axes (which may lock the account)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def is_locked_out(request, user: User) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    if not settings.AXES_ENABLED:
        return False
    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})


# The half-signed-in state -------------------------------------------------------------------


def start_pending(request, user: User, next_url: str) -> None:
    """After a right password: remember who is signing in, on a new session key."""
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_SINCE_KEY] = timezone.now().isoformat()
    request.session[PENDING_NEXT_KEY] = next_url


def pending_user(request) -> User | None:
    """The user who gave a right password in this session, while the step is still open."""
    user_id = request.session.get(PENDING_USER_KEY)
    since = request.session.get(PENDING_SINCE_KEY)
    if user_id is None or since is None:
        return None
    if timezone.now() - datetime.fromisoformat(since) > settings.SECOND_FACTOR_PENDING_TIMEOUT:
        clear_pending(request)
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def pending_next(request) -> str:
    return request.session.get(PENDING_NEXT_KEY) or ""


def clear_pending(request) -> None:
    for key in (PENDING_USER_KEY, PENDING_SINCE_KEY, PENDING_NEXT_KEY):
        request.session.pop(key, None)


# Showing the key ----------------------------------------------------------------------------


def key_as_text(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps take it when typed, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice, *, label_id: str) -> str:
    """The device's otpauth:// address as an inline SVG QR code, drawn here (no outside service).

    One path of unit squares and no style attribute, so the strict Content-Security-Policy
    allows it; `label_id` names the element that describes it for screen readers.
    """
    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(device.config_url)
    matrix = code.get_matrix()
    size = len(matrix)
    squares = "".join(
        f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return format_html(
        '<svg viewBox="0 0 {size} {size}" width="{px}" height="{px}" '
        'role="img" aria-labelledby="{label}" xmlns="http://www.w3.org/2000/svg">'
        '<rect width="{size}" height="{size}" fill="#ffffff"/>'
        '<path d="{squares}" fill="#0b0c0c"/></svg>',
        size=size,
        px=size * 5,
        label=label_id,
        squares=squares,
    )
