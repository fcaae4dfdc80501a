"""API errors: one shape for all of them, ``{"detail": ..., "code": ..., "errors": {...}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from casebridge.lib.errors import ActionError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ActionError):
        set_rollback()  # an error answer writes nothing, whatever ran before the error
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
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


# Django answers a URL no API route matches (``/api/v1/cases/not-a-uuid/``), and an error raised
# before DRF handles the request, with the site's HTML pages; under /api/ it answers in the API's
# JSON shape instead, the same answer as for an object that does not exist or that you may not see.


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _json_error(exc: exceptions.APIException) -> JsonResponse:
    return JsonResponse({"detail": str(exc.detail), "code": exc.default_code}, status=exc.status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error(exceptions.ParseError())
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error(exceptions.NotFound())
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json_error(exceptions.APIException())
    return defaults.server_error(request)
