from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.utils.translation import gettext as _


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, saying plainly when the account is locked."""

    def clean(self) -> dict[str, Any]:
        credentials = {"username": str(self.data.get("login", ""))}
        if AxesProxyHandler.is_locked(self.request, credentials):
            raise forms.ValidationError(
                _("Too many failed sign-in attempts. Wait 30 minutes or ask your administrator to unlock the account.")
            )
        return super().clean()  # type: ignore[no-any-return]
