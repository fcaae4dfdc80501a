"""Helpers the compartments share (investigations, legal): a record reached only through its
model's ``visible_to``, and the pseudonymous references their records carry on a survivor's case."""

from __future__ import annotations

import secrets
from typing import Any
from uuid import UUID

from django.http import Http404

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def get_visible(user: Any, model: type[Any], pk: object) -> Any:
    """The record of ``model`` with this id if the user reaches it; 404 whether it is missing or
    out of reach (also for an id that is not one)."""
    try:
        key = UUID(str(pk))
    except ValueError:
        raise Http404 from None
    found = model.objects.visible_to(user).filter(pk=key).first()
    if found is None:
        raise Http404
    return found


def new_reference(prefix: str) -> str:
    """``prefix`` and eight random characters: it says nothing of the people behind it."""
    return f"{prefix}-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))
