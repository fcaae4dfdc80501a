"""The ends of a proceeding: a defendant's custody (police custody flagged past 48 hours unless
extended), judgments per charge (not before the verdict, no sentence on an acquittal, once),
appeals, compensation ordered on a conviction and paid up to what is owed; the calendar feed of
hearings (no names; revocable); hearing reminders; and 404 for anyone outside the compartment."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casebridge.legal import actions
from casebridge.legal.models import Compensation, CustodyStep, Judgment, Payment
from casebridge.notifications.models import Notification

J = "application/json"
URL = "/api/v1/legal/proceedings/"


def _proceeding(world, client, days_ago=400):  # type: ignore[no-untyped-def]
    opened = (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()
    made = client.post(URL, {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": opened}, content_type=J)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    defendant = client.post(f"{URL}{pk}/defendants/", {"name": "Sok Dara", "sex": "male"}, content_type=J).json()
    charge = client.post(
        f"{URL}{pk}/charges/", {"defendant": defendant["id"], "article": "34", "filed_on": opened}, content_type=J
    ).json()
    return pk, defendant["id"], charge["id"]


def _to_verdict(client, pk):  # type: ignore[no-untyped-def]
    day = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    for stage in ("police", "prosecutor", "trial", "verdict"):
        moved = client.post(f"{URL}{pk}/stage/", {"stage": stage, "on": day}, content_type=J)
        assert moved.status_code == 200, moved.content


def test_police_custody_is_flagged_past_48_hours_unless_extended(world, login):
    lawyer = login(world.lawyer)
    pk, defendant, _ = _proceeding(world, lawyer)
    custody = f"{URL}{pk}/defendants/{defendant}/custody/"
    arrested = (timezone.now() - datetime.timedelta(hours=50)).isoformat()
    held = lawyer.post(custody, {"status": "police", "since": arrested}, content_type=J)
    assert held.status_code == 200, held.content
    assert held.json()["custody_overdue"] is True
    assert held.json()["custody"][0]["until"] is not None
    again = lawyer.post(custody, {"status": "police", "since": arrested}, content_type=J)
    assert again.status_code == 400 and CustodyStep.objects.count() == 1
    unauthorised = lawyer.post(custody, {"extend_until": timezone.now().isoformat()}, content_type=J)
    assert unauthorised.status_code == 400 and "note" in unauthorised.json()["errors"]
    later = (timezone.now() + datetime.timedelta(hours=20)).isoformat()
    extended = lawyer.post(custody, {"extend_until": later, "note": "Prosecutor's order 12/2026"}, content_type=J)
    assert extended.status_code == 200 and extended.json()["custody_overdue"] is False
    too_long = (timezone.now() + datetime.timedelta(days=9)).isoformat()
    assert lawyer.post(custody, {"extend_until": too_long, "note": "x"}, content_type=J).status_code == 400
    detained = lawyer.post(custody, {"status": "detention", "since": timezone.now().isoformat()}, content_type=J)
    assert [s["status"] for s in detained.json()["custody"]] == ["police", "police", "detention"]
    assert detained.json()["custody_overdue"] is False
    before = (timezone.now() - datetime.timedelta(days=5)).isoformat()
    assert lawyer.post(custody, {"status": "bail", "since": before}, content_type=J).status_code == 400
    ahead = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert lawyer.post(custody, {"status": "bail", "since": ahead}, content_type=J).status_code == 400
    assert lawyer.post(custody, {"extend_until": later, "note": "x"}, content_type=J).status_code == 409
    assert CustodyStep.objects.count() == 3


def test_a_judgment_needs_the_verdict_stage_and_an_acquittal_takes_no_sentence(world, login):
    lawyer = login(world.lawyer)
    pk, _, charge = _proceeding(world, lawyer)
    judge = f"{URL}{pk}/charges/{charge}/judgment/"
    day = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
    early = lawyer.post(judge, {"verdict": "convicted", "on": day, "years": 7}, content_type=J)
    assert early.status_code == 409 and "verdict" in early.json()["detail"]
    _to_verdict(lawyer, pk)
    sentenced = lawyer.post(judge, {"verdict": "acquitted", "on": day, "years": 3}, content_type=J)
    assert sentenced.status_code == 400 and "conviction" in sentenced.json()["errors"]["years"][0]
    assert not Judgment.objects.exists()
    convicted = lawyer.post(judge, {"verdict": "convicted", "on": day, "years": 7, "fine": 4000000}, content_type=J)
    assert convicted.status_code == 200, convicted.content
    assert convicted.json()["judgment"]["years"] == 7 and convicted.json()["judgment"]["verdict"] == "convicted"
    assert lawyer.post(judge, {"verdict": "acquitted", "on": day}, content_type=J).status_code == 409
    appeal = f"{URL}{pk}/charges/{charge}/appeal/"
    before = (timezone.localdate() - datetime.timedelta(days=25)).isoformat()
    assert lawyer.post(appeal, {"appealed_on": before}, content_type=J).status_code == 400
    filed = lawyer.post(appeal, {"appealed_on": day}, content_type=J)
    assert filed.status_code == 200 and filed.json()["judgment"]["appealed_on"] == day
    today = timezone.localdate().isoformat()
    decided = lawyer.post(appeal, {"result": "upheld", "decided_on": today}, content_type=J)
    assert decided.json()["judgment"]["appeal_result"] == "upheld"
    assert lawyer.post(appeal, {"result": "overturned", "decided_on": today}, content_type=J).status_code == 409


def test_compensation_is_ordered_on_a_conviction_and_paid_up_to_what_is_owed(world, login):
    lawyer = login(world.lawyer)
    pk, defendant, charge = _proceeding(world, lawyer)
    order = f"{URL}{pk}/defendants/{defendant}/compensation/"
    day = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
    body = {"case": str(world.case.pk), "amount": 8000000, "ordered_on": day}
    assert lawyer.post(order, body, content_type=J).status_code == 409  # no conviction yet
    _to_verdict(lawyer, pk)
    lawyer.post(f"{URL}{pk}/charges/{charge}/judgment/", {"verdict": "convicted", "on": day}, content_type=J)
    made = lawyer.post(order, body, content_type=J, HTTP_IDEMPOTENCY_KEY="order-1")
    assert made.status_code == 201, made.content
    replay = lawyer.post(order, body, content_type=J, HTTP_IDEMPOTENCY_KEY="order-1")
    assert replay.json()["id"] == made.json()["id"] and Compensation.objects.count() == 1
    pay = f"{order}{made.json()['id']}/payments/"
    assert lawyer.post(pay, {"amount": 3000000, "paid_on": day}, content_type=J).status_code == 201
    over = lawyer.post(pay, {"amount": 6000000, "paid_on": day}, content_type=J)
    assert over.status_code == 400 and "5,000,000" in over.json()["errors"]["amount"][0]
    assert Payment.objects.count() == 1
    shown = lawyer.get(f"{URL}{pk}/defendants/").json()["results"][0]["compensation"][0]
    assert shown["amount"] == 8000000 and shown["paid"] == 3000000


def test_the_ends_are_404_outside_the_compartment(world, login):
    lawyer = login(world.lawyer)
    pk, defendant, charge = _proceeding(world, lawyer)
    now = timezone.now().isoformat()
    paths = {
        f"{URL}{pk}/defendants/{defendant}/custody/": {"status": "police", "since": now},
        f"{URL}{pk}/charges/{charge}/judgment/": {"verdict": "acquitted", "on": timezone.localdate().isoformat()},
        f"{URL}{pk}/charges/{charge}/appeal/": {"appealed_on": timezone.localdate().isoformat()},
        f"{URL}{pk}/defendants/{defendant}/compensation/": {
            "case": str(world.case.pk),
            "amount": 1,
            "ordered_on": "2026-01-01",
        },
        "/api/v1/legal/calendar/": {},
    }
    for persona in ("social_worker", "shelter_caseworker", "nurse", "police", "outsider"):
        client = login(world.users[persona])
        for path, body in paths.items():
            assert client.post(path, body, content_type=J).status_code == 404, (persona, path)
    assert not CustodyStep.objects.exists() and not Judgment.objects.exists()


def _hearing(client, pk, hours):  # type: ignore[no-untyped-def]
    at = (timezone.now() + datetime.timedelta(hours=hours)).isoformat()
    made = client.post(
        f"{URL}{pk}/hearings/", {"at": at, "court": "Phnom Penh court", "room": "2", "kind": "trial"}, content_type=J
    )
    assert made.status_code == 201, made.content
    return made.json()["id"]


def test_the_calendar_feed_names_nobody_and_is_revocable(world, login, client):
    lawyer = login(world.lawyer)
    pk, _, _ = _proceeding(world, lawyer, days_ago=10)
    _hearing(lawyer, pk, 30)
    made = lawyer.post("/api/v1/legal/calendar/", content_type=J)
    assert made.status_code == 201
    url = made.json()["url"]
    reference = lawyer.get(f"{URL}{pk}/").json()["reference"]
    client.logout()
    feed = client.get(url, HTTP_ACCEPT="text/calendar")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    text = feed.content.decode()
    assert "BEGIN:VEVENT" in text and "Phnom Penh court" in text
    assert reference in text
    survivor = world.case.survivor
    for name in ("Sok Dara", survivor.given_name, survivor.family_name):
        assert name and name not in text
    renewed = login(world.lawyer).post("/api/v1/legal/calendar/", content_type=J).json()["url"]
    assert client.get(url).status_code == 404  # the old address stopped working
    login(world.lawyer).delete("/api/v1/legal/calendar/")
    assert client.get(renewed).status_code == 404
    assert client.get("/api/v1/legal/calendar/" + "x" * 43 + ".ics").status_code == 404


@pytest.mark.parametrize("hours, reminded", [(20, True), (30, False)])
def test_hearings_are_reminded_a_day_ahead_once(world, login, hours, reminded):
    lawyer = login(world.lawyer)
    pk, _, _ = _proceeding(world, lawyer, days_ago=10)
    _hearing(lawyer, pk, hours)
    assert actions.remind_due() == int(reminded)
    assert Notification.objects.filter(recipient=world.lawyer, data__what="reminder").exists() is reminded
    assert actions.remind_due() == 0


def test_a_manager_sees_how_long_each_stage_takes_never_a_proceeding(world, login):
    lawyer = login(world.lawyer)
    references = []
    for n in range(3):
        pk, _, _ = _proceeding(world, lawyer, days_ago=100 + 10 * n)
        day = (timezone.localdate() - datetime.timedelta(days=40 + n)).isoformat()
        assert lawyer.post(f"{URL}{pk}/stage/", {"stage": "police", "on": day}, content_type=J).status_code == 200
        references.append(lawyer.get(f"{URL}{pk}/").json()["reference"])
    manager = login(world.manager)
    figures = manager.get("/api/v1/legal/stage-durations/").json()
    complaint = next(s for s in figures["stages"] if s["stage"] == "complaint")
    assert figures["proceedings"] == 3 and complaint["proceedings"] == 3
    assert complaint["median_days"] == 69 and complaint["p90_days"] == 78
    trial = next(s for s in figures["stages"] if s["stage"] == "trial")
    assert trial["proceedings"] == 0 and trial["median_days"] is None
    page = manager.get("/legal/stages/").content.decode()
    assert "Time in court" in page and not any(r in page for r in references)
    assert manager.get(f"{URL}").status_code == 404  # the proceedings themselves stay closed to him
    for persona in ("nurse", "social_worker", "shelter_caseworker"):
        client = login(world.users[persona])
        assert client.get("/api/v1/legal/stage-durations/").status_code == 404
        assert client.get("/legal/stages/").status_code == 404


# Found by an independent review: the address made and revoked without an audit trace; an old
# address coming back to life with a later membership.
def test_the_calendar_address_is_audited_and_ends_with_the_lawyers_membership(world, login, client):
    from casebridge.agencies.models import Membership
    from casebridge.audit.models import AuditEvent
    from casebridge.legal.models import CalendarFeed

    lawyer = login(world.lawyer)
    url = lawyer.post("/api/v1/legal/calendar/", content_type=J).json()["url"]
    lawyer.delete("/api/v1/legal/calendar/")
    kinds = list(AuditEvent.objects.filter(object_type="legal_calendar_feed").values_list("action", flat=True))
    assert sorted(kinds) == ["create", "update"]
    url = login(world.lawyer).post("/api/v1/legal/calendar/", content_type=J).json()["url"]
    membership = Membership.objects.get(user=world.lawyer, agency=world.agencies["JPC"])
    membership.is_active = False
    membership.save()
    membership.is_active = True
    membership.save()
    client.logout()
    assert client.get(url).status_code == 404
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
