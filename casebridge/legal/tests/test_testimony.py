"""Her testimony on her case: preparation only while her consent to take part is current, her
accompaniment only to a hearing she attended, readiness notes read only by the recording agency,
the court panel counting her sessions, and 404 for those who work neither on her care plan nor her
legal case."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from casebridge.legal.models import Attendance, Hearing
from casebridge.legal.models import TestimonySession as Session
from casebridge.legal.tests.helpers import testimony_consent

J = "application/json"


def test_she_is_prepared_only_with_her_consent_and_her_notes_stay_with_the_agency(world, login):
    url = f"/api/v1/cases/{world.case.pk}/testimony/"
    today = timezone.localdate().isoformat()
    body = {
        "kind": "preparation",
        "on": today,
        "staff": "Srey Mom (social worker), Dara (lawyer)",
        "readiness": "Ready; afraid of the courtroom.",
    }
    worker = login(world.social_worker)
    refused = worker.post(url, body, content_type=J)
    assert refused.status_code == 400 and "consent" in refused.json()["errors"]["kind"][0]
    testimony_consent(world)
    made = worker.post(url, body, content_type=J)
    assert made.status_code == 201, made.content
    assert made.json()["readiness"] == body["readiness"]
    listed = login(world.lawyer).get(url)  # the lawyer works on her legal case: same agency here (JPC)
    assert listed.status_code == 200 and listed.json()[0]["staff"].startswith("Srey Mom")
    page = login(world.social_worker).get(f"/cases/{world.case.pk}/testimony/").content.decode()
    assert "Ready; afraid of the courtroom." in page
    case_page = login(world.social_worker).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Prepared to testify: 1 sessions" in case_page
    for persona in ("nurse", "outsider", "police"):
        client = login(world.users[persona])
        assert client.get(url).status_code == 404, persona
        assert client.post(url, body, content_type=J).status_code == 404, persona
        assert client.get(f"/cases/{world.case.pk}/testimony/").status_code == 404, persona
    assert Session.objects.count() == 1


def test_the_readiness_notes_are_withheld_from_another_agency(world, login):
    testimony_consent(world)
    url = f"/api/v1/cases/{world.case.pk}/testimony/"
    body = {"kind": "preparation", "on": timezone.localdate().isoformat(), "staff": "JPC", "readiness": "Private"}
    assert login(world.social_worker).post(url, body, content_type=J).status_code == 201
    shelter = login(world.shelter_caseworker).get(url)  # the shelter works on her care plan
    assert shelter.status_code == 200 and shelter.json()[0]["readiness"] is None
    page = login(world.shelter_caseworker).get(f"/cases/{world.case.pk}/testimony/").content.decode()
    assert "JPC" in page and "Private" not in page


def test_she_is_accompanied_only_to_a_hearing_she_attended(world, login):
    testimony_consent(world)
    lawyer = login(world.lawyer)
    opened = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    pk = lawyer.post(
        "/api/v1/legal/proceedings/",
        {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": opened},
        content_type=J,
    ).json()["id"]
    at = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    hearing = lawyer.post(
        f"/api/v1/legal/proceedings/{pk}/hearings/",
        {"at": at, "court": "Phnom Penh court", "kind": "trial"},
        content_type=J,
    ).json()["id"]
    lawyer.post(
        f"/api/v1/legal/proceedings/{pk}/hearings/{hearing}/survivors/",
        {"case": str(world.case.pk), "granted": ["video"]},
        content_type=J,
    )
    url = f"/api/v1/cases/{world.case.pk}/testimony/"
    body = {
        "kind": "accompaniment",
        "on": timezone.localdate().isoformat(),
        "staff": "Srey Mom",
        "attendance_hearing": hearing,
    }
    worker = login(world.social_worker)
    assert worker.post(url, body, content_type=J).status_code == 400  # still to come
    Hearing.objects.filter(pk=hearing).update(at=timezone.now() - datetime.timedelta(hours=3))
    made = worker.post(url, body, content_type=J, HTTP_IDEMPOTENCY_KEY="acc-1")
    assert made.status_code == 201, made.content
    assert made.json()["court"] == "Phnom Penh court"
    assert worker.post(url, body, content_type=J, HTTP_IDEMPOTENCY_KEY="acc-1").json()["id"] == made.json()["id"]
    assert Session.objects.get().attendance == Attendance.objects.get()
    form = {
        "kind": "accompaniment",
        "on": timezone.localdate().isoformat(),
        "staff": "Srey Mom",
        "attendance": str(Attendance.objects.get().pk),
        "submission": str(uuid.uuid4()),
    }
    assert worker.post(f"/cases/{world.case.pk}/testimony/", form).status_code == 302
    assert Session.objects.count() == 2
