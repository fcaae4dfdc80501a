"""Errors that actions raise. Views turn them into 403/409 pages and API responses; input that
breaks a rule raises Django's ValidationError (400) with the field it concerns."""

from __future__ import annotations

from typing import Any


class ActionError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(ActionError):
    """The user reaches the object but may not do this to it."""

    status = 403
    code = "not_allowed"


class NotFound(ActionError):
    """The object is not there for this user (as a 404: it does not say whether it exists)."""

    status = 404
    code = "not_found"


class Conflict(ActionError):
    """The change conflicts with the current state (a second submit, a duplicate)."""

    status = 409
    code = "conflict"


class ConsentRequired(Conflict):
    """The survivor has not given the consent this action needs."""

    code = "consent_required"


def checked_text(errors: dict[str, Any], name: str, value: str | None, limit: int, *, required: bool = False) -> str:
    """``value`` stripped; a required one missing, or one longer than ``limit``, noted in ``errors``."""
    from django.utils.translation import gettext as _

    value = (value or "").strip()
    if required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("At most %(count)s characters.") % {"count": limit}
    return value


def raise_errors(errors: dict[str, Any]) -> None:
    """Everything wrong with the input at once, before anything is written."""
    from django.core.exceptions import ValidationError

    if errors:
        raise ValidationError(errors)
