from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from casebridge.lib import crypto

_TOTP_AAD = b"allauth.mfa|secret"


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by administrators, never by sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *args: Any, app: str = "", **kwargs: Any) -> bool:
        """Setting up the second factor comes straight after the password, and a second
        authenticator can never be added, so asking for the password again adds nothing."""
        if app == "allauth.mfa":
            return False
        return bool(super().is_reauthentication_required(*args, app=app, **kwargs))

    def add_message(self, *args: Any, **kwargs: Any) -> None:
        """allauth's own notices ("Successfully signed in as...") are not translated into Khmer
        or Vietnamese; our pages say what matters themselves."""


class MFAAdapter(DefaultMFAAdapter):
    """Second factors are required for everyone and their secrets are stored encrypted."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text.encode("utf-8"), _TOTP_AAD)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text, _TOTP_AAD).decode("utf-8")

    def can_delete_authenticator(self, authenticator: Any) -> bool:
        return False
