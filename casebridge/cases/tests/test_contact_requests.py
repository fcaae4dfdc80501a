"""Intake warns of people already known: possible matches the user may see, "a record may exist
elsewhere" for those they may not, the contact request, and "this is a different person"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.audit.models import AuditEvent
from casebridge.cases.models import Case, ContactRequest, EventKind, TimelineEvent
from casebridge.notifications.models import Notification

SREY_POV = {
    "family_name_latin": "Sok",
    "given_name_latin": "Sreypov",
    "estimated_age": "15",
    "age_method": "appearance",
    "gender": "Feminine",
}


def _intake(world, user, **extra):
    agency = next(m.agency for m in user.active_memberships())
    return {
        "agency": agency.pk,
        "province": "KH-12",
        "opened_on": timezone.localdate().isoformat(),
        **SREY_POV,
        **extra,
    }


def _submission(client):
    body = client.get(reverse("cases:new")).content.decode()
    return body.split('name="submission" value="', 1)[1].split('"', 1)[0]


def test_intake_shows_the_people_she_may_be_and_registers_only_when_told_she_is_not(world, login):
    client = login(world.social_worker)
    data = _intake(world, world.social_worker, submission=_submission(client))
    response = client.post(reverse("cases:new"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "She may already be known" in body
    assert world.case.number in body and "15 years old" in body and "A record may exist elsewhere" not in body
    assert Case.objects.count() == 1  # nothing registered yet
    assert AuditEvent.objects.filter(action="search", case_id=world.case.pk).exists()
    response = client.post(reverse("cases:new"), {**data, "match-different_person": "on"})
    assert response.status_code == 302
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert TimelineEvent.objects.filter(case=case, kind=EventKind.DIFFERENT_PERSON).exists()


def test_a_name_nobody_has_registers_at_once(world, login):
    client = login(world.social_worker)
    data = _intake(world, world.social_worker, submission=_submission(client), given_name_latin="Bopha")
    data["family_name_latin"] = "Vong"
    assert client.post(reverse("cases:new"), data).status_code == 302
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert not TimelineEvent.objects.filter(case=case, kind=EventKind.DIFFERENT_PERSON).exists()


def test_a_record_elsewhere_is_told_without_its_agency_and_a_request_reaches_its_lead(world, login):
    worker = world.gov_social_worker
    assert not Case.objects.visible_to(worker).filter(pk=world.case.pk).exists()
    client = login(worker)
    data = _intake(world, worker, submission=_submission(client))
    body = client.post(reverse("cases:new"), data).content.decode()
    assert "A record may exist elsewhere" in body
    for secret in (world.case.number, "JPC", world.case.lead_agency.name, "Srey Pov", "Sok Srey"):
        assert secret not in body

    # A reason is needed; then the request goes to the lead agency's case staff.
    short = client.post(reverse("cases:new"), {**data, "request_contact": "1", "match-contact_reason": "short"})
    assert short.status_code == 400 and "at least 20 characters" in short.content.decode()
    assert ContactRequest.objects.count() == 0
    reason = "Girl met at the border post tonight; says she was in a shelter before."
    sent = client.post(reverse("cases:new"), {**data, "request_contact": "1", "match-contact_reason": reason})
    assert sent.status_code == 200 and "Your contact request was sent" in sent.content.decode()
    assert world.case.number not in sent.content.decode()
    request = ContactRequest.objects.get()
    assert request.case_id == world.case.pk and request.requester_id == worker.pk
    assert Notification.objects.filter(recipient=world.social_worker, kind="contact_request").exists()
    assert AuditEvent.objects.filter(action="contact_request", case_id=world.case.pk, actor=worker).exists()
    assert TimelineEvent.objects.filter(case=world.case, kind=EventKind.CONTACT_REQUESTED).exists()
    # In the case's access log for its lead agency, and on the privacy officer's list.
    log = login(world.social_worker).get(reverse("audit:access_log", args=[world.case.pk])).content.decode()
    assert worker.get_username() in log
    officer = login(world.privacy_officer).get(reverse("cases:contact_requests")).content.decode()
    assert reason in officer and world.case.number in officer and "Send the answer" not in officer

    # The lead agency's case staff answer; the requester learns the answer only.
    staff = login(world.social_worker)
    page = staff.get(reverse("cases:contact_requests")).content.decode()
    assert reason in page and worker.get_username() in page and "Send the answer" in page
    staff.post(reverse("cases:contact_answer", args=[request.pk]), {"answer": "will_contact", "note": "Call us."})
    request.refresh_from_db()
    assert request.answer == "will_contact" and request.answered_by_id == world.social_worker.pk
    mine = login(worker).get(reverse("cases:contact_requests")).content.decode()
    assert "they will contact you" in mine and world.case.number not in mine and "JPC" not in mine
    note = Notification.objects.get(recipient=worker, kind="contact_answered")
    assert "JPC" not in note.message() and world.case.number not in note.message()
    # Answered once.
    again = login(world.social_worker).post(reverse("cases:contact_answer", args=[request.pk]), {"answer": "declined"})
    assert again.status_code == 409


def test_an_outsider_cannot_see_or_answer_a_request(world, login):
    request = _request(world)
    for user in (world.outsider, world.shelter_caseworker, world.police):
        client = login(user)
        assert request.reason not in client.get(reverse("cases:contact_requests")).content.decode()
        response = client.post(reverse("cases:contact_answer", args=[request.pk]), {"answer": "declined"})
        assert response.status_code == 404
    request.refresh_from_db()
    assert request.answered_at is None


def test_contact_requests_are_limited_per_day(world, login, settings):
    settings.CONTACT_REQUESTS_PER_DAY = 1
    _request(world)
    client = login(world.gov_social_worker)
    data = _intake(world, world.gov_social_worker, submission=_submission(client))
    reason = "A second try at asking about the same girl, to see who has her."
    response = client.post(reverse("cases:new"), {**data, "request_contact": "1", "match-contact_reason": reason})
    assert response.status_code == 403 and "1 contact requests in the last 24 hours" in response.content.decode()
    assert ContactRequest.objects.count() == 1
    assert AuditEvent.objects.filter(action="contact_request", reason__startswith="refused").exists()


def _request(world):
    from casebridge.cases.actions import do_request_contact
    from casebridge.people.actions import clean_identity

    worker = world.gov_social_worker
    identity = clean_identity({**SREY_POV, "estimated_age": 15})
    agency = next(m.agency for m in worker.active_memberships())
    do_request_contact(
        actor=worker, agency=agency, identity=identity, reason="Met at the border tonight, asks for help."
    )
    return ContactRequest.objects.get()


@pytest.mark.parametrize("age", [25, None])
def test_a_name_alone_of_another_age_is_not_a_record_elsewhere(world, age):
    from casebridge.people.actions import clean_identity, matches_elsewhere

    identity = clean_identity({**SREY_POV, "estimated_age": age, "gender": "Masculine" if age is None else "Feminine"})
    assert matches_elsewhere(world.gov_social_worker, identity) == []
    assert matches_elsewhere(world.gov_social_worker, clean_identity({**SREY_POV, "estimated_age": 16})) == [world.case]


def test_a_record_elsewhere_is_found_among_more_people_of_her_name_than_a_search_ranks(world):
    """Others of her name, of another age, come first in the index: the check still reaches her."""
    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity, do_register_person, matches_elsewhere
    from casebridge.people.search import CANDIDATES

    for _ in range(CANDIDATES + 10):
        identity = clean_identity({**SREY_POV, "estimated_age": 40})
        do_register_person(actor=world.social_worker, agency=world.agencies["JPC"], kind="survivor", identity=identity)
    case = do_open_case(
        actor=world.social_worker,
        agency=world.agencies["JPC"],
        identity=clean_identity({**SREY_POV, "estimated_age": 15}),
        province="KH-12",
        opened_on=timezone.localdate(),
    )
    found = matches_elsewhere(world.gov_social_worker, clean_identity({**SREY_POV, "estimated_age": 16}))
    assert found is not None and case in found


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


SURVIVOR = {k: v for k, v in SREY_POV.items()} | {"estimated_age": 15}


def test_the_api_warns_at_intake_and_registers_a_different_person_when_told(world):
    api = _api(world.social_worker)
    found = api.post("/api/v1/cases/possible-people/", {"survivor": SURVIVOR}, format="json").json()
    assert [p["id"] for p in found["people"]] == [str(world.case.survivor_id)]
    assert found["people"][0]["cases"] == [str(world.case.pk)] and found["elsewhere"] is False
    body = {"province": "KH-12", "survivor": SURVIVOR}
    refused = api.post("/api/v1/cases/", body, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "possible_existing_people"
    assert refused.json()["people"][0]["id"] == str(world.case.survivor_id)
    assert Case.objects.count() == 1
    made = api.post("/api/v1/cases/", {**body, "different_person": True}, format="json")
    assert made.status_code == 201
    assert TimelineEvent.objects.filter(case_id=made.json()["id"], kind=EventKind.DIFFERENT_PERSON).exists()


def test_the_api_sends_and_answers_a_contact_request_without_saying_where(world):
    worker = _api(world.gov_social_worker)
    found = worker.post("/api/v1/cases/possible-people/", {"survivor": SURVIVOR}, format="json").json()
    assert found == {"people": [], "elsewhere": True}
    bad = worker.post("/api/v1/contact-requests/", {"survivor": SURVIVOR, "reason": "short"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    reason = "Met at the border post tonight; she says a shelter cared for her before."
    sent = worker.post("/api/v1/contact-requests/", {"survivor": SURVIVOR, "reason": reason}, format="json")
    assert sent.status_code == 201 and sent.json()["status"] == "waiting"
    assert set(sent.json()) == {"id", "created_at", "reason", "status"}
    listed = worker.get("/api/v1/contact-requests/").json()
    assert listed["received"] == [] and listed["sent"][0]["id"] == sent.json()["id"]
    assert world.case.number not in str(listed) and "JPC" not in str(listed)

    lead = _api(world.social_worker)
    received = lead.get("/api/v1/contact-requests/").json()["received"]
    assert received[0]["case"] == str(world.case.pk) and received[0]["requester"] == "gov_social_worker"
    request_id = received[0]["id"]
    for outsider in (world.outsider, world.shelter_caseworker):
        response = _api(outsider).post(f"/api/v1/contact-requests/{request_id}/answer/", {"answer": "declined"})
        assert response.status_code == 404
    officer = _api(world.privacy_officer)
    assert officer.get("/api/v1/contact-requests/").json()["received"][0]["id"] == request_id
    assert officer.post(f"/api/v1/contact-requests/{request_id}/answer/", {"answer": "declined"}).status_code == 403
    answered = lead.post(f"/api/v1/contact-requests/{request_id}/answer/", {"answer": "declined", "note": ""})
    assert answered.status_code == 200 and answered.json()["answer"] == "declined"
    assert worker.get("/api/v1/contact-requests/").json()["sent"][0]["status"] == "declined"
    assert lead.post(f"/api/v1/contact-requests/{request_id}/answer/", {"answer": "declined"}).status_code == 409


def test_only_who_registers_survivors_may_ask_whether_she_is_known(world):
    for user in (world.admin, world.manager, world.trainer):
        response = _api(user).post("/api/v1/cases/possible-people/", {"survivor": SURVIVOR}, format="json")
        assert response.status_code == 403 and "elsewhere" not in response.json()
        assert (
            _api(user).post("/api/v1/cases/", {"province": "KH-12", "survivor": SURVIVOR}, format="json").status_code
            == 403
        )
    from casebridge.people.actions import clean_identity, matches_elsewhere

    assert matches_elsewhere(world.admin, clean_identity(SURVIVOR)) is None


def test_the_409_keeps_the_audit_of_what_it_told(world):
    before = AuditEvent.objects.filter(case_id=world.case.pk).count()
    refused = _api(world.gov_social_worker).post(
        "/api/v1/cases/", {"province": "KH-12", "survivor": SURVIVOR}, format="json"
    )
    assert refused.status_code == 409 and refused.json()["elsewhere"] is True and refused.json()["people"] == []
    logged = AuditEvent.objects.filter(case_id=world.case.pk, actor=world.gov_social_worker, via="intake_check")
    assert logged.count() == 1 and AuditEvent.objects.filter(case_id=world.case.pk).count() == before + 1


def test_checks_of_records_elsewhere_stop_at_the_daily_limit(world, login, settings):
    settings.INTAKE_CHECKS_PER_DAY = 2
    api = _api(world.gov_social_worker)
    answers = [
        api.post("/api/v1/cases/possible-people/", {"survivor": SURVIVOR}, format="json").json() for _ in range(3)
    ]
    assert [a["elsewhere"] for a in answers] == [True, True, None]
    client = login(world.gov_social_worker)
    body = client.post(reverse("cases:new"), _intake(world, world.gov_social_worker, submission=_submission(client)))
    assert "not checked" in body.content.decode() or body.status_code == 302


def test_one_request_to_several_cases_counts_and_answers_as_one(world, login, settings):
    from casebridge.cases.actions import do_answer_contact, do_open_case, do_request_contact
    from casebridge.people.actions import clean_identity

    settings.CONTACT_REQUESTS_PER_DAY = 2
    # A second agency's record of a girl with the same name and age.
    hac = world.agencies["HAC"]
    second = do_open_case(
        actor=world.assessment_worker, agency=hac, identity=clean_identity(SURVIVOR), province="KH-12",
        opened_on=timezone.localdate(), different_person=True,
    )  # fmt: skip
    worker = world.gov_social_worker
    agency = next(m.agency for m in worker.active_memberships())
    reason = "Met at the border tonight; she says a shelter cared for her before."
    do_request_contact(actor=worker, agency=agency, identity=clean_identity(SURVIVOR), reason=reason)
    assert ContactRequest.objects.count() == 2  # both cases asked, in one sending
    rows = {r.case_id: r for r in ContactRequest.objects.all()}
    do_answer_contact(rows[world.case.pk], actor=world.social_worker, answer="declined", note="")
    assert not Notification.objects.filter(recipient=worker, kind="contact_answered").exists()
    do_answer_contact(rows[second.pk], actor=world.assessment_worker, answer="declined", note="")
    assert Notification.objects.filter(recipient=worker, kind="contact_answered").count() == 1
    # The second sending is allowed (the limit counts sendings), the third is refused saying 2.
    do_request_contact(actor=worker, agency=agency, identity=clean_identity(SURVIVOR), reason=reason)
    response = _api(worker).post("/api/v1/contact-requests/", {"survivor": SURVIVOR, "reason": reason}, format="json")
    assert response.status_code == 403 and "sent 2 contact requests" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="contact_request", reason__startswith="refused").exists()


def test_an_htmx_search_with_a_bad_filter_says_so(world, login):
    response = login(world.social_worker).post(
        reverse("people:search"), {"q": "Srey Pov", "status": "Lost"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400 and "HX-Push-Url" not in response
