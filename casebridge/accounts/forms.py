from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthMFAAuthenticateForm
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The zones offered on the settings page (the API takes any IANA name): the region's first.
TIME_ZONES = [
    "Asia/Phnom_Penh", "Asia/Ho_Chi_Minh", "Asia/Bangkok", "Asia/Vientiane", "Asia/Yangon",
    "Asia/Kuala_Lumpur", "Asia/Singapore", "Asia/Manila", "Asia/Jakarta", "Asia/Shanghai",
    "Asia/Hong_Kong", "Asia/Seoul", "Asia/Tokyo", "Asia/Kolkata", "Asia/Dubai", "Australia/Sydney",
    "Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles", "UTC",
]  # fmt: skip


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, saying plainly when the account is locked."""

    def clean(self) -> dict[str, Any]:
        credentials = {"username": str(self.data.get("login", ""))}
        if AxesProxyHandler.is_locked(self.request, credentials):
            raise forms.ValidationError(
                _("Too many failed sign-in attempts. Wait 30 minutes or ask your administrator to unlock the account.")
            )
        return super().clean()  # type: ignore[no-any-return]


class SettingsForm(forms.Form):
    """The user's own settings: language, time zone, and which notifications also come by e-mail
    (one checkbox per kind the user's roles receive)."""

    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"))
    spoken_languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages you speak"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("A duty roster looks for someone who speaks the survivor's language."),
    )
    emails = forms.MultipleChoiceField(
        label=gettext_lazy("Also send me an e-mail when"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], always: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = [("", _("The deployment's (%(zone)s)") % {"zone": settings.TIME_ZONE})]
        self.fields["time_zone"].choices = zones + [(zone, zone.replace("_", " ")) for zone in TIME_ZONES]  # type: ignore[attr-defined]
        self.fields["time_zone"].required = False
        from casebridge.cases.forms import COMMON_LANGUAGES

        self.fields["spoken_languages"].choices = COMMON_LANGUAGES  # type: ignore[attr-defined]
        self.fields["emails"].choices = kinds  # type: ignore[attr-defined]
        if always:
            self.fields["emails"].help_text = _("Always e-mailed: %(kinds)s.") % {"kinds": "; ".join(always)}
        if not kinds:
            del self.fields["emails"]


def _code_already_used(user: Any, code: str) -> bool:
    """Whether ``code`` is the user's current code and allauth holds it as used already (so it
    was refused for that, not for being wrong)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
    from allauth.mfa.utils import decrypt
    from django.core.cache import cache

    for auth in Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP):
        used = cache.get(TOTP(auth)._get_used_cache_key(code)) is not None
        if used and validate_totp_code(decrypt(auth.data["secret"]), code):
            return True
    return False


class MFAAuthenticateForm(AllauthMFAAuthenticateForm):
    """The sign-in code, saying why a right code was refused: each code signs in once, so a
    second sign-in within its 30 seconds must wait for the next code. Only a code refused as
    incorrect is looked at again: once the attempts are used up, nothing more is said (it would
    tell a guesser which code is right)."""

    def clean_code(self) -> str:
        try:
            return str(super().clean_code())
        except forms.ValidationError as error:
            code = self.cleaned_data.get("code", "")
            if error.code == "incorrect_code" and _code_already_used(self.user, code):
                raise forms.ValidationError(
                    _("This code has already been used to sign in. Wait for the next code in your authenticator app.")
                ) from None
            raise
