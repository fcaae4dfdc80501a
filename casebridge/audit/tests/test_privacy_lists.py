"""The access log and the emergency-access reviews in words, filtered, with consecutive reads in
one visit on one line; the search's filters. Pages and API take the same filters."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.audit import words
from casebridge.audit.models import AuditEvent
from casebridge.cases import actions
from casebridge.cases.access import case_access
from casebridge.cases.actions import do_open_case
from casebridge.cases.models import BreakGlass, Case
from casebridge.people.actions import clean_identity

REASON = "Child at the border post tonight, need to know who she is"


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def _event(actor, action="view", object_type="case", minutes=0, via="lead", sections="identity"):
    return AuditEvent(
        at=timezone.now() - datetime.timedelta(minutes=minutes),
        actor_username=actor,
        action=action,
        object_type=object_type,
        sections=sections,
        via=via,
    )


def test_an_event_is_said_in_words_in_the_readers_language():
    assert words.describe("view", "case", ["identity"]) == "viewed the case (section: Identity)"
    assert words.describe("view", "case", ["identity", "medical"]) == "viewed the case (sections: Identity, Medical)"
    assert words.describe("search", "person") == "found the survivor in a search"
    assert words.describe("export", "note") == "Exported: a note"  # a pair without its own phrase
    assert words.how("lead,team") == "as the lead agency, as a member of the team"
    with override("km"):
        assert words.describe("view", "case") != "viewed the case"
        assert words.how("break_glass") != "by emergency access"


def test_consecutive_reads_in_one_visit_are_one_line():
    events = [
        _event("dara", minutes=0),
        _event("dara", minutes=5, sections="medical"),
        _event("dara", minutes=20),
        _event("dara", minutes=90),  # another visit
        _event("sok", minutes=91),  # another person
        _event("sok", action="create", object_type="note", minutes=92),  # a write stands alone
        _event("sok", action="create", object_type="note", minutes=93),
    ]
    lines = words.lines(events)
    assert [line.count for line in lines] == [3, 1, 1, 1, 1]
    assert lines[0].what == "viewed the case (sections: Identity, Medical), 3 times"
    assert (lines[0].first.at, lines[0].last.at) == (events[0].at, events[2].at)


def _table(response):
    """The list's rows (the filter's choices name people too)."""
    body = response.content.decode()
    return body[body.index("</details>") :]


def _visit(world, user):
    actions.read_case(user, world.case, case_access(user, world.case))


def test_the_access_log_is_filtered_by_person_agency_action_and_day(world, login):
    _visit(world, world.police)
    _visit(world, world.nurse)
    client = login(world.social_worker)
    url = reverse("audit:access_log", args=[world.case.pk])
    body = _table(client.get(url, {"person": "police"}))
    assert "police" in body and "nurse" not in body and "viewed the case" in body
    body = _table(client.get(url, {"agency": "MCL"}))
    assert "nurse" in body and "police" not in body
    body = _table(client.get(url, {"action": "create"}))
    assert "opened the case" in body and "viewed the case" not in body
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    body = _table(client.get(url, {"date_from": tomorrow}))
    assert "Nothing recorded matches these filters." in body


def test_the_access_log_says_which_filter_it_left_off(world, login):
    response = login(world.social_worker).get(
        reverse("audit:access_log", args=[world.case.pk]), {"person": "nobody", "action": "view"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Some filters could not be used" in body and "Person:" in body


def test_the_access_log_api_takes_the_same_filters_and_says_it_in_words(world):
    _visit(world, world.police)
    api = _api(world.social_worker)
    url = f"/api/v1/cases/{world.case.pk}/access-log/"
    rows = api.get(url, {"person": "police"}).json()["results"]
    assert rows and {r["actor_username"] for r in rows} == {"police"}
    assert rows[0]["what"].startswith("viewed the case") and rows[0]["how"] == "as a member of the team"
    assert api.get(url, {"person": "police"}, HTTP_ACCEPT_LANGUAGE="km").json()["results"][0]["what"] != rows[0]["what"]
    for bad in ({"person": "nobody"}, {"action": "steal"}, {"date_from": "yesterday"}, {"agency": ""}):
        response = api.get(url, bad)
        assert response.status_code == 400 and set(bad) <= set(response.json()["errors"]), bad
    assert _api(world.outsider).get(url, {"person": "police"}).status_code == 404


def _glass(world, user=None):
    glass = actions.do_break_glass(world.case.number, actor=user or world.gov_social_worker, reason=REASON)
    assert glass is not None
    return glass


def test_the_reviews_are_filtered_by_state_and_person(world, login):
    waiting = _glass(world)
    done = _glass(world, world.assessment_worker)
    actions.do_review_break_glass(done, actor=world.privacy_officer, outcome="justified", note="")
    client = login(world.privacy_officer)
    body = _table(client.get(reverse("audit:break_glass_list"), {"state": "waiting"}))
    assert "gov_social_worker" in body and "assessment_worker" not in body
    body = _table(client.get(reverse("audit:break_glass_list"), {"person": "assessment_worker"}))
    assert "assessment_worker" in body and "gov_social_worker" not in body
    assert client.get(reverse("audit:break_glass_list"), {"state": "lost"}).status_code == 400
    rows = _api(world.privacy_officer).get("/api/v1/emergency-access/", {"state": "waiting"}).json()["results"]
    assert [r["id"] for r in rows] == [waiting.pk]
    assert rows[0]["case_number"] == world.case.number and rows[0]["reason"] == REASON
    all_rows = _api(world.privacy_officer).get("/api/v1/emergency-access/").json()["results"]
    assert [r["id"] for r in all_rows] == [waiting.pk, done.pk]  # waiting first


@pytest.mark.parametrize("persona", ["social_worker", "gov_social_worker", "outsider", "admin"])
def test_nobody_but_the_reviewer_lists_emergency_access(world, persona):
    _glass(world)
    response = _api(world.users[persona]).get("/api/v1/emergency-access/")
    assert response.status_code == 200 and response.json()["results"] == []
    assert BreakGlass.objects.count() == 1


def test_the_emergency_access_api_refuses_a_bad_filter(world):
    response = _api(world.privacy_officer).get("/api/v1/emergency-access/", {"state": "lost", "date_to": "x"})
    assert response.status_code == 400 and {"state", "date_to"} <= set(response.json()["errors"])


def _open(world, name, status="Active"):
    case = do_open_case(
        actor=world.social_worker,
        agency=world.agencies["JPC"],
        identity=clean_identity({"given_name_latin": name, "family_name_latin": "Sok"}),
        province="KH-8",
        opened_on=timezone.localdate(),
    )
    Case.objects.filter(pk=case.pk).update(status=status, closure_reason="other" if status == "Closed" else "")
    return case


def test_search_results_are_filtered_by_the_case(world, login):
    closed = _open(world, "Srey Pov", status="Closed")
    client = login(world.social_worker)
    body = client.post(reverse("people:search"), {"q": "Srey Pov"}, follow=True).content.decode()
    assert closed.number in body and world.case.number in body and "2 people found" in body
    body = client.post(reverse("people:search"), {"q": "Srey Pov", "status": "Closed"}, follow=True).content.decode()
    assert closed.number in body and world.case.number not in body and "1 person found" in body
    body = client.post(reverse("people:search"), {"q": "Srey Pov", "province": "KH-8"}, follow=True).content.decode()
    assert closed.number in body and world.case.number not in body
    response = client.post(reverse("people:search"), {"q": "Srey Pov", "status": "Lost"}, follow=True)
    assert response.status_code == 400 and "Some filters could not be used" in response.content.decode()


def test_the_search_api_takes_the_same_filters(world):
    closed = _open(world, "Srey Pov", status="Closed")
    api = _api(world.social_worker)
    rows = api.get("/api/v1/people/", {"q": "Srey Pov", "status": "Closed"}).json()["results"]
    assert [r["cases"] for r in rows] == [[str(closed.pk)]]
    assert len(api.get("/api/v1/people/", {"q": "Srey Pov"}).json()["results"]) == 2
    response = api.get("/api/v1/people/", {"q": "Srey Pov", "sex": "Robot"})
    assert response.status_code == 400 and "sex" in response.json()["errors"]
    assert _api(world.outsider).get("/api/v1/people/", {"q": "Srey Pov", "status": "Active"}).json()["results"] == []


@pytest.mark.parametrize("params", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_a_day_out_of_range_is_a_named_error_not_a_server_error(world, login, params):
    client = login(world.social_worker)
    response = client.get(reverse("audit:access_log", args=[world.case.pk]), params)
    assert response.status_code == 400 and "between 1900 and next year" in response.content.decode()
    response = _api(world.social_worker).get(f"/api/v1/cases/{world.case.pk}/access-log/", params)
    assert response.status_code == 400 and set(params) <= set(response.json()["errors"])
    assert _api(world.privacy_officer).get("/api/v1/emergency-access/", params).status_code == 400
    assert login(world.privacy_officer).get(reverse("audit:break_glass_list"), params).status_code == 400


def test_finding_a_guardian_by_name_is_recorded_against_the_childs_case(world):
    from casebridge.cases.actions import do_add_participant

    do_add_participant(
        world.case,
        actor=world.social_worker,
        role="guardian",
        identity=clean_identity({"given_name_latin": "Chanthou", "family_name_latin": "Meas"}),
    )
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    hits = _api(world.police).get("/api/v1/people/", {"q": "Chanthou Meas"}).json()["results"]
    assert [h["cases"] for h in hits] == [[str(world.case.pk)]]
    assert AuditEvent.objects.filter(id__gt=before, action="search", case_id=world.case.pk).exists()


def test_the_review_shows_the_first_things_done_in_order(world, login, monkeypatch):
    from casebridge.audit import views

    monkeypatch.setattr(views, "REVIEW_EVENTS", 2)
    glass = _glass(world)
    for _ in range(3):
        _visit(world, world.gov_social_worker)
    body = login(world.privacy_officer).get(reverse("audit:review", args=[glass.pk])).content.decode()
    shown = body[body.index("What they did") :]
    assert "opened the case by emergency access" in shown  # the first thing, on the first page
    assert 'aria-label="Pages"' in shown  # the rest, page by page, on the review itself
    second = login(world.privacy_officer).get(reverse("audit:review", args=[glass.pk]), {"page": 2}).content.decode()
    assert "viewed the case" in second[second.index("What they did") :]
