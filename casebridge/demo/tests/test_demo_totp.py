"""demo_totp prints the code sign-in accepts, and only in demo mode."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.core.management import call_command
from django.core.management.base import CommandError

from casebridge.demo import totp


def test_it_refuses_outside_demo_mode(settings):
    settings.DEMO = False
    out = io.StringIO()
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("demo_totp", stdout=out)
    assert out.getvalue() == ""


def test_it_prints_the_code_sign_in_accepts(settings):
    settings.DEMO = True
    out = io.StringIO()
    call_command("demo_totp", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6
    assert code.isdigit()
    assert validate_totp_code(totp.DEMO_TOTP_SECRET, code)


def test_it_changes_the_code_every_period():
    assert totp.current_code(now=0) != totp.current_code(now=30)
    assert totp.current_code(now=30) == totp.current_code(now=59)
    assert totp.seconds_left(now=35) == 25


def test_it_gives_a_uri_for_authenticator_apps():
    uri = totp.otpauth_uri()
    assert uri.startswith("otpauth://totp/")
    assert f"secret={totp.DEMO_TOTP_SECRET}" in uri


@pytest.mark.parametrize("now", [0, 59, 1_700_000_000, 1_800_000_017])
def test_it_computes_the_code_as_allauth_does(now):
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    assert totp.PERIOD == app_settings.TOTP_PERIOD
    assert totp.current_code(now) == format_hotp_value(hotp_value(totp.DEMO_TOTP_SECRET, int(now) // totp.PERIOD))


def test_make_totp_answers_without_starting_django():
    import subprocess
    import sys
    import time as clock
    from pathlib import Path

    script = Path(totp.__file__)
    started = clock.monotonic()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)  # noqa: S603
    assert clock.monotonic() - started < 1.0
    assert done.stdout.strip().isdigit() and "more seconds" in done.stderr
