"""Proceedings through the API: opened by a lawyer for cases whose legal section they reach,
defendants and charges by article (an unknown one refused), the stage machine (a verdict before
the trial refused, a judgment's closure only once there is one), the time in each stage, the
pseudonymous link on her case, and 404 for everyone outside the compartment."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casebridge.cases.models import TimelineEvent
from casebridge.legal import actions
from casebridge.legal.models import ChargeCode, Proceeding

J = "application/json"
URL = "/api/v1/legal/proceedings/"


def _day(days=0):  # type: ignore[no-untyped-def]
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def codes(db):  # type: ignore[no-untyped-def]
    ChargeCode.objects.get_or_create(article="10", defaults={"title": "Unlawful removal for exploitation"})
    ChargeCode.objects.get_or_create(article="34", defaults={"title": "Purchase of child prostitution"})


def _open(world, client):  # type: ignore[no-untyped-def]
    answer = client.post(
        URL,
        {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": _day(-30), "court": "Phnom Penh Municipal Court"},
        content_type=J,
    )
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_a_lawyer_takes_a_proceeding_from_complaint_to_conviction(world, login, codes):
    lawyer = login(world.lawyer)
    opened = _open(world, lawyer)
    pk = opened["id"]
    assert opened["stage"] == "complaint" and opened["reference"].startswith("PRO-")
    event = TimelineEvent.objects.get(case=world.case, kind="proceeding_linked")
    assert event.section == "legal" and event.data == {"reference": opened["reference"]}
    defendant = lawyer.post(f"{URL}{pk}/defendants/", {"name": "Mr Fictional", "sex": "male"}, content_type=J)
    assert defendant.status_code == 201
    unknown = lawyer.post(
        f"{URL}{pk}/charges/",
        {"defendant": defendant.json()["id"], "article": "99", "filed_on": _day(-20)},
        content_type=J,
    )
    assert unknown.status_code == 400 and "article" in unknown.json()["errors"]
    charge = lawyer.post(
        f"{URL}{pk}/charges/",
        {"defendant": defendant.json()["id"], "article": "34", "filed_on": _day(-20)},
        content_type=J,
    )
    assert charge.status_code == 201 and charge.json()["article"] == "34"
    early = lawyer.post(f"{URL}{pk}/stage/", {"stage": "verdict", "on": _day(-10)}, content_type=J)
    assert early.status_code == 409 and Proceeding.objects.get().stage == "complaint"
    judged = lawyer.post(f"{URL}{pk}/stage/", {"closed_as": "convicted", "on": _day(-10)}, content_type=J)
    assert judged.status_code == 400  # no judgment yet
    for stage, days in (("police", -25), ("prosecutor", -20), ("trial", -10), ("verdict", -2)):
        moved = lawyer.post(f"{URL}{pk}/stage/", {"stage": stage, "on": _day(days)}, content_type=J)
        assert moved.status_code == 200, moved.content
    closed = lawyer.post(f"{URL}{pk}/stage/", {"closed_as": "convicted", "on": _day()}, content_type=J)
    assert closed.status_code == 200 and closed.json()["closed_as"] == "convicted"
    spent = {row["stage"]: row["days"] for row in closed.json()["stage_days"]}
    assert spent == {"complaint": 5, "police": 5, "prosecutor": 10, "trial": 8, "verdict": 2}
    after = lawyer.post(f"{URL}{pk}/defendants/", {"name": "Another"}, content_type=J)
    assert after.status_code == 409


@pytest.mark.parametrize("persona", ["shelter_caseworker", "nurse", "social_worker", "police", "outsider", "manager"])
def test_the_compartment_is_404_outside_it(world, login, codes, persona):
    pk = _open(world, login(world.lawyer))["id"]
    client = login(world.users[persona])
    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}{pk}/").status_code == 404
    assert client.get(f"{URL}{pk}/defendants/").status_code == 404
    assert client.post(f"{URL}{pk}/stage/", {"stage": "police", "on": _day()}, content_type=J).status_code == 404
    assert client.get(f"/legal/{pk}/").status_code == 404
    assert client.get("/legal/").status_code == 404


def test_a_case_is_linked_only_by_a_lawyer_who_reaches_its_legal_section(world, login, codes):
    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity

    identity = clean_identity(
        {"given_name": "A", "family_name": "B", "estimated_age": 14, "age_method": "appearance", "gender": "Feminine"}
    )
    elsewhere = do_open_case(
        actor=world.gov_social_worker,
        agency=world.agencies["DOSVY"],
        identity=identity,
        province="KH-12",
        opened_on=timezone.localdate(),
    )
    lawyer = login(world.lawyer)
    refused = lawyer.post(URL, {"agency": "JPC", "cases": [str(elsewhere.pk)], "opened_on": _day(-1)}, content_type=J)
    assert refused.status_code == 400 and "cases" in refused.json()["errors"]
    future = lawyer.post(URL, {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": _day(1)}, content_type=J)
    assert future.status_code == 400 and not Proceeding.objects.exists()
    assert not TimelineEvent.objects.filter(kind="proceeding_linked").exists()
    assert actions.new_reference("PRO") != actions.new_reference("PRO")
