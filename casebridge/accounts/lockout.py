"""django-axes needs the username whichever way it arrives: allauth authenticates with
``credentials["username"]`` while its form posts the field ``login``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def username_for_lockout(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    if credentials and credentials.get("username"):
        return str(credentials["username"]).lower()
    if request is not None and request.method == "POST" and request.POST.get("login"):
        return request.POST["login"].lower()
    return None
