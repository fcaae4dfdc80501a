"""A whole error page in answer to an htmx request replaces the page, not the fragment."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class HtmxErrorPageMiddleware:
    """htmx swaps a 4xx or 5xx answer (``responseHandling`` in base.html) into its target; when
    the answer is a whole page ("Not possible", "Not found", the CSRF failure page) rather than
    the fragment the form expected, it replaces the page's body, with its title, so the error is
    not squeezed into a timeline or lost."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code >= 400
            and "HX-Retarget" not in response
            and not response.streaming
            and response.content.lstrip()[:15].lower() == b"<!doctype html>"
        ):
            response["HX-Retarget"] = "body"
            response["HX-Reswap"] = "innerHTML"
        return response
