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


# Found by an independent review: another agency on her legal case learned, from her sessions,
# which agency (her shelter) prepared her and the hearing she was accompanied to.
def test_a_reader_learns_neither_an_agency_nor_a_hearing_they_may_not_know(world, login):
    from casebridge.agencies.models import Role
    from casebridge.cases import sections as sec
    from casebridge.cases.models import TeamMember
    from casebridge.cases.sections import Section
    from casebridge.lib.testing import make_user, share_consent

    testimony_consent(world)
    share_consent(world, "OTH")
    other, _ = make_user("oth_lawyer", world.agencies["OTH"], Role.LAWYER)
    TeamMember.objects.create(
        case=world.case,
        agency=world.agencies["OTH"],
        sections=sec.to_mask([Section.LEGAL]),
        added_by=world.social_worker,
    )
    url = f"/api/v1/cases/{world.case.pk}/testimony/"
    body = {"kind": "preparation", "on": timezone.localdate().isoformat(), "staff": "Shelter mother Dany"}
    assert login(world.shelter_caseworker).post(url, body, content_type=J).status_code == 201
    seen = login(other).get(url).json()[0]
    assert seen["agency"] is None and seen["staff"] is None
    page = login(other).get(f"/cases/{world.case.pk}/testimony/").content.decode()
    assert "Safe Haven" not in page and "Dany" not in page and "another agency" in page
    assert login(world.social_worker).get(url).json()[0]["agency"] == "SHS"  # the lead's case staff know


def test_small_counts_of_time_in_court_are_withheld(world, login):
    lawyer = login(world.lawyer)
    made = lawyer.post(
        "/api/v1/legal/proceedings/",
        {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": timezone.localdate().isoformat()},
        content_type=J,
    )
    pk = made.json()["id"]
    today = timezone.localdate().isoformat()
    lawyer.post(f"/api/v1/legal/proceedings/{pk}/stage/", {"closed_as": "settled", "on": today}, content_type=J)
    figures = login(world.manager).get("/api/v1/legal/stage-durations/").json()
    assert all(c["proceedings"] in (0, None) for c in figures["closures"])
    assert next(c for c in figures["closures"] if c["closed_as"] == "settled")["proceedings"] is None
    from casebridge.agencies.models import Role
    from casebridge.lib.testing import make_user

    shelter_manager, _ = make_user("shs_manager", world.agencies["SHS"], Role.PROGRAMME_MANAGER)
    assert login(shelter_manager).get("/api/v1/legal/stage-durations/").status_code == 404
