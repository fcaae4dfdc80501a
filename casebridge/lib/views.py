"""Helpers for views: turning action errors into responses the user understands."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from casebridge.lib.errors import ActionError

if TYPE_CHECKING:
    from casebridge.accounts.models import User


class AuthedRequest(HttpRequest):
    """The request type of views behind login_required: the user is signed in."""

    user: User  # type: ignore[assignment]


class SubmissionTokenMixin(forms.Form):
    """A hidden one-time token; see casebridge.api.idempotency.FormSubmission."""

    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4()


def already_sent(request: HttpRequest, link: str | None) -> HttpResponse:
    """409 for a form sent twice: the first submission was saved, this one changes nothing."""
    message = _("This form was already sent; it was saved once.")
    return render(request, "error.html", {"message": message, "link": link}, status=409)


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_errors_text(form: forms.Form) -> str:
    """A form's errors as one message (for a form posted from a page that redirects back)."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def action_error_page(request: HttpRequest, error: ActionError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def page_range(page: Any) -> list[int]:
    start = max(1, page.number - 2)
    end = min(page.paginator.num_pages, page.number + 2)
    return list(range(start, end + 1))
