"""Password and second factor, lockout after repeated failures, session limits."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse
from django.utils import timezone

from casebridge.accounts import middleware
from casebridge.accounts.models import User
from casebridge.agencies.models import Membership, Role
from casebridge.lib.testing import PASSWORD


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_it_asks_for_the_second_factor_after_the_password(world, client):
    response = client.post(reverse("account_login"), {"login": "social_worker", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("cases:home")).status_code == 302  # not signed in yet
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200 and "Incorrect code." in response.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": _code(world.totp_secrets["social_worker"])})
    assert response.status_code == 302
    assert client.get(reverse("cases:home")).status_code == 200


def test_it_requires_every_account_to_set_up_a_second_factor(world, client):
    user = User.objects.create_user("newcomer", password=PASSWORD)
    Membership.objects.create(
        user=user, agency=world.agencies["SHS"], role=Role.PARTNER_CASEWORKER, approved_at=timezone.now()
    )
    client.post(reverse("account_login"), {"login": "newcomer", "password": PASSWORD})
    response = client.get(reverse("cases:home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert client.get("/api/v1/cases/").status_code == 403
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_it_does_not_let_a_user_remove_their_second_factor(world, login):
    client = login(world.social_worker)
    client.post(reverse("mfa_deactivate_totp"))
    assert world.social_worker.authenticator_set.count() == 1


def test_it_locks_an_account_after_repeated_failures(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account_login"), {"login": "lawyer", "password": "wrong password"})
    response = client.post(reverse("account_login"), {"login": "lawyer", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert client.get(reverse("mfa_authenticate")).status_code == 302  # no half-signed-in session
    other = client.post(reverse("account_login"), {"login": "nurse", "password": PASSWORD})
    assert other.status_code == 302  # another account is not locked


@pytest.mark.parametrize(
    ("idle_minutes", "hours_since_login", "signed_out"),
    [(29, 1, False), (31, 1, True), (5, 11.9, False), (5, 12.1, True)],
)
def test_it_ends_idle_and_old_sessions(world, login, monkeypatch, idle_minutes, hours_since_login, signed_out):
    client = login(world.social_worker)
    start = time.time()
    monkeypatch.setattr(middleware.time, "time", lambda: start)
    client.get(reverse("cases:home"))
    session = client.session
    session["casebridge.login_at"] = start - hours_since_login * 3600 + idle_minutes * 60
    session.save()
    monkeypatch.setattr(middleware.time, "time", lambda: start + idle_minutes * 60)
    response = client.get(reverse("cases:home"))
    assert (response.status_code == 302) == signed_out
    if signed_out:
        assert response["Location"].startswith(reverse("account_login"))
        assert client.get(reverse("cases:home")).status_code == 302


def test_it_sends_the_admin_login_through_the_second_factor(world, client):
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_code_used_once_is_refused_with_the_reason(world, client):
    from django.test import Client

    if time.time() % 30 > 27:  # keep both sign-ins inside one code's window
        time.sleep(30 - time.time() % 30 + 0.2)
    code = _code(world.totp_secrets["social_worker"])
    client.post(reverse("account_login"), {"login": "social_worker", "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    second = Client()
    second.post(reverse("account_login"), {"login": "social_worker", "password": PASSWORD})
    response = second.post(reverse("mfa_authenticate"), {"code": code})
    body = response.content.decode()
    assert response.status_code == 200
    assert "This code has already been used to sign in" in body and "Incorrect code." not in body
    assert second.get(reverse("cases:home")).status_code == 302  # still not signed in


def test_once_the_attempts_are_used_up_no_code_is_told_apart(world, client):
    """The reused-code message must not tell a guesser with the password which code is right."""
    if time.time() % 30 > 20:
        time.sleep(30 - time.time() % 30 + 0.2)
    client.post(reverse("account_login"), {"login": "social_worker", "password": PASSWORD})
    right = _code(world.totp_secrets["social_worker"])
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(8):
        last = client.post(reverse("mfa_authenticate"), {"code": wrong}).content.decode()
    assert "Too many failed" in last
    body = client.post(reverse("mfa_authenticate"), {"code": right}).content.decode()
    assert "already been used" not in body
    assert client.get(reverse("cases:home")).status_code == 302
