"""Hearings: scheduled for an open proceeding (a closed one refused), a survivor summoned only
while her consent to take part is current, her future attendances cancelled (and the lawyers
told) when she withdraws it, a confrontation without protection flagged and alerted, the home
page's hearings for lawyers and for her case worker, and 404 outside the compartment."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casebridge.agencies.models import Role
from casebridge.legal.models import Attendance, Hearing
from casebridge.legal.tests.helpers import testimony_consent
from casebridge.lib.testing import make_user
from casebridge.notifications.models import Notification

J = "application/json"
URL = "/api/v1/legal/proceedings/"


def _proceeding(world, client):  # type: ignore[no-untyped-def]
    opened = client.post(
        URL,
        {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": timezone.localdate().isoformat()},
        content_type=J,
    )
    assert opened.status_code == 201, opened.content
    return opened.json()["id"]


def _hearing(client, pk, days=5, **extra):  # type: ignore[no-untyped-def]
    at = (timezone.now() + datetime.timedelta(days=days)).isoformat()
    made = client.post(
        f"{URL}{pk}/hearings/", {"at": at, "court": "Phnom Penh court", "kind": "trial", **extra}, content_type=J
    )
    assert made.status_code == 201, made.content
    return made.json()["id"]


def test_a_survivor_attends_only_with_her_consent_and_her_withdrawal_cancels_it(world, login):
    colleague, _ = make_user("colleague", world.agencies["JPC"], Role.LAWYER)
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    hearing = _hearing(lawyer, pk)
    summon = f"{URL}{pk}/hearings/{hearing}/survivors/"
    refused = lawyer.post(summon, {"case": str(world.case.pk)}, content_type=J)
    assert refused.status_code == 400 and "consent" in refused.json()["errors"]["case"][0]
    assert not Attendance.objects.exists()
    testimony_consent(world, "given")
    shielded = lawyer.post(
        summon, {"case": str(world.case.pk), "requested": ["screen"], "granted": ["screen"]}, content_type=J
    )
    assert shielded.status_code == 200 and shielded.json()["survivors"][0]["confrontation"] is False
    assert not Notification.objects.filter(kind="hearing").exists()
    exposed = lawyer.post(summon, {"case": str(world.case.pk), "requested": ["screen"], "granted": []}, content_type=J)
    assert exposed.json()["survivors"][0]["confrontation"] is True
    assert Notification.objects.filter(kind="hearing", recipient=colleague, data__what="confrontation").exists()
    testimony_consent(world, "withdrawn")
    attendance = Attendance.objects.get()
    assert attendance.cancelled_at is not None
    assert Notification.objects.filter(kind="hearing", recipient=world.lawyer, data__what="withdrawn").exists()


def test_a_closed_proceeding_takes_no_hearing(world, login):
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    today = timezone.localdate().isoformat()
    assert lawyer.post(f"{URL}{pk}/stage/", {"closed_as": "settled", "on": today}, content_type=J).status_code == 200
    at = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    refused = lawyer.post(f"{URL}{pk}/hearings/", {"at": at, "court": "X", "kind": "trial"}, content_type=J)
    assert refused.status_code == 409 and not Hearing.objects.exists()


def test_the_home_page_shows_hearings_to_the_lawyer_and_her_case_worker(world, login):
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    hearing = _hearing(lawyer, pk, days=2, room="Room 3")
    testimony_consent(world, "given")
    lawyer.post(
        f"{URL}{pk}/hearings/{hearing}/survivors/", {"case": str(world.case.pk), "granted": ["video"]}, content_type=J
    )
    assert "Hearing at" in login(world.lawyer).get("/").content.decode()
    home = login(world.social_worker).get("/").content.decode()  # her case worker
    assert "She attends a hearing at" in home and "Phnom Penh court" in home
    assert "hearing" not in login(world.nurse).get("/").content.decode().lower()


def test_hearings_are_404_outside_the_compartment(world, login):
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    hearing = _hearing(lawyer, pk)
    for persona in ("social_worker", "shelter_caseworker", "nurse", "outsider"):
        client = login(world.users[persona])
        assert client.get(f"{URL}{pk}/hearings/").status_code == 404, persona
        summon = f"{URL}{pk}/hearings/{hearing}/survivors/"
        assert client.post(summon, {"case": str(world.case.pk)}, content_type=J).status_code == 404, persona


# Found by an independent review of hearings: a closed proceeding cancels her hearings to come; a
# confrontation alerted again after her consent was withdrawn and given again; no hearing of another
# proceeding, nor a case not linked to it.


def test_close_leaves_attendance_on_home_page(world, login):
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    h = _hearing(lawyer, pk, days=3)
    testimony_consent(world, "given")
    assert (
        lawyer.post(
            f"{URL}{pk}/hearings/{h}/survivors/", {"case": str(world.case.pk), "granted": ["video"]}, content_type=J
        ).status_code
        == 200
    )
    today = timezone.localdate().isoformat()
    assert lawyer.post(f"{URL}{pk}/stage/", {"closed_as": "settled", "on": today}, content_type=J).status_code == 200
    home = login(world.social_worker).get("/").content.decode()
    assert "She attends a hearing at" not in home, "closed (settled) proceeding: she is still shown as attending"


def test_resummon_after_withdrawal_realerts_confrontation(world, login):
    colleague, _ = make_user("colleague", world.agencies["JPC"], Role.LAWYER)
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    h = _hearing(lawyer, pk, days=3)
    testimony_consent(world, "given")
    s = f"{URL}{pk}/hearings/{h}/survivors/"
    lawyer.post(s, {"case": str(world.case.pk)}, content_type=J)  # unshielded -> alert 1
    testimony_consent(world, "withdrawn")
    assert Attendance.objects.get().cancelled_at is not None
    testimony_consent(world, "given")
    Notification.objects.all().delete()
    r = lawyer.post(s, {"case": str(world.case.pk)}, content_type=J)
    assert r.json()["survivors"][0]["confrontation"] is True
    assert Notification.objects.filter(recipient=colleague, data__what="confrontation").exists(), (
        "no alert on re-summon"
    )


def test_idor_holds(world, login):
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    pk2 = _proceeding(world, lawyer)
    h2 = _hearing(lawyer, pk2, days=3)
    testimony_consent(world, "given")
    assert (
        lawyer.post(f"{URL}{pk}/hearings/{h2}/survivors/", {"case": str(world.case.pk)}, content_type=J).status_code
        == 404
    )
    h = _hearing(lawyer, pk, days=3)
    r = lawyer.post(f"/legal/{pk}/summon/", {"summon-hearing": h2, "summon-case": str(world.case.pk)})
    assert r.status_code == 400 and not Attendance.objects.exists()
    for who in ("social_worker", "police", "privacy_officer"):
        c = login(getattr(world, who))
        assert c.get(f"/legal/{pk}/").status_code == 404
        assert c.post(f"/legal/{pk}/hearing/", {}).status_code == 404
    # due item text free of names
    lawyer = login(world.lawyer)
    lawyer.post(f"{URL}{pk}/hearings/{h}/survivors/", {"case": str(world.case.pk)}, content_type=J)
    from casebridge.legal.due import hearings

    for u in (world.lawyer, world.social_worker):
        for it in hearings(u):
            assert (
                world.case.survivor.given_name not in it.title if hasattr(world.case.survivor, "given_name") else True
            )


def test_her_case_page_shows_her_consent_and_next_hearing_to_those_who_prepare_her(world, login):
    lawyer = login(world.lawyer)
    pk = _proceeding(world, lawyer)
    hearing = _hearing(lawyer, pk, days=4, room="Room 3")
    testimony_consent(world, "given")
    lawyer.post(
        f"{URL}{pk}/hearings/{hearing}/survivors/", {"case": str(world.case.pk), "granted": ["video"]}, content_type=J
    )
    page = login(world.social_worker).get(f"/cases/{world.case.pk}/").content.decode()
    assert "consent to take part in the prosecution is current" in page
    assert "Next hearing she attends" in page and "Room 3" in page and "Video testimony" in page
    partner = login(world.shelter_caseworker).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Next hearing she attends" in partner  # on her team with the care plan: goes with her
    nurse = login(world.nurse).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Next hearing she attends" not in nurse and "consent to take part in the prosecution is" not in nurse
