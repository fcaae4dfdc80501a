"""PDFs drawn from a template by WeasyPrint: Khmer shaped by Pango with the Khmer OS fonts, and
nothing fetched from elsewhere (a URL in a name or a title is never followed)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: Pango loads once, when a PDF is made

    return HTML(string=render_to_string(template, context), url_fetcher=_fetch_nothing).write_pdf()


def _fetch_nothing(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"not fetched: {url[:40]}")
