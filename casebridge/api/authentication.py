from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from casebridge.api.models import ApiToken
from casebridge.lib.compiled import Compiled, Slot

if TYPE_CHECKING:
    from casebridge.accounts.models import User


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_token(user: User) -> str:
    """Create a token for ``user`` and return its key; only the digest is stored."""
    key = secrets.token_urlsafe(32)
    expires_at = timezone.now() + settings.API_TOKEN_LIFETIME
    ApiToken.objects.create(user=user, digest=_digest(key), prefix=key[:8], expires_at=expires_at)
    return key


# How stale ``last_used_at`` may be: it says whether a token is in use, not each use (the audit
# trail has those).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _note_use(token: ApiToken) -> None:
    """Record that the token was used, at most once a minute, after the request has committed:
    concurrent requests with one token must not queue on its row."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return

    def note() -> None:
        ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gte=now - LAST_USED_RESOLUTION).update(
            last_used_at=now
        )

    transaction.on_commit(note)


def _build_token(shape: None) -> QuerySet[ApiToken]:
    factor = Authenticator.objects.filter(user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP)
    found = ApiToken.objects.select_related("user").annotate(has_factor=Exists(factor))
    return found.filter(digest=Slot("digest", models.CharField()))[:1]


# On every request: compiled once (lib.compiled).
_token: Compiled[ApiToken] = Compiled(_build_token)


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>``."""

    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        # One indexed row by its digest; whether it may be used is decided here, in Python.
        token: ApiToken | None = next(iter(_token(digest=_digest(key))), None)
        if (
            token is None
            or token.revoked_at is not None
            or not token.user.is_active
            or (token.expires_at is not None and token.expires_at <= timezone.now())
        ):
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        # The session path enforces the second factor in middleware, before DRF has read the
        # token; a token is only as good as its owner's sign-in, so it is checked here too.
        if not token.has_factor:  # type: ignore[attr-defined]
            raise exceptions.PermissionDenied(_("Set up a second factor before using the API."))
        _note_use(token)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]
        target_class = "casebridge.api.authentication.TokenAuthentication"
        name = "tokenAuth"

        def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
            return {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": 'Send "Token <key>"; `manage.py create_api_token <username>` makes a key.',
            }
except ImportError:  # pragma: no cover - drf-spectacular is always installed
    pass
