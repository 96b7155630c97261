"""Codes an authenticator app would show, for tests that sign in through the code page."""

import time

from django_otp.oath import TOTP


def code_at(device, step: int) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = step * device.step + device.t0
    return f"{totp.token():0{device.digits}d}"


def current_step(device) -> int:
    return (int(time.time()) - device.t0) // device.step


def current_code(device) -> str:
    """The code shown now (or the next step's, if this step was used: one step is allowed)."""
    device.refresh_from_db()
    return code_at(device, max(current_step(device), device.last_t + 1))
