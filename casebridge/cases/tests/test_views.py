from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from casebridge.audit.models import AuditEvent
from casebridge.cases.actions import do_add_team_member
from casebridge.cases.models import BreakGlass, Case, TeamMember, TimelineEvent
from casebridge.lib.errors import ConsentRequired
from casebridge.lib.testing import run_ready_tasks
from casebridge.people.models import Person

INTAKE = {
    "agency": "",
    "family_name": "ចាន់",
    "given_name": "ធីតា",
    "family_name_latin": "Chan",
    "given_name_latin": "Thida",
    "aliases": "Da",
    "estimated_age": "14",
    "age_method": "appearance",
    "gender": "Feminine",
    "nationalities": ["KH"],
    "languages": ["khm"],
    "phone": "+855 12 000 111",
    "address": "",
    "province": "KH-12",
    "opened_on": "",
}


def _note(section, body):
    return {"section": section, "body": body, "submission": uuid.uuid4()}


def _intake(world, **changes):
    data = dict(
        INTAKE, agency=world.agencies["JPC"].pk, opened_on=timezone.localdate().isoformat(), submission=uuid.uuid4()
    )
    data.update(changes)
    return data


def test_it_lists_my_cases_and_audits_each_row(world, login):
    client = login(world.shelter_caseworker)
    before = AuditEvent.objects.count()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert world.case.number in response.content.decode()
    assert "Srey Pov" in response.content.decode()
    event = AuditEvent.objects.filter(action="list", actor=world.shelter_caseworker).get()
    assert event.case_id == world.case.pk and event.sections == "identity"
    assert AuditEvent.objects.count() == before + 1


def test_it_hides_the_name_from_a_privacy_officer(world, login):
    response = login(world.privacy_officer).get(reverse("cases:list"))
    assert world.case.number in response.content.decode()
    assert "Srey Pov" not in response.content.decode()


def test_it_lists_my_cases_in_few_queries(world, login, django_assert_max_num_queries):
    client = login(world.social_worker)
    # 23: the header's due items read crisis care, care-plan reviews and her hearings (one query each).
    with django_assert_max_num_queries(23):
        client.get(reverse("cases:list"))


