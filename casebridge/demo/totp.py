"""The one second-factor secret every demo account shares, so a single authenticator entry (or
``manage.py demo_totp``) signs in as anyone. Public by design: demo mode only."""

from __future__ import annotations

import time
from urllib.parse import quote, urlencode

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def current_code(now: float | None = None) -> str:
    """The six-digit code an authenticator shows now for the demo secret."""
    counter = int(time.time() if now is None else now) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


def seconds_left(now: float | None = None) -> int:
    period = app_settings.TOTP_PERIOD
    return period - int(time.time() if now is None else now) % period


def otpauth_uri() -> str:
    """An ``otpauth://`` URI for authenticator apps; one entry serves every demo account."""
    params = {"secret": DEMO_TOTP_SECRET, "issuer": app_settings.TOTP_ISSUER or "casebridge"}
    return f"otpauth://totp/{quote('casebridge demo')}?{urlencode(params, quote_via=quote)}"
