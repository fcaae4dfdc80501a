"""Counsel granted and revoked by the lead agency's lawyers (only lawyers of other agencies; the
grant opens the proceeding to them and its revocation closes it again); a defendant taken from a
subject of the investigations compartment only by a lawyer its investigators granted it."""

from __future__ import annotations

import uuid

from django.utils import timezone

from casebridge.agencies.models import Role
from casebridge.investigations import actions as investigations
from casebridge.investigations.tests.helpers import build_investigation
from casebridge.legal.models import Counsel, Defendant, Proceeding
from casebridge.lib.testing import make_user

J = "application/json"
URL = "/api/v1/legal/proceedings/"


def _proceeding(world, client):  # type: ignore[no-untyped-def]
    made = client.post(
        URL,
        {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": timezone.localdate().isoformat()},
        content_type=J,
    )
    assert made.status_code == 201, made.content
    return made.json()["id"]


def test_counsel_is_granted_to_another_agencys_lawyer_and_revoked(world, login):
    aid, _ = make_user("legal_aid", world.agencies["OTH"], Role.LAWYER)
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    for who in (world.social_worker.username, world.lawyer.username, "nobody"):
        refused = lawyer.post(f"{URL}{pk}/counsel/", {"user": who}, content_type=J)
        assert refused.status_code == 400 and "user" in refused.json()["errors"], who
    granted = lawyer.post(f"{URL}{pk}/counsel/", {"user": "legal_aid"}, content_type=J)
    assert granted.status_code == 201, granted.content
    assert lawyer.post(f"{URL}{pk}/counsel/", {"user": "legal_aid"}, content_type=J).status_code == 400
    assert login(aid).get(f"{URL}{pk}/").status_code == 200
    assert login(aid).post(f"{URL}{pk}/counsel/", {"user": "legal_aid"}, content_type=J).status_code == 403
    revoked = login(world.lawyer).post(f"{URL}{pk}/counsel/{granted.json()['id']}/revoke/", content_type=J)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert login(aid).get(f"{URL}{pk}/").status_code == 404
    for persona in ("social_worker", "nurse", "outsider"):
        client = login(world.users[persona])
        assert client.get(f"{URL}{pk}/counsel/").status_code == 404, persona
        assert client.post(f"{URL}{pk}/counsel/", {"user": persona}, content_type=J).status_code == 404, persona
    assert Counsel.objects.count() == 1


def test_counsel_from_the_page(world, login):
    make_user("legal_aid", world.agencies["OTH"], Role.LAWYER)
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    page = f"/legal/{pk}/"
    body = {"counsel-user": "legal_aid", "counsel-submission": str(uuid.uuid4())}
    assert lawyer.post(f"{page}counsel/", body).status_code == 302
    counsel = Counsel.objects.get()
    assert "Counsel granted" in lawyer.get(page).content.decode()
    assert lawyer.post(f"{page}revoke/", {"revoke-counsel": str(counsel.pk)}).status_code == 302
    counsel.refresh_from_db()
    assert counsel.revoked_at is not None


def test_a_defendant_is_taken_from_a_subject_the_lawyer_is_granted(world, login):
    found = build_investigation(world)
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    refused = lawyer.post(f"{URL}{pk}/defendants/", {"subject": str(found.subject.pk)}, content_type=J)
    assert refused.status_code == 400 and not Defendant.objects.exists()
    investigations.do_grant(actor=world.ngo_investigator, user=world.lawyer, reason="Proceeding", subject=found.subject)
    added = lawyer.post(f"{URL}{pk}/defendants/", {"subject": str(found.subject.pk)}, content_type=J)
    assert added.status_code == 201, added.content
    assert Defendant.objects.get().subject == found.subject
    assert "subject" not in added.json()  # counsel without the investigations grant read the proceeding too
    assert added.json()["name"] == found.subject.person.display_name()
    again = lawyer.post(f"{URL}{pk}/defendants/", {"subject": str(found.subject.pk)}, content_type=J)
    assert again.status_code == 400
    assert Proceeding.objects.get().defendants.count() == 1
