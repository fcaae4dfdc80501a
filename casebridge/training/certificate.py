"""A participant's certificate as a PDF, in Khmer and English on one page (WeasyPrint; Khmer
shaped by Pango with the Khmer OS fonts)."""

from __future__ import annotations

from casebridge.lib.pdf import render_pdf
from casebridge.training.models import Participant


def certificate_pdf(participant: Participant) -> bytes:
    event = participant.event
    return render_pdf(
        "training/certificate.html",
        {
            "participant": participant,
            "event": event,
            "agency": event.agency,
            "topics": [t.topic for t in event.topics.all()],
            "reference": f"{event.starts_on:%Y}-{str(event.pk)[:8].upper()}-{participant.number:04d}",
        },
    )
