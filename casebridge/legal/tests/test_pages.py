"""The legal pages: a lawyer opens a proceeding for a case by its number, adds a defendant and a
charge, moves it on and closes it; a refused input comes back with its errors and writes
nothing; charge codes are kept by the platform's administrators, audited."""

from __future__ import annotations

import uuid

from django.utils import timezone

from casebridge.legal.models import Charge, ChargeCode, Proceeding


def test_a_lawyer_works_a_proceeding_from_the_pages(world, login):
    ChargeCode.objects.get_or_create(article="34", defaults={"title": "Purchase of child prostitution"})
    today = timezone.localdate().isoformat()
    lawyer = login(world.lawyer)
    assert "Proceedings" in lawyer.get("/").content.decode()
    opened = lawyer.post(
        "/legal/new/",
        {
            "agency": world.agencies["JPC"].pk,
            "case_numbers": world.case.number.lower(),
            "role": "victim",
            "opened_on": today,
            "court": "Phnom Penh Municipal Court",
            "submission": str(uuid.uuid4()),
        },
    )
    assert opened.status_code == 302, opened.content.decode()[:2000]
    proceeding = Proceeding.objects.get()
    page = f"/legal/{proceeding.pk}/"
    assert proceeding.reference in lawyer.get(page).content.decode()
    added = {"defendant-name": "Mr Fictional", "defendant-submission": str(uuid.uuid4())}
    assert lawyer.post(f"{page}defendant/", added).status_code == 302
    defendant = proceeding.defendants.get()
    bad = {
        "charge-defendant": str(defendant.pk),
        "charge-article": "34",
        "charge-filed_on": "2001-01-01",
        "charge-submission": str(uuid.uuid4()),
    }
    refused = lawyer.post(f"{page}charge/", bad)
    assert refused.status_code == 400 and not Charge.objects.exists()
    good = {**bad, "charge-filed_on": today, "charge-submission": str(uuid.uuid4())}
    assert lawyer.post(f"{page}charge/", good).status_code == 302 and Charge.objects.count() == 1
    assert lawyer.post(f"{page}stage/", {"stage-stage": "police", "stage-on": today}).status_code == 302
    settled = lawyer.post(f"{page}close/", {"close-closed_as": "settled", "close-on": today})
    assert settled.status_code == 302
    proceeding.refresh_from_db()
    assert proceeding.stage == "police" and proceeding.closed_as == "settled"
    assert "Add a defendant" not in lawyer.get(page).content.decode()  # closed: nothing more
    case_page = login(world.lawyer).get(f"/cases/{world.case.pk}/").content.decode()
    assert proceeding.reference in case_page
    shelter = login(world.shelter_caseworker).get(f"/cases/{world.case.pk}/").content.decode()
    assert proceeding.reference not in shelter  # the legal section only


def test_charge_codes_are_kept_by_the_platform_administrators_and_audited(world, login):
    from django.contrib.auth.models import Permission

    from casebridge.audit.models import AuditEvent

    code = ChargeCode.objects.get(article="42")  # seeded from the 2008 law
    admin_user = world.admin
    admin_user.is_staff = True
    admin_user.save()
    admin_user.user_permissions.set(Permission.objects.filter(codename__endswith="chargecode"))
    url = f"/admin/legal/chargecode/{code.pk}/change/"
    form = {
        "article": "42",
        "title": "Sexual intercourse with a minor under 15",
        "title_km": code.title_km,
        "penalty": "5-10 years",
        "minor_aggravates": "on",
    }
    client = login(admin_user)
    assert client.post(url, form).status_code == 403  # JPC's administrator: not the platform's
    world.agencies["JPC"].is_platform = True
    world.agencies["JPC"].save()
    assert client.post(url, form).status_code == 302
    code.refresh_from_db()
    assert not code.active  # taken out of use, never deleted
    assert AuditEvent.objects.filter(object_type="chargecode", action="update").exists()
    assert client.get(f"/admin/legal/chargecode/{code.pk}/delete/").status_code == 403


