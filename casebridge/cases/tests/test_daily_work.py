"""My work (the home page), what tells people of new work on their cases, and the case worker."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.audit.models import AuditEvent
from casebridge.cases.actions import do_add_note, do_add_team_member, do_assign_case_worker, do_open_case
from casebridge.cases.models import Case, TimelineEvent
from casebridge.lib.errors import NotAllowed
from casebridge.lib.testing import run_ready_tasks, share_consent
from casebridge.notifications import due
from casebridge.notifications.models import Kind, Notification
from casebridge.people.actions import clean_identity


def _open(world, actor, name="Dara"):
    return do_open_case(
        actor=actor,
        agency=world.agencies["JPC"],
        identity=clean_identity({"given_name_latin": name}),
        province="KH-12",
        opened_on=timezone.localdate() - datetime.timedelta(days=1),
    )


def _consent(world, case, code):
    share_consent(world, code, case=case)


def test_my_work_lists_the_open_cases_i_am_the_case_worker_of(world, login):
    theirs = _open(world, world.ngo_investigator, "Theara")
    closed = _open(world, world.social_worker, "Closed")
    Case.objects.filter(pk=closed.pk).update(status="Closed", closure_reason="other")
    body = login(world.social_worker).get(reverse("cases:home")).content.decode()
    assert world.case.number in body
    assert "Srey Pov" in body
    assert theirs.number not in body  # the agency's, not mine
    assert closed.number not in body


def test_my_work_records_the_names_it_shows(world, login):
    before = AuditEvent.objects.filter(action="list").count()
    login(world.social_worker).get(reverse("cases:home"))
    event = AuditEvent.objects.filter(action="list").latest("id")
    assert AuditEvent.objects.filter(action="list").count() == before + 1
    assert event.object_id == str(world.case.pk)
    assert event.sections == "identity"


@pytest.mark.parametrize(
    ("persona", "says"),
    [
        ("manager", "As a programme manager"),
        ("trainer", "As a trainer"),
        ("admin", "As an administrator"),
        ("privacy_officer", "As a privacy officer"),
    ],
)
def test_a_role_without_case_content_is_told_what_it_does_here(world, login, persona, says):
    body = login(world.users[persona]).get(reverse("cases:home")).content.decode()
    assert says in body
    assert "No cases to show." not in body
    assert "Srey Pov" not in body


def test_the_case_worker_home_has_no_role_explanations(world, login):
    body = login(world.social_worker).get(reverse("cases:home")).content.decode()
    assert "As a programme manager" not in body
    assert "Cases where you are the case worker" in body


def test_what_is_due_comes_from_the_registered_providers(world, login, monkeypatch):
    monkeypatch.setattr(due, "PROVIDERS", [])

    @due.register
    def hearings(user):
        if user != world.social_worker:
            return []
        return [
            due.DueItem("Later hearing", "/later/", timezone.localdate() + datetime.timedelta(days=9)),
            due.DueItem("Cover tonight's shift", "/now/"),
            due.DueItem("Hearing", "/soon/", timezone.localdate() + datetime.timedelta(days=2), "JPC-1"),
        ]

    body = login(world.social_worker).get(reverse("cases:home")).content.decode()
    assert body.index("Cover tonight") < body.index(">Hearing<") < body.index("Later hearing")
    assert 'title="Due">3</span>' in body  # the header counts them
    other = login(world.lawyer).get(reverse("cases:home")).content.decode()
    assert "Nothing is due." in other


def test_sharing_with_an_agency_tells_its_case_staff(world, login):
    case = _open(world, world.social_worker)
    _consent(world, case, "SHS")
    mail.outbox.clear()
    do_add_team_member(case, actor=world.social_worker, agency=world.agencies["SHS"], sections=["crisis_care"])
    run_ready_tasks()
    note = Notification.objects.get(recipient=world.shelter_caseworker, kind=Kind.SHARED)
    assert note.data == {"number": case.number, "agency": "SHS"}
    assert note.link == reverse("cases:detail", args=[case.pk])
    assert not Notification.objects.filter(kind=Kind.SHARED).exclude(recipient=world.shelter_caseworker).exists()
    body = login(world.shelter_caseworker).get(reverse("cases:home")).content.decode()
    assert f"Case {case.number} was shared with SHS." in body
    assert [m.to for m in mail.outbox] == [[world.shelter_caseworker.email]]
    assert "Dara" not in mail.outbox[0].body and case.number not in mail.outbox[0].body


def test_sharing_with_a_colleague_tells_the_colleague(world):
    case = _open(world, world.social_worker)
    _consent(world, case, "AHTJP")
    do_add_team_member(case, actor=world.social_worker, user=world.police, sections=["investigation"])
    assert Notification.objects.filter(recipient=world.police, kind=Kind.SHARED, case=case).count() == 1


def test_a_partner_note_tells_the_case_worker_and_a_lead_note_does_not(world):
    do_add_note(world.case, actor=world.shelter_caseworker, section="crisis_care", body="Slept well.")
    note = Notification.objects.get(kind=Kind.PARTNER_NOTE)
    assert note.recipient == world.social_worker
    assert "Slept well" not in note.message()
    assert note.message() == f"A partner (Partner caseworker) added a note to case {world.case.number}."
    do_add_note(world.case, actor=world.lawyer, section="legal", body="Filed.")
    assert Notification.objects.filter(kind=Kind.PARTNER_NOTE).count() == 1


def test_lead_staff_give_the_case_to_a_colleague_who_is_told(world, login):
    client = login(world.social_worker)
    response = client.post(reverse("cases:assign", args=[world.case.pk]), {"case_worker": world.lawyer.pk})
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.owner == world.lawyer
    event = TimelineEvent.objects.get(case=world.case, kind="assigned")
    assert event.data == {"name": "lawyer"}
    assert AuditEvent.objects.filter(action="update", object_id=str(world.case.pk), reason="case worker changed")
    told = Notification.objects.get(kind=Kind.ASSIGNED)
    assert told.recipient == world.lawyer
    assert told.message() == f"social_worker made you the case worker of case {world.case.number}."
    page = client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert "Case worker changed" in page


def test_the_case_worker_must_be_the_lead_agencys_case_staff(world, login):
    client = login(world.social_worker)
    for someone in (world.shelter_caseworker, world.manager):
        response = client.post(reverse("cases:assign", args=[world.case.pk]), {"case_worker": someone.pk})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.owner == world.social_worker


def test_a_partner_cannot_change_the_case_worker(world, login):
    response = login(world.shelter_caseworker).post(
        reverse("cases:assign", args=[world.case.pk]), {"case_worker": world.shelter_caseworker.pk}
    )
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        do_assign_case_worker(world.case, actor=world.police, owner=world.lawyer)
    world.case.refresh_from_db()
    assert world.case.owner == world.social_worker


def test_an_outsider_changing_the_case_worker_gets_404(world, login):
    response = login(world.outsider).post(
        reverse("cases:assign", args=[world.case.pk]), {"case_worker": world.outsider.pk}
    )
    assert response.status_code == 404


def test_the_case_page_shows_the_case_worker_to_everyone_and_the_form_to_lead_staff(world, login):
    lead = login(world.social_worker).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert "Change the case worker" in lead
    shelter = login(world.shelter_caseworker).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert "Case worker" in shelter and "social_worker" in shelter
    assert "Change the case worker" not in shelter


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def test_the_api_shows_and_changes_the_case_worker(world):
    url = f"/api/v1/cases/{world.case.pk}/"
    assert _api(world.shelter_caseworker).get(url).json()["case_worker"] == "social_worker"
    response = _api(world.social_worker).patch(url, {"case_worker": "lawyer"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["case_worker"] == "lawyer"
    assert Notification.objects.filter(recipient=world.lawyer, kind=Kind.ASSIGNED).exists()


def test_the_api_refuses_a_case_worker_outside_the_lead_agency_and_changes_nothing(world):
    url = f"/api/v1/cases/{world.case.pk}/"
    for username in ("shelter_caseworker", "nobody", ""):
        response = _api(world.social_worker).patch(
            url, {"case_worker": username, "status": "Closed", "closure_reason": "other"}, format="json"
        )
        assert response.status_code == 400, response.content
        assert "case_worker" in response.json()["errors"] or "case_worker" in str(response.json())
    world.case.refresh_from_db()
    assert (world.case.owner, world.case.status) == (world.social_worker, "Active")


def test_the_api_refuses_a_partner_and_hides_the_case_from_an_outsider(world):
    url = f"/api/v1/cases/{world.case.pk}/"
    assert _api(world.shelter_caseworker).patch(url, {"case_worker": "lawyer"}, format="json").status_code == 403
    assert _api(world.outsider).patch(url, {"case_worker": "lawyer"}, format="json").status_code == 404
