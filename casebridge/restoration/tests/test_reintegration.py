"""Reintegration through the API: each stage in turn (a skipped one refused, nothing written),
its checklist and outcome scores before moving on, the follow-up schedule set when she goes home
and cancelled at closure, and 404 for those without her care plan."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.utils import timezone

from casebridge.restoration.care import add_months
from casebridge.restoration.models import FollowUp, Reintegration

J = "application/json"


def _url(world, tail=""):  # type: ignore[no-untyped-def]
    return f"/api/v1/cases/{world.case.pk}/reintegration/{tail}"


def _day(days=0):  # type: ignore[no-untyped-def]
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _score(client, world, moment):  # type: ignore[no-untyped-def]
    scores = {"safety": 3, "wellbeing": 3, "education_income": 2, "legal_status": 4}
    answer = client.post(_url(world, "outcomes/"), {"moment": moment, "scored_on": _day(), **scores}, content_type=J)
    assert answer.status_code == 201, answer.content
    return answer.json()


def _tick(client, world, *keys):  # type: ignore[no-untyped-def]
    for key in keys:
        answer = client.post(_url(world, "checks/"), {"key": key, "done_on": _day(), "note": "done"}, content_type=J)
        assert answer.status_code == 201, answer.content


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


@override_settings(REINTEGRATION_FOLLOW_UP_MONTHS=[1, 2, 3, 6])
def test_she_moves_through_each_stage_in_turn(world, login):
    lead = login(world.social_worker)
    assert lead.get(_url(world)).status_code == 404
    assert lead.post(_url(world), {"on": _day()}, content_type=J).status_code == 201
    body = lead.get(_url(world)).json()
    assert body["stage"] == "pre_integration" and "Home visit" in body["missing"]
    skipped = lead.post(_url(world, "stage/"), {"stage": "monitoring", "on": _day()}, content_type=J)
    assert skipped.status_code == 409 and Reintegration.objects.get().stage == "pre_integration"
    early = lead.post(_url(world, "stage/"), {"stage": "integration", "on": _day()}, content_type=J)
    assert early.status_code == 400 and "Home visit" in str(early.json()["errors"]["stage"])
    wrong = lead.post(_url(world, "checks/"), {"key": "accompanied", "done_on": _day()}, content_type=J)
    assert wrong.status_code == 400  # an integration item, not of pre-integration
    _tick(lead, world, "family_assessment", "home_visit", "safety_plan", "her_wish")
    _score(lead, world, "intake")
    moved = lead.post(_url(world, "stage/"), {"stage": "integration", "on": _day()}, content_type=J)
    assert moved.status_code == 200, moved.content
    visits = moved.json()["follow_ups"]
    assert [v["due_on"] for v in visits] == [add_months(timezone.localdate(), m).isoformat() for m in (1, 2, 3, 6)]
    _tick(lead, world, "accompanied", "community_support", "school_or_work")
    _score(lead, world, "reintegration")
    assert lead.post(_url(world, "stage/"), {"stage": "monitoring", "on": _day()}, content_type=J).status_code == 200
    visit = FollowUp.objects.order_by("due_on").first()
    assert visit is not None
    held = lead.post(
        _url(world, f"follow-ups/{visit.pk}/"), {"done_on": _day(), "note": "Safe, at school"}, content_type=J
    )
    assert held.status_code == 200
    _tick(lead, world, "follow_ups", "safe_at_home")
    _score(lead, world, "closure")
    closed = lead.post(_url(world, "stage/"), {"stage": "closure", "on": _day()}, content_type=J)
    assert closed.status_code == 200 and closed.json()["stage"] == "closure"
    assert FollowUp.objects.filter(cancelled=True).count() == 3
    assert [s["stage"] for s in closed.json()["steps"]] == ["pre_integration", "integration", "monitoring", "closure"]
    after = lead.post(_url(world, "checks/"), {"key": "home_visit", "done_on": _day()}, content_type=J)
    assert after.status_code == 409


def test_scores_are_1_to_5_and_once_per_moment(world, login):
    lead = login(world.social_worker)
    lead.post(_url(world), {"on": _day()}, content_type=J)
    bad = {
        "moment": "intake",
        "scored_on": _day(),
        "safety": 6,
        "wellbeing": 3,
        "education_income": 3,
        "legal_status": 3,
    }
    assert lead.post(_url(world, "outcomes/"), bad, content_type=J).status_code == 400
    _score(lead, world, "intake")
    again = {**bad, "safety": 3}
    assert lead.post(_url(world, "outcomes/"), again, content_type=J).status_code == 400
    closure = {**again, "moment": "closure"}
    assert lead.post(_url(world, "outcomes/"), closure, content_type=J).status_code == 400  # not at this stage


def test_only_the_lead_moves_her_on_and_outsiders_get_404(world, login):
    login(world.social_worker).post(_url(world), {"on": _day()}, content_type=J)
    partner = login(world.shelter_caseworker)  # reaches her care plan through the case team
    assert partner.get(_url(world)).status_code == 200
    assert (
        partner.post(_url(world, "stage/"), {"stage": "integration", "on": _day()}, content_type=J).status_code == 403
    )
    for persona in ("outsider", "nurse", "police"):
        client = login(world.users[persona])
        assert client.get(_url(world)).status_code == 404, persona
        assert (
            client.post(_url(world, "checks/"), {"key": "home_visit", "done_on": _day()}, content_type=J).status_code
            == 404
        )


def test_a_retry_with_the_same_key_writes_once(world, login):
    from casebridge.restoration.models import ReintegrationCheck

    lead = login(world.social_worker)
    key = {"HTTP_IDEMPOTENCY_KEY": "start-1"}
    assert lead.post(_url(world), {"on": _day()}, content_type=J, **key).status_code == 201
    again = lead.post(_url(world), {"on": _day()}, content_type=J, **key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    tick = {"key": "home_visit", "done_on": _day()}
    first = lead.post(_url(world, "checks/"), tick, content_type=J, HTTP_IDEMPOTENCY_KEY="tick-1")
    second = lead.post(_url(world, "checks/"), tick, content_type=J, HTTP_IDEMPOTENCY_KEY="tick-1")
    assert first.status_code == second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert ReintegrationCheck.objects.count() == 1 and Reintegration.objects.count() == 1
