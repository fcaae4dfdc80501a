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
