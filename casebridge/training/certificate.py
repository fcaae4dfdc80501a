"""A participant's certificate as a PDF, in Khmer and English on one page (WeasyPrint; Khmer
shaped by Pango with the Khmer OS fonts)."""

from __future__ import annotations

from django.template.loader import render_to_string

from casebridge.training.models import Participant


def certificate_pdf(participant: Participant) -> bytes:
    from weasyprint import HTML  # imported here: Pango loads once, when a certificate is made

    event = participant.event
    html = render_to_string(
        "training/certificate.html",
        {
            "participant": participant,
            "event": event,
            "agency": event.agency,
            "topics": [t.topic for t in event.topics.all()],
            "reference": f"{event.starts_on:%Y}-{str(event.pk)[:8].upper()}-{participant.number:04d}",
        },
    )
    return HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()


def _fetch_nothing(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """The certificate needs nothing from elsewhere; a URL in a name or title is never fetched."""
    raise ValueError(f"not fetched: {url[:40]}")
