"""API errors: one shape for all of them, ``{"detail": ..., "code": ..., "errors": {...}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from casebridge.lib.errors import ActionError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ActionError):
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(
            {"detail": _("The request has errors; nothing was saved."), "code": "invalid", "errors": errors},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("The request has errors; nothing was saved."),
            "code": "invalid",
            "errors": response.data if isinstance(response.data, dict) else {"non_field_errors": response.data},
        }
    elif isinstance(exc, exceptions.APIException) and isinstance(response.data, dict):
        response.data.setdefault("code", exc.get_codes() if isinstance(exc.get_codes(), str) else "error")
    return response
