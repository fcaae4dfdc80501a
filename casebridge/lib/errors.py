"""Errors that actions raise. Views turn them into 403/409 pages and API responses; input that
breaks a rule raises Django's ValidationError (400) with the field it concerns."""

from __future__ import annotations


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
