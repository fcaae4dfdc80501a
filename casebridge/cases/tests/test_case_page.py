"""The case page: a summary header, the sections as anchored blocks, the timeline by section,
the status change asked twice, guardians, family and witnesses, and notes corrected as new
versions with the old text kept."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.audit.models import AuditEvent
from casebridge.cases import sections as sec
from casebridge.cases.actions import do_add_note, do_add_participant, do_correct_note
from casebridge.cases.models import CaseParticipant, TeamMember, TimelineEvent
from casebridge.cases.sections import Section
from casebridge.lib.errors import Conflict, NotAllowed
from casebridge.lib.testing import share_consent
from casebridge.people.actions import clean_identity


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def _page(client, world, **params):
    return client.get(reverse("cases:detail", args=[world.case.pk]), params)


def test_the_summary_says_who_what_where_and_what_you_see(world, login):
    body = _page(login(world.social_worker), world).content.decode()
    summary = body[body.index('class="facts summary"') : body.index("</dl>", body.index('class="facts summary"'))]
    assert "social_worker" in summary and "15 years old" in summary and "Phnom Penh" in summary
    assert "Whereabouts" in summary  # the user's sections
    assert 'href="#timeline-h"' in body and 'href="#people-h"' in body
    assert "print-head" in body and world.case.number in body


def test_without_the_identity_section_the_summary_has_no_age(world, login):
    TeamMember.objects.create(
        case=world.case, user=world.outsider, sections=sec.to_mask([Section.LEGAL]), added_by=world.social_worker
    )
    body = _page(login(world.outsider), world).content.decode()
    assert "years old" not in body and "Srey Pov" not in body and 'href="#people-h"' not in body


def test_the_timeline_shows_one_section_at_a_time(world, login):
    do_add_note(world.case, actor=world.social_worker, section="crisis_care", body="Slept at the station.")
    do_add_note(world.case, actor=world.social_worker, section="care_plan", body="School in January.")
    client = login(world.social_worker)
    body = _page(client, world, section="care_plan").content.decode()
    assert "School in January." in body and "Slept at the station." not in body
    body = _page(login(world.shelter_caseworker), world, section="medical").content.decode()
    assert "That section is not one you can see" in body


def test_the_timeline_api_takes_a_section(world):
    do_add_note(world.case, actor=world.social_worker, section="care_plan", body="School in January.")
    api = _api(world.social_worker)
    url = f"/api/v1/cases/{world.case.pk}/timeline/"
    rows = api.get(url, {"section": "care_plan"}).json()["results"]
    assert [r["body"] for r in rows] == ["School in January."]
    assert _api(world.shelter_caseworker).get(url, {"section": "medical"}).status_code == 400


def test_a_note_is_corrected_as_a_new_version_and_the_old_text_stays(world, login):
    note = do_add_note(world.case, actor=world.social_worker, section="crisis_care", body="Slept at the statoin.")
    client = login(world.social_worker)
    url = reverse("cases:note", args=[world.case.pk, note.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "Slept at the station."})
    assert response.status_code == 302
    corrected = TimelineEvent.objects.get(corrects=note)
    assert corrected.body == "Slept at the station." and corrected.occurred_at == note.occurred_at
    body = _page(client, world).content.decode()
    assert "Slept at the station." in body and "statoin" not in body and "corrected: see the history" in body
    history = client.get(reverse("cases:note", args=[world.case.pk, corrected.pk])).content.decode()
    assert "Earlier versions" in history and "statoin" in history
    assert AuditEvent.objects.filter(action="update", object_id=str(corrected.pk), reason="note corrected").exists()


def test_only_the_author_corrects_and_only_the_newest_version(world, login):
    note = do_add_note(world.case, actor=world.social_worker, section="identity", body="Speaks Khmer.")
    try:
        do_correct_note(note, actor=world.police, body="Speaks Khmer and Thai.")
        raise AssertionError("a colleague corrected the author's note")
    except NotAllowed:
        pass
    response = login(world.police).post(reverse("cases:note", args=[world.case.pk, note.pk]), {"body": "No."})
    assert response.status_code == 403
    do_correct_note(note, actor=world.social_worker, body="Speaks Khmer and some Thai.")
    try:
        do_correct_note(note, actor=world.social_worker, body="Again.")
        raise AssertionError("an old version was corrected")
    except Conflict:
        pass
    assert TimelineEvent.objects.filter(kind="note", case=world.case).count() == 2


def test_the_correction_api(world):
    note = do_add_note(world.case, actor=world.social_worker, section="crisis_care", body="Slept at the statoin.")
    url = f"/api/v1/cases/{world.case.pk}/notes/{note.pk}/corrections/"
    response = _api(world.social_worker).post(url, {"body": "Slept at the station."}, format="json")
    assert response.status_code == 201 and response.json()["corrects"] == str(note.pk)
    assert _api(world.social_worker).post(url, {"body": "Again."}, format="json").status_code == 409
    assert _api(world.outsider).post(url, {"body": "x"}, format="json").status_code == 404
    notes = _api(world.social_worker).get(f"/api/v1/cases/{world.case.pk}/notes/").json()["results"]
    assert [n["body"] for n in notes] == ["Slept at the station."]
    newest = response.json()["id"]
    same = f"/api/v1/cases/{world.case.pk}/notes/{newest}/corrections/"
    response = _api(world.social_worker).post(same, {"body": "Slept at the station."}, format="json")
    assert response.status_code == 400 and "body" in response.json()["errors"]


def test_lead_case_staff_add_a_guardian_whom_the_team_sees_by_name(world, login):
    client = login(world.social_worker)
    url = reverse("cases:participant_add", args=[world.case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "guardian", "given_name_latin": "Chanthou", "family_name_latin": "Sok"})
    assert response.status_code == 302
    participant = CaseParticipant.objects.get(case=world.case)
    assert participant.role == "guardian" and participant.person.kind == "family"
    assert "Chanthou" in _page(login(world.shelter_caseworker), world).content.decode()
    assert login(world.shelter_caseworker).get(url).status_code == 403
    assert login(world.outsider).get(url).status_code == 404


def test_a_participant_needs_a_name_and_a_role(world, login):
    response = login(world.social_worker).post(
        reverse("cases:participant_add", args=[world.case.pk]), {"role": "uncle"}
    )
    assert response.status_code == 400 and not CaseParticipant.objects.exists()


def test_the_participants_api(world):
    url = f"/api/v1/cases/{world.case.pk}/participants/"
    response = _api(world.social_worker).post(url, {"role": "witness", "given_name": "សុខា"}, format="json")
    assert response.status_code == 201 and response.json()["role"] == "witness"
    assert [p["role"] for p in _api(world.police).get(url).json()["results"]] == ["witness"]
    assert (
        _api(world.shelter_caseworker).post(url, {"role": "witness", "given_name": "ដារា"}, format="json").status_code
        == 403
    )
    assert _api(world.outsider).get(url).status_code == 404
    assert _api(world.social_worker).post(url, {"role": "witness"}, format="json").status_code == 400
    TeamMember.objects.create(
        case=world.case, user=world.outsider, sections=sec.to_mask([Section.LEGAL]), added_by=world.social_worker
    )
    assert _api(world.outsider).get(url).status_code == 403  # reaches the case, not its identity


def test_participants_are_found_by_name_only_by_who_reaches_the_identity(world):
    from casebridge.people.search import search_people

    do_add_participant(
        world.case, actor=world.social_worker, role="family", identity=clean_identity({"given_name_latin": "Bopha"})
    )
    assert search_people(world.social_worker, "Bopha")
    assert search_people(world.outsider, "Bopha") == []


def test_the_team_is_picked_from_colleagues_and_consented_agencies(world, login):
    client = login(world.social_worker)
    url = reverse("cases:team_add", args=[world.case.pk])
    body = client.get(url).content.decode()
    assert f'value="{world.ngo_investigator.pk}"' in body  # a colleague, by name
    assert "Safe Haven Shelter" in body and "Hope Assessment Centre" not in body and "Other Outreach" not in body
    response = client.post(url, {"colleague": world.ngo_investigator.pk, "sections": ["identity", "investigation"]})
    assert response.status_code == 302
    assert TeamMember.objects.filter(case=world.case, user=world.ngo_investigator).exists()


def test_a_team_place_cannot_show_what_the_role_never_sees(world, login):
    from django.core.exceptions import ValidationError

    from casebridge.cases.actions import do_add_team_member

    client = login(world.social_worker)
    url = reverse("cases:team_add", args=[world.case.pk])
    response = client.post(url, {"agency": world.agencies["SHS"].pk, "sections": ["identity", "investigation"]})
    assert response.status_code == 400
    assert "Their role never sees: Investigation link" in response.content.decode()
    try:
        do_add_team_member(world.case, actor=world.social_worker, user=world.police, sections=["medical"])
        raise AssertionError("a police officer was given the medical section")
    except ValidationError as error:
        assert "Medical" in str(error)


def test_the_team_form_wants_exactly_one_choice(world, login):
    response = login(world.social_worker).post(
        reverse("cases:team_add", args=[world.case.pk]),
        {"colleague": world.ngo_investigator.pk, "username": "police", "sections": ["identity"]},
    )
    assert response.status_code == 400 and "Choose one: a colleague" in response.content.decode()


def test_a_partners_correction_is_told_to_the_case_worker(world):
    from casebridge.notifications.models import Notification

    note = do_add_note(world.case, actor=world.shelter_caseworker, section="crisis_care", body="Ate little.")
    before = Notification.objects.filter(recipient=world.social_worker, kind="partner_note").count()
    do_correct_note(note, actor=world.shelter_caseworker, body="Ate little; slept well.")
    assert Notification.objects.filter(recipient=world.social_worker, kind="partner_note").count() == before + 1


def test_an_agency_whose_staff_await_approval_can_still_be_shared_with(world):

    from casebridge.agencies.models import Membership
    from casebridge.cases.actions import do_add_team_member

    Membership.objects.filter(agency=world.agencies["HAC"]).update(approved_at=None)
    share_consent(world, "HAC")
    member = do_add_team_member(
        world.case, actor=world.social_worker, agency=world.agencies["HAC"], sections=["identity"]
    )
    assert member.pk


def test_consent_is_asked_before_the_roles_of_another_agency_are_told(world):
    from casebridge.cases.actions import do_add_team_member
    from casebridge.lib.errors import ConsentRequired

    try:
        do_add_team_member(
            world.case, actor=world.social_worker, agency=world.agencies["OTH"], sections=["investigation"]
        )
        raise AssertionError("shared without consent")
    except ConsentRequired:
        pass
