"""The court bundle for a hearing: a PDF in Khmer or English of the parts the lawyer chooses, its
making audited as an export; bad parameters refused; 404 for anyone outside the compartment."""

from __future__ import annotations

import datetime

from django.utils import timezone
from pypdf import PdfReader

from casebridge.audit.models import AuditEvent

J = "application/json"
URL = "/api/v1/legal/proceedings/"


def _hearing(world, client):  # type: ignore[no-untyped-def]
    opened = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    pk = client.post(URL, {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": opened}, content_type=J).json()[
        "id"
    ]
    client.post(f"{URL}{pk}/defendants/", {"name": "Mr Fictional Defendant"}, content_type=J)
    client.post(
        f"{URL}{pk}/evidence/",
        {
            "kind": "document",
            "description": "Bar ledger",
            "collected_by": "AHTJP",
            "collected_on": opened,
            "location": "JPC safe",
        },
        content_type=J,
    )
    at = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    hearing = client.post(
        f"{URL}{pk}/hearings/", {"at": at, "court": "Phnom Penh court", "kind": "trial"}, content_type=J
    )
    return pk, hearing.json()["id"]


def _text(content: bytes) -> str:
    import io

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_lawyer_makes_the_bundle_of_the_parts_chosen(world, login):
    lawyer = login(world.lawyer)
    pk, hearing = _hearing(world, lawyer)
    url = f"{URL}{pk}/hearings/{hearing}/bundle/"
    made = lawyer.get(url, {"language": "en", "parts": "evidence"})
    assert made.status_code == 200 and made["Content-Type"] == "application/pdf"
    text = _text(made.content)
    assert "Court bundle" in text and "Bar ledger" in text and "Mr Fictional Defendant" not in text
    full = _text(lawyer.get(url, {"language": "en"}).content)
    assert "Mr Fictional Defendant" in full
    assert lawyer.get(url, {"language": "km"}).status_code == 200
    assert AuditEvent.objects.filter(action="export", object_type="legal_evidence").count() == 3
    assert lawyer.get(url, {"language": "fr"}).status_code == 400
    assert lawyer.get(url, {"parts": "everything"}).status_code == 400
    page = lawyer.get(f"/legal/{pk}/hearings/{hearing}/bundle/", {"language": "en", "parts": ["summary"]})
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    for persona in ("social_worker", "shelter_caseworker", "nurse", "police", "outsider"):
        client = login(world.users[persona])
        assert client.get(url).status_code == 404, persona
        assert client.get(f"/legal/{pk}/hearings/{hearing}/bundle/").status_code == 404, persona
