"""The one second-factor secret every demo account shares, so a single authenticator entry (or
``make totp``) signs in as anyone. Public by design: demo mode only.

Standard library only (RFC 6238, as allauth computes it; a test checks they agree), so that
``python casebridge/demo/totp.py`` answers at once, without starting Django."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from urllib.parse import quote, urlencode

DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PERIOD = 30  # seconds (allauth's MFA_TOTP_PERIOD, left at its default)
ISSUER = "casebridge"  # settings.MFA_TOTP_ISSUER


def current_code(now: float | None = None) -> str:
    """The six-digit code an authenticator shows now for the demo secret."""
    counter = int(time.time() if now is None else now) // PERIOD
    digest = hmac.new(base64.b32decode(DEMO_TOTP_SECRET), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def seconds_left(now: float | None = None) -> int:
    return PERIOD - int(time.time() if now is None else now) % PERIOD


def otpauth_uri() -> str:
    """An ``otpauth://`` URI for authenticator apps; one entry serves every demo account."""
    params = {"secret": DEMO_TOTP_SECRET, "issuer": ISSUER}
    return f"otpauth://totp/{quote('casebridge demo')}?{urlencode(params, quote_via=quote)}"


if __name__ == "__main__":
    import sys

    print(current_code())
    print(f"(valid for {seconds_left()} more seconds)", file=sys.stderr)
