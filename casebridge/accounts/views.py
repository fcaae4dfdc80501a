"""The language switch (Django's, remembering the choice on the account for e-mails) and the
user's own settings page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from casebridge.accounts.actions import do_save_settings
from casebridge.accounts.forms import SettingsForm
from casebridge.lib.views import AuthedRequest
from casebridge.notifications.actions import email_choices
from casebridge.notifications.models import ALWAYS_EMAILED, Kind


def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = getattr(request, "user", None)
    if (
        request.method == "POST"
        and user is not None
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.language != language  # type: ignore[union-attr]
    ):
        user.language = language  # type: ignore[union-attr]
        user.save(update_fields=["language"])  # type: ignore[union-attr]
    return response


@login_required
def user_settings(request: AuthedRequest) -> HttpResponse:
    """The user's own settings: language, time zone, and which notifications come by e-mail."""
    user = request.user
    chosen = email_choices(user)
    kinds = [(kind, str(Kind(kind).label)) for kind in chosen if kind not in ALWAYS_EMAILED]
    always = [str(Kind(kind).label) for kind in chosen if kind in ALWAYS_EMAILED]
    initial = {
        "language": user.language or get_language(),
        "time_zone": user.time_zone,
        "spoken_languages": user.spoken_languages,
        "emails": [kind for kind, wanted in chosen.items() if wanted],
    }
    form = SettingsForm(request.POST or None, initial=initial, kinds=kinds, always=always)
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data.get("emails", []))
        do_save_settings(
            user,
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
            emails={kind: kind in wanted for kind, _label in kinds},
            spoken_languages=form.cleaned_data["spoken_languages"],
        )
        response = redirect("accounts:settings")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax")
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your settings are saved."))
        return response
    return render(request, "account/settings.html", {"form": form}, status=400 if form.errors else 200)