def test_a_hearing_and_her_measures_from_the_page(world, login):
    import datetime

    from casebridge.consents.actions import do_record_consent
    from casebridge.legal.models import Attendance, Hearing

    do_record_consent(
        world.case,
        actor=world.social_worker,
        purpose="testimony",
        decision="given",
        given_by="guardian",
        child_assent=True,
        decided_on=timezone.localdate(),
        language="khm",
    )
    lawyer = login(world.lawyer)
    opened = lawyer.post(
        "/api/v1/legal/proceedings/",
        {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    page = f"/legal/{opened.json()['id']}/"
    when = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    scheduled = {
        "hearing-at": when,
        "hearing-court": "Phnom Penh court",
        "hearing-kind": "trial",
        "hearing-defendants_attend": "on",
        "hearing-submission": str(uuid.uuid4()),
    }
    assert lawyer.post(f"{page}hearing/", scheduled).status_code == 302
    hearing = Hearing.objects.get()
    summon = {"summon-hearing": str(hearing.pk), "summon-case": str(world.case.pk), "summon-requested": ["screen"]}
    assert lawyer.post(f"{page}summon/", summon).status_code == 302
    shown = lawyer.get(page).content.decode()
    assert Attendance.objects.get().confrontation and "without protection" in shown
    assert "requested: Screen" in shown


def _opened(world, client, days_ago=60):  # type: ignore[no-untyped-def]
    import datetime

    opened = (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()
    made = client.post(
        "/api/v1/legal/proceedings/",
        {"agency": "JPC", "cases": [str(world.case.pk)], "opened_on": opened},
        content_type="application/json",
    )
    return Proceeding.objects.get(pk=made.json()["id"])


def test_custody_judgment_and_compensation_from_the_page(world, login):
    import datetime

    from casebridge.legal.models import Compensation, Judgment

    lawyer = login(world.lawyer)
    proceeding = _opened(world, lawyer)
    page = f"/legal/{proceeding.pk}/"
    today = timezone.localdate()
    lawyer.post(f"{page}defendant/", {"defendant-name": "Mr Fictional", "defendant-submission": str(uuid.uuid4())})
    defendant = proceeding.defendants.get()
    charge = {
        "charge-defendant": str(defendant.pk),
        "charge-article": "34",
        "charge-filed_on": (today - datetime.timedelta(days=50)).isoformat(),
        "charge-submission": str(uuid.uuid4()),
    }
    assert lawyer.post(f"{page}charge/", charge).status_code == 302
    arrested = timezone.localtime() - datetime.timedelta(hours=60)
    held = {
        "custody-defendant": str(defendant.pk),
        "custody-status": "police",
        "custody-since": f"{arrested:%Y-%m-%dT%H:%M}",
    }
    assert lawyer.post(f"{page}custody/", held).status_code == 302
    assert "held by the police past the time allowed" in lawyer.get(page).content.decode()
    verdict = {
        "judgment-charge": str(Charge.objects.get().pk),
        "judgment-verdict": "convicted",
        "judgment-on": (today - datetime.timedelta(days=5)).isoformat(),
        "judgment-years": "8",
    }
    early = lawyer.post(f"{page}judgment/", verdict)
    assert early.status_code == 409 and not Judgment.objects.exists()
    for stage in ("police", "prosecutor", "trial", "verdict"):
        moved = lawyer.post(
            f"{page}stage/", {"stage-stage": stage, "stage-on": (today - datetime.timedelta(days=10)).isoformat()}
        )
        assert moved.status_code == 302
    assert lawyer.post(f"{page}judgment/", verdict).status_code == 302
    ordered = {
        "compensation-defendant": str(defendant.pk),
        "compensation-case": str(world.case.pk),
        "compensation-amount": "4000000",
        "compensation-ordered_on": today.isoformat(),
        "compensation-submission": str(uuid.uuid4()),
    }
    assert lawyer.post(f"{page}compensation/", ordered).status_code == 302
    assert Compensation.objects.count() == 1
    shown = lawyer.get(page).content.decode()
    assert "Convicted" in shown and "4000000 riel ordered" in shown.replace(",", "")
    for persona in ("social_worker", "shelter_caseworker", "nurse"):
        assert login(world.users[persona]).post(f"{page}compensation/", ordered).status_code == 404


def test_evidence_is_registered_handed_on_and_confirmed_from_the_page(world, login):
    from casebridge.agencies.models import Role
    from casebridge.legal.models import Evidence, Handoff, HandoffReceipt
    from casebridge.lib.testing import make_user

    colleague, _ = make_user("colleague", world.agencies["JPC"], Role.LAWYER)
    lawyer = login(world.lawyer)
    proceeding = _opened(world, lawyer)
    page = f"/legal/{proceeding.pk}/"
    item = {
        "evidence-kind": "document",
        "evidence-description": "Bar ledger",
        "evidence-collected_by": "AHTJP",
        "evidence-collected_on": timezone.localdate().isoformat(),
        "evidence-location": "JPC safe",
        "evidence-sha256": "abc",
        "evidence-submission": str(uuid.uuid4()),
    }
    assert lawyer.post(f"{page}evidence/", item).status_code == 400 and not Evidence.objects.exists()
    item.update({"evidence-sha256": "", "evidence-submission": str(uuid.uuid4())})
    assert lawyer.post(f"{page}evidence/", item).status_code == 302
    evidence = Evidence.objects.get()
    handed = {
        "handoff-evidence": str(evidence.pk),
        "handoff-receiver": str(colleague.pk),
        "handoff-location": "Court registry",
        "handoff-submission": str(uuid.uuid4()),
    }
    assert lawyer.post(f"{page}handoff/", handed).status_code == 302
    handoff = Handoff.objects.get()
    assert lawyer.post(f"{page}confirm/", {"confirm-handoff": str(handoff.pk)}).status_code == 400  # not his
    receiver = login(colleague)
    assert "I received it" in receiver.get(page).content.decode()
    assert receiver.post(f"{page}confirm/", {"confirm-handoff": str(handoff.pk)}).status_code == 302
    assert HandoffReceipt.objects.filter(handoff=handoff, by=colleague).exists()
    assert "confirmed" in receiver.get(page).content.decode()


def test_the_calendar_address_is_made_and_revoked_from_the_page(world, login, client):
    lawyer = login(world.lawyer)
    made = lawyer.post("/legal/calendar/")
    assert made.status_code == 200
    url = made.context["url"]
    assert url.endswith(".ics")
    assert lawyer.post("/legal/calendar/", {"revoke": "1"}).status_code == 302
    client.logout()
    assert client.get(url).status_code == 404
    for persona in ("social_worker", "shelter_caseworker", "nurse"):
        assert login(world.users[persona]).get("/legal/calendar/").status_code == 404