def test_it_shows_the_case_and_audits_the_read(world, login):
    client = login(world.nurse)
    response = client.get(reverse("cases:detail", args=[world.case.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Srey Pov" in body
    event = AuditEvent.objects.filter(action="view", actor=world.nurse, case_id=world.case.pk).get()
    assert set(event.sections.split(",")) == {"identity", "medical"}
    assert event.via == "referral"
    assert event.request_id and event.ip == "127.0.0.1"


def test_it_opens_a_case_from_the_intake_form(world, login):
    client = login(world.social_worker)
    response = client.post(reverse("cases:new"), _intake(world))
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.number == f"JPC-{timezone.localdate().year}-000002"
    assert case.survivor.given_name_latin == "Thida" and case.survivor.phone == "+85512000111"
    assert case.survivor.languages == ["khm"]
    assert TimelineEvent.objects.filter(case=case, kind="case_opened").exists()
    assert AuditEvent.objects.filter(action="create", case_id=case.pk).exists()


def test_it_dates_a_case_entered_after_the_fact_by_its_opening_day(world, login):
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    login(world.social_worker).post(reverse("cases:new"), _intake(world, opened_on=last_week.isoformat()))
    case = Case.objects.exclude(pk=world.case.pk).get()
    opened = TimelineEvent.objects.get(case=case, kind="case_opened")
    assert case.opened_on == last_week and timezone.localtime(opened.occurred_at).date() == last_week


def test_it_refuses_a_birth_date_in_the_future_and_writes_nothing(world, login):
    client = login(world.social_worker)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    people, events = Person.objects.count(), AuditEvent.objects.count()
    response = client.post(
        reverse("cases:new"), _intake(world, estimated_age="", birth_date=tomorrow.isoformat(), age_method="document")
    )
    assert response.status_code == 400
    assert "The birth date cannot be in the future." in response.content.decode()
    assert Person.objects.count() == people and Case.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_it_refuses_mixed_scripts_in_a_name(world, login):
    response = login(world.social_worker).post(reverse("cases:new"), _intake(world, given_name="Thidaធីតា"))
    assert response.status_code == 400
    assert "mixes scripts" in response.content.decode()
    assert Case.objects.count() == 1


def test_it_refuses_an_oversized_name(world, login):
    response = login(world.social_worker).post(reverse("cases:new"), _intake(world, given_name="a" * 101))
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()
    assert Case.objects.count() == 1


def test_it_refuses_a_phone_that_is_not_e164(world, login):
    response = login(world.social_worker).post(reverse("cases:new"), _intake(world, phone="012 345"))
    assert response.status_code == 400
    assert "international form" in response.content.decode()
    assert Case.objects.count() == 1


def test_it_refuses_intake_by_a_role_that_cannot_open_cases(world, login):
    assert login(world.manager).get(reverse("cases:new")).status_code == 403
    assert login(world.manager).post(reverse("cases:new"), _intake(world)).status_code == 403
    assert Case.objects.count() == 1


def test_it_adds_a_note_with_htmx(world, login):
    client = login(world.shelter_caseworker)
    response = client.post(
        reverse("cases:note_create", args=[world.case.pk]),
        {"section": "care_plan", "body": "Attended the first vocational class.", "submission": uuid.uuid4()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Attended the first vocational class." in response.content.decode()
    note = TimelineEvent.objects.get(kind="note")
    assert note.section == "care_plan" and note.actor == world.shelter_caseworker


def test_it_refuses_a_note_in_a_section_the_author_cannot_read(world, login):
    client = login(world.shelter_caseworker)
    response = client.post(
        reverse("cases:note_create", args=[world.case.pk]),
        _note("medical", "x"),
    )
    assert response.status_code == 400
    assert not TimelineEvent.objects.filter(kind="note").exists()


def test_it_hides_notes_of_sections_the_reader_cannot_see(world, login):
    login(world.nurse).post(
        reverse("cases:note_create", args=[world.case.pk]),
        _note("medical", "Test results pending."),
    )
    body = login(world.shelter_caseworker).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert "Test results pending." not in body
    body = login(world.nurse).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert "Test results pending." in body


def test_it_closes_a_case_only_with_a_reason(world, login):
    client = login(world.social_worker)
    url = reverse("cases:status", args=[world.case.pk])
    response = client.post(url, {"status": "Closed", "closure_reason": ""})
    assert response.status_code == 400 and "reason" in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.status == "Active"
    asked = client.post(url, {"status": "Closed", "closure_reason": "reintegrated"})
    assert asked.status_code == 200 and "Yes, change the status" in asked.content.decode()  # asks first
    world.case.refresh_from_db()
    assert world.case.status == "Active"
    confirmed = {"status": "Closed", "closure_reason": "reintegrated", "confirmed": "yes"}
    assert client.post(url, confirmed).status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == "Closed" and world.case.closed_on == timezone.localdate()


def test_it_lets_only_the_lead_agency_change_the_status(world, login):
    response = login(world.shelter_caseworker).post(
        reverse("cases:status", args=[world.case.pk]),
        {"status": "Closed", "closure_reason": "other", "confirmed": "yes"},
    )
    assert response.status_code == 403
    world.case.refresh_from_db()
    assert world.case.status == "Active"


def test_it_refuses_to_share_with_an_agency_without_consent(world, login):
    client = login(world.social_worker)
    response = client.post(
        reverse("cases:team_add", args=[world.case.pk]),
        {"agency": world.agencies["HAC"].pk, "sections": ["identity", "care_plan"]},
    )
    # The page offers only agencies with consent; the rule itself is the action's (409 below).
    assert response.status_code == 400 and "Hope Assessment Centre" not in response.content.decode()
    assert not TeamMember.objects.filter(agency=world.agencies["HAC"]).exists()
    with pytest.raises(ConsentRequired, match="consent to share information with Hope Assessment Centre"):
        do_add_team_member(world.case, actor=world.social_worker, agency=world.agencies["HAC"], sections=["identity"])


def test_it_shares_with_an_agency_after_consent(world, login):
    client = login(world.social_worker)
    client.post(
        reverse("consents:new", args=[world.case.pk]),
        {
            "purpose": "sharing",
            "shared_with": world.agencies["HAC"].pk,
            "decision": "given",
            "given_by": "guardian",
            "child_assent": "true",
            "decided_on": timezone.localdate().isoformat(),
            "language": "khm",
            "submission": uuid.uuid4(),
        },
    )
    response = client.post(
        reverse("cases:team_add", args=[world.case.pk]),
        {"agency": world.agencies["HAC"].pk, "sections": ["identity", "care_plan"]},
    )
    assert response.status_code == 302
    assert login(world.assessment_worker).get(reverse("cases:detail", args=[world.case.pk])).status_code == 200


def test_it_refuses_a_second_identical_team_member(world, login):
    client = login(world.social_worker)
    url = reverse("cases:team_add", args=[world.case.pk])
    response = client.post(url, {"username": "police", "sections": ["identity"]})
    assert response.status_code == 409
    assert TeamMember.objects.filter(user=world.police).count() == 1


def test_it_removes_a_team_member(world, login):
    member = TeamMember.objects.get(user=world.police)
    url = reverse("cases:team_remove", args=[world.case.pk, member.pk])
    asked = login(world.social_worker).post(url)
    assert asked.status_code == 200 and "Yes, remove" in asked.content.decode()  # asks first
    assert TeamMember.objects.filter(pk=member.pk).exists()
    response = login(world.social_worker).post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert login(world.police).get(reverse("cases:detail", args=[world.case.pk])).status_code == 404


def test_it_breaks_the_glass_with_a_reason_and_alerts_the_privacy_officer(
    world, login, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(world.outsider)
    detail = reverse("cases:detail", args=[world.case.pk])
    assert client.get(detail).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("audit:break_glass"),
            {"case_number": world.case.number, "reason": "Child at risk tonight, lead agency unreachable by phone."},
        )
    run_ready_tasks()  # the e-mail goes out from the background worker
    assert response.status_code == 302
    glass = BreakGlass.objects.get()
    assert glass.expires_at > timezone.now()
    assert client.get(detail).status_code == 200
    assert mailoutbox and mailoutbox[0].to == ["privacy_officer@example.org"]
    mail = mailoutbox[0].subject + mailoutbox[0].body
    # The e-mail says that something waits, and no more: no name, no case number, no person.
    assert "Srey" not in mail and world.case.number not in mail and "outsider" not in mail
    assert "/notifications/" in mailoutbox[0].body
    event = AuditEvent.objects.get(action="break_glass")
    assert event.reason.startswith("Child at risk")


def test_it_refuses_break_glass_without_a_real_reason(world, login):
    response = login(world.outsider).post(
        reverse("audit:break_glass"), {"case_number": world.case.number, "reason": "need"}
    )
    assert response.status_code == 400
    assert not BreakGlass.objects.exists()


def test_it_records_a_break_glass_attempt_on_an_unknown_number(world, login):
    response = login(world.outsider).post(
        reverse("audit:break_glass"),
        {"case_number": "JPC-1999-999999", "reason": "Checking a case a caller mentioned tonight."},
    )
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="break_glass", object_id="JPC-1999-999999").exists()


def test_it_expires_break_glass_access(world, login):
    client = login(world.outsider)
    client.post(
        reverse("audit:break_glass"),
        {"case_number": world.case.number, "reason": "Child at risk tonight, lead agency unreachable by phone."},
    )
    BreakGlass.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(reverse("cases:detail", args=[world.case.pk])).status_code == 404


def test_it_lets_the_privacy_officer_review_break_glass(world, login):
    login(world.outsider).post(
        reverse("audit:break_glass"),
        {"case_number": world.case.number, "reason": "Child at risk tonight, lead agency unreachable by phone."},
    )
    glass = BreakGlass.objects.get()
    officer = login(world.privacy_officer)
    assert world.case.number in officer.get(reverse("audit:break_glass_list")).content.decode()
    response = officer.post(reverse("audit:review", args=[glass.pk]), {"outcome": "justified", "review_note": "ok"})
    assert response.status_code == 302
    glass.refresh_from_db()
    assert glass.outcome == "justified" and glass.reviewed_by == world.privacy_officer


def test_it_hides_reviews_from_others(world, login):
    login(world.outsider).post(
        reverse("audit:break_glass"),
        {"case_number": world.case.number, "reason": "Child at risk tonight, lead agency unreachable by phone."},
    )
    glass = BreakGlass.objects.get()
    assert login(world.social_worker).get(reverse("audit:review", args=[glass.pk])).status_code == 404
    assert login(world.outsider).get(reverse("audit:review", args=[glass.pk])).status_code == 404


def test_it_shows_the_access_log_to_the_lead_agency_only(world, login):
    login(world.nurse).get(reverse("cases:detail", args=[world.case.pk]))
    response = login(world.privacy_officer).get(reverse("audit:access_log", args=[world.case.pk]))
    assert response.status_code == 200 and "nurse" in response.content.decode()
    assert login(world.shelter_caseworker).get(reverse("audit:access_log", args=[world.case.pk])).status_code == 403


def test_it_opens_one_case_when_the_intake_form_is_sent_twice(world, login):
    client = login(world.social_worker)
    data = _intake(world)
    assert client.post(reverse("cases:new"), data).status_code == 302
    again = client.post(reverse("cases:new"), data)
    assert again.status_code == 409
    assert "already sent" in again.content.decode()
    assert Case.objects.count() == 2


def test_it_lets_a_corrected_form_through_after_an_error(world, login):
    client = login(world.social_worker)
    data = _intake(world, phone="12")
    assert client.post(reverse("cases:new"), data).status_code == 400
    assert client.post(reverse("cases:new"), dict(data, phone="+85512000111")).status_code == 302
    assert Case.objects.count() == 2


def test_it_adds_one_note_when_sent_twice(world, login):
    client = login(world.social_worker)
    data = {"section": "crisis_care", "body": "Arrived at the shelter.", "submission": uuid.uuid4()}
    client.post(reverse("cases:note_create", args=[world.case.pk]), data)
    assert client.post(reverse("cases:note_create", args=[world.case.pk]), data).status_code == 409
    assert TimelineEvent.objects.filter(kind="note").count() == 1
