"""PDFs drawn from a template by WeasyPrint: Khmer shaped by Pango with the Khmer OS fonts, and
nothing fetched from elsewhere (a URL in a name or a title is never followed)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    return html_pdf(render_to_string(template, context))


def html_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: Pango loads once, when a PDF is made
    from weasyprint.urls import URLFetcher

    class FetchNothing(URLFetcher):  # type: ignore[misc]
        """Refuses every URL: the document is drawn from what the template holds, nothing else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"not fetched: {url[:40]}")

    return HTML(string=html, url_fetcher=FetchNothing()).write_pdf()
