"""Session limits and the second-factor requirement."""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

_LOGIN_AT = "casebridge.login_at"
_SEEN_AT = "casebridge.seen_at"


class SessionLimitsMiddleware:
    """Signs a user out after 30 idle minutes, and 12 hours after sign-in whatever happens."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            login_at = request.session.setdefault(_LOGIN_AT, now)
            seen_at = request.session.get(_SEEN_AT, now)
            idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            expired = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or expired:
                logout(request)
                message = (
                    _("You were signed out after 30 minutes without activity.")
                    if idle
                    else _("You were signed out: a session lasts at most 12 hours.")
                )
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": message, "code": "session_expired"}, status=401)
                messages.info(request, message)
                return redirect(f"{reverse('account_login')}?next={request.path}")
            request.session[_SEEN_AT] = now
        return self.get_response(request)


class TimeZoneMiddleware:
    """Times shown in the signed-in user's time zone, or the deployment's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = getattr(request.user, "time_zone", "") if request.user.is_authenticated else ""
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class RequireMFAMiddleware:
    """A signed-in user without a second factor can only set one up (or sign out)."""

    _allowed_prefixes = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/i18n/", "/static/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(self._allowed_prefixes) and not is_mfa_enabled(user):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Set up a second factor before using the API."), "code": "mfa_required"},
                    status=403,
                )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing casebridge answers may be kept by a browser or a proxy: a page, an htmx fragment
    or an API answer about a survivor must not survive in a shared phone's cache or a proxy's.
    (Static files are answered before this runs and cache as usual.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        return response
