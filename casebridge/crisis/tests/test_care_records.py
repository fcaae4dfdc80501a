"""What the worker on shift records (needs assessment with versions, care package, interviews,
the guardian decision), the first placement with its rules' suggestion and its grant, and the
supervisor's alerts at set moments (47 and 49 hours), each sent once across a worker restart."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casebridge.cases.models import ReferralGrant, TimelineEvent
from casebridge.cases.sections import Section, from_mask
from casebridge.crisis import actions, alerts
from casebridge.crisis.models import Alert, Assessment, CareItem, Episode, Interview
from casebridge.crisis.placement import suggest
from casebridge.notifications.models import Notification
from casebridge.restoration.models import Placement

H = datetime.timedelta(hours=1)


def _episode(world, start=None, **changes):  # type: ignore[no-untyped-def]
    data: dict[str, Any] = {"place_kind": "police_station", "place": "AHTJP station"}
    data["starts_at"] = start or timezone.now() - 2 * H
    data.update(changes)
    return actions.do_open_episode(world.case, actor=world.social_worker, **data)


def _partners(world):  # type: ignore[no-untyped-def]
    world.agencies["HAC"].services, world.agencies["HAC"].staff_languages = ["assessment"], ["khm"]
    world.agencies["SHS"].services, world.agencies["SHS"].staff_languages = ["shelter"], ["khm", "vie"]
    for code in ("HAC", "SHS"):
        world.agencies[code].save()


def test_the_assessment_keeps_every_version(world, login):
    episode = _episode(world)
    with pytest.raises(ValidationError, match="at least one"):
        actions.do_assess(episode, actor=world.social_worker)
    assert not Assessment.objects.exists()
    actions.do_assess(episode, actor=world.social_worker, emotional="Crying", immediate_needs="Water")
    client = login(world.shelter_caseworker)  # the shelter's team place includes crisis care
    url = f"/api/v1/crisis/episodes/{episode.pk}/assessments/"
    body = {"emotional": "Calmer", "family_risk": True, "family_contact": "Her sister, not her mother"}
    assert client.post(url, body, content_type="application/json").status_code == 201
    rows = client.get(url).json()["results"]
    assert [r["version"] for r in rows] == [2, 1]
    assert rows[0]["family_risk"] is True and rows[1]["emotional"] == "Crying"
    assert TimelineEvent.objects.filter(case=world.case, kind="needs_assessed").count() == 1
    bad = client.post(url, {"emotional": "x" * 2001}, content_type="application/json")
    assert bad.status_code == 400 and Assessment.objects.count() == 2
    assert login(world.outsider).get(url).status_code == 404


def test_care_package_and_interviews(world, login):
    episode = _episode(world)
    client = login(world.social_worker)
    url = f"/api/v1/crisis/episodes/{episode.pk}/care-items/"
    now = timezone.now().isoformat()
    assert (
        client.post(
            url, {"kind": "water", "quantity": 0, "handed_at": now}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            url, {"kind": "other", "quantity": 1, "handed_at": now}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            url, {"kind": "water", "quantity": 3, "handed_at": now}, content_type="application/json"
        ).status_code
        == 201
    )
    assert CareItem.objects.get().quantity == 3
    with pytest.raises(ValidationError, match="future"):
        actions.do_hand_item(
            episode, actor=world.social_worker, kind="food", quantity=1, handed_at=timezone.now() + 2 * H
        )
    interview = {
        "held_at": now,
        "minutes": 40,
        "interviewer": "AHTJP investigator",
        "present": "Social worker",
        "female_officer": False,
    }
    url = f"/api/v1/crisis/episodes/{episode.pk}/interviews/"
    made = login(world.shelter_caseworker).post(url, interview, content_type="application/json")
    assert made.status_code == 201 and made.json()["policy_met"] is False  # a girl of 15, no female officer
    told = Notification.objects.get(kind="interview_policy")
    assert told.recipient == world.social_worker and world.case.number in told.message()
    world.agencies["JPC"].female_officer_for_girls = False
    world.agencies["JPC"].save()
    actions.do_record_interview(
        episode, actor=world.social_worker, held_at=timezone.now(), minutes=20, interviewer="x", present="y"
    )
    assert list(Interview.objects.order_by("recorded_at").values_list("policy_met", flat=True)) == [False, True]
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.outsider).post(url, interview, content_type="application/json").status_code == 404
    assert Interview.objects.count() == 2


def test_the_guardian_decision_needs_its_reason(world, login):
    episode = _episode(world)
    client = login(world.social_worker)
    url = f"/api/v1/crisis/episodes/{episode.pk}/guardian/"
    assert (
        client.post(url, {"decision": "not_notified", "reason": ""}, content_type="application/json").status_code == 400
    )
    assert Episode.objects.get(pk=episode.pk).guardian == ""
    reason = "Her mother sold her to the bar owner."
    answer = client.post(url, {"decision": "not_notified", "reason": reason}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["guardian"] == "not_notified"
    event = TimelineEvent.objects.get(case=world.case, kind="guardian_decision")
    assert event.body == reason and event.section == Section.CRISIS_CARE
    assert login(world.outsider).post(url, {"decision": "notified", "reason": "x"}).status_code == 404


def test_the_seeded_rules_suggest_an_assessment_centre_for_a_girl(world, login):
    _partners(world)
    episode = _episode(world, timezone.now() - 50 * H)
    found = suggest(episode, world.social_worker)
    assert [r.name for r in found.fired] == ["Under 18: an assessment centre first"]
    assert found.codes() == ["HAC"]
    world.case.nationality = "VN"
    world.case.save()
    episode.case.refresh_from_db()
    found = suggest(episode, world.social_worker)
    # Both rules fire; no partner is an assessment centre with Vietnamese-speaking staff: the first rule wins.
    assert len(found.fired) == 2 and len(found.met) == 1 and found.codes() == ["HAC"]
    world.agencies["SHS"].services = ["shelter", "assessment"]
    world.agencies["SHS"].save()
    assert (
        suggest(episode, world.social_worker).codes() == ["SHS"] and len(suggest(episode, world.social_worker).met) == 2
    )
    body = login(world.social_worker).get(f"/api/v1/crisis/episodes/{episode.pk}/placement-suggestion/").json()
    assert body["partners"] == [{"code": "SHS", "name": world.agencies["SHS"].name}] and len(body["met"]) == 2
    rules = login(world.social_worker).get("/api/v1/crisis/placement-rules/").json()["results"]
    assert [r["priority"] for r in rules] == [10, 20]
    assert login(world.outsider).get(f"/api/v1/crisis/episodes/{episode.pk}/placement-suggestion/").status_code == 404


def test_the_placement_decision_and_its_handover_grant(world, login):
    _partners(world)
    episode = _episode(world, timezone.now() - 50 * H)
    client = login(world.social_worker)
    url = f"/api/v1/crisis/episodes/{episode.pk}/close/"
    refused = client.post(url, {"outcome": "placed", "agency": "SHS"}, content_type="application/json")
    assert refused.status_code == 400 and "not among those suggested" in refused.content.decode()
    assert not Placement.objects.exists() and Episode.objects.get(pk=episode.pk).ended_at is None
    done = client.post(
        url,
        {"outcome": "placed", "agency": "SHS", "placement": "Room 4", "override_reason": "HAC is full tonight"},
        content_type="application/json",
    )
    assert done.status_code == 200
    placement = Placement.objects.get()
    assert (
        placement.agency.code == "SHS"
        and placement.suggested == ["HAC"]
        and placement.decided_by == world.social_worker
    )
    assert str(placement.override_reason) == "HAC is full tonight" and placement.rules[0]["name"].startswith("Under 18")
    # The world's survivor agreed to share with SHS: the shelter gets the handover's sections for 30 days.
    grant = ReferralGrant.objects.get(agency=world.agencies["SHS"])
    assert from_mask(grant.sections) == {Section.IDENTITY, Section.CRISIS_CARE, Section.WHEREABOUTS}
    assert grant.expires_at is not None and grant.expires_at - grant.starts_at == datetime.timedelta(days=30)
    assert Placement.objects.visible_to(world.outsider).count() == 0
    assert Placement.objects.visible_to(world.shelter_caseworker).count() == 1


def test_no_consent_no_grant(world):
    _partners(world)
    episode = _episode(world, timezone.now() - 50 * H)
    actions.do_close_episode(episode, actor=world.social_worker, outcome="placed", agency=world.agencies["HAC"])
    assert Placement.objects.get().agency.code == "HAC"
    assert not ReferralGrant.objects.filter(agency=world.agencies["HAC"]).exists()  # no consent to share with HAC


def test_alerts_at_47_and_49_hours_each_sent_once(world):
    start = timezone.now().replace(microsecond=0) - 100 * H
    episode = _episode(world, start)
    Episode.objects.filter(pk=episode.pk).update(starts_at=start)
    actions.do_add_shift(
        episode,
        actor=world.social_worker,
        staff=world.social_worker,
        role="social_worker",
        starts_at=start,
        ends_at=start + 40 * H,
    )
    episode.refresh_from_db()
    # 35 h: a gap starts at 40 h, beyond the 6 hours' warning: nothing yet.
    assert alerts.check(start + 33 * H) == 0
    assert alerts.check(start + 35 * H) == 1  # the gap at 40 h starts within 6 hours
    assert alerts.check(start + 36 * H) == 0  # once
    assert alerts.check(start + 41 * H) == 1  # now a gap under way
    assert alerts.check(start + 43 * H) == 1  # the window ends at 48 h within 6 hours, no placement
    assert alerts.check(start + 47 * H) == 0
    assert alerts.check(start + 49 * H) == 0
    kinds = list(Notification.objects.filter(recipient=world.social_worker).values_list("kind", flat=True))
    assert sorted(k for k in kinds if k.startswith("crisis")) == ["crisis_gap", "crisis_gap", "crisis_window"]
    assert Alert.objects.count() == 3


def test_the_alert_task_survives_a_worker_restart_and_sends_once(committed_world):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from casebridge.lib.testing import run_ready_tasks

    world = committed_world
    start = timezone.now() - 47 * H
    episode = _episode(world, start)  # queues the first check when it commits
    Episode.objects.filter(pk=episode.pk).update(starts_at=start)
    mine = DBTaskResult.objects.filter(task_path=alerts.check_alerts.module_path)
    assert mine.filter(status=TaskResultStatus.READY).count() == 1
    run_ready_tasks()  # a worker: the gap now and the window ending are alerted (and e-mailed)
    assert Alert.objects.count() == 2
    later = mine.get(status=TaskResultStatus.READY)  # it queued its next run, in the database
    assert later.run_after > timezone.now()
    # The worker stops and another starts: the queued run is still there, and runs once due.
    mine.filter(pk=later.pk).update(run_after=timezone.now())
    run_ready_tasks()
    assert mine.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
    assert Alert.objects.count() == 2 and Notification.objects.filter(kind__startswith="crisis").count() == 2
    assert alerts.schedule(alerts.check_alerts) is False  # its next run is queued already
    # A run that died with its worker (still marked running long after) is replaced.
    mine.update(status=TaskResultStatus.RUNNING, started_at=timezone.now() - 20 * 60 * datetime.timedelta(seconds=1))
    assert alerts.schedule(alerts.check_alerts) is True


def test_the_worker_records_on_the_episode_page(world, login):
    _partners(world)
    episode = _episode(world, timezone.now() - 50 * H)
    client = login(world.shelter_caseworker)
    page = client.get(f"/crisis/{episode.pk}/").content.decode()
    assert "Assess her needs" in page and "Not assessed yet" in page
    url = lambda kind: f"/crisis/{episode.pk}/records/{kind}/"  # noqa: E731
    assert client.post(url("assessment"), {}).status_code == 400 and not Assessment.objects.exists()
    answer = client.post(url("assessment"), {"assessment-emotional": "Quiet", "assessment-family_risk": "on"})
    assert answer.status_code == 302 and Assessment.objects.get().family_risk
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert (
        client.post(url("care"), {"care-kind": "food", "care-quantity": "2", "care-handed_at": when}).status_code == 302
    )
    bad = client.post(url("interview"), {"interview-held_at": when, "interview-minutes": "0"})
    assert bad.status_code == 400 and "interview-minutes" in bad.content.decode()
    assert (
        client.post(
            url("interview"),
            {
                "interview-held_at": when,
                "interview-minutes": "30",
                "interview-interviewer": "Police",
                "interview-present": "SW",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(url("guardian"), {"guardian-decision": "deferred", "guardian-reason": "Mother unknown"}).status_code
        == 302
    )
    page = client.get(f"/crisis/{episode.pk}/").content.decode()
    assert "Quiet" in page and "Food \u00d7 2" in page and "against the agency" in page and "Mother unknown" in page
    assert client.post(url("nothing"), {}).status_code == 404
    outsider = login(world.outsider)
    for kind in ("assessment", "care", "interview", "guardian"):
        assert outsider.post(url(kind), {}).status_code == 404
    assert CareItem.objects.count() == 1 and Interview.objects.count() == 1


def test_the_supervisor_places_her_from_the_page(world, login):
    _partners(world)
    episode = _episode(world, timezone.now() - 50 * H)
    client = login(world.social_worker)
    page = client.get(f"/crisis/{episode.pk}/").content.decode()
    assert "Under 18: an assessment centre first" in page and "★ Hope Assessment Centre" in page
    close = f"/crisis/{episode.pk}/close/"
    shs = world.agencies["SHS"].pk
    client.post(close, {"close-outcome": "placed", "close-agency": shs})
    assert not Placement.objects.exists()
    client.post(close, {"close-outcome": "placed", "close-agency": shs, "close-override_reason": "Full tonight"})
    assert Placement.objects.get().agency_id == shs
    assert (
        "Rumdoul" in client.get(f"/crisis/{episode.pk}/").content.decode()
        or "Safe Haven" in client.get(f"/crisis/{episode.pk}/").content.decode()
    )


def test_placement_rules_are_changed_by_the_platform_administrators_and_audited(world, login):
    from django.contrib.auth.models import Permission

    from casebridge.audit.models import AuditEvent
    from casebridge.crisis.models import PlacementRule

    admin_user = world.admin
    admin_user.is_staff = True
    admin_user.save()
    admin_user.user_permissions.set(Permission.objects.filter(codename__endswith="placementrule"))
    rule = PlacementRule.objects.get(priority=20)
    url = f"/admin/crisis/placementrule/{rule.pk}/change/"
    client = login(admin_user)
    form = {
        "name": rule.name,
        "priority": "5",
        "under_age": "",
        "sex": "",
        "nationality": "VN",
        "language": "",
        "service": "shelter",
        "staff_language": "vie",
        "agency": "",
        "is_active": "on",
    }
    assert client.post(url, form).status_code == 403  # JPC's administrator: not the platform's
    assert PlacementRule.objects.get(pk=rule.pk).priority == 20
    world.agencies["JPC"].is_platform = True
    world.agencies["JPC"].save()
    assert client.post(url, form).status_code == 302
    rule.refresh_from_db()
    assert rule.priority == 5 and rule.service == "shelter"
    assert AuditEvent.objects.filter(object_type="placementrule", action="update").exists()
    assert client.get(f"/admin/crisis/placementrule/{rule.pk}/delete/").status_code == 403


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _glyphs(content: bytes) -> list[tuple[str, str]]:
    """Each glyph the PDF draws in a Khmer OS font, in drawing order, with the text its
    ToUnicode map gives it: ``(font, text)``."""
    import io
    import re

    from pypdf import PdfReader

    drawn = []
    for page in PdfReader(io.BytesIO(content)).pages:
        maps = {}
        resources: Any = page["/Resources"]
        for name, font in resources["/Font"].items():
            font = font.get_object()
            cmap = font["/ToUnicode"].get_object().get_data().decode()
            pairs = re.findall(r"<([0-9a-f]{4})> <([0-9a-f]*)>", cmap)
            maps[name] = (str(font["/BaseFont"]), {g: bytes.fromhex(t).decode("utf-16-be") for g, t in pairs})
        contents = page.get_contents()
        assert contents is not None
        stream = contents.get_data().decode("latin-1")
        for name, run in re.findall(r"(/\w+) [\d.]+ Tf\s*\[(.*?)\] TJ", stream, re.S):
            base, glyph_map = maps[name]
            for code in re.findall(r"<([0-9a-f]*)>", run):
                drawn += [(base, glyph_map.get(code[i : i + 4], "?")) for i in range(0, len(code), 4)]
    return drawn


def test_the_handover_summary_holds_what_the_centre_may_read_in_shaped_khmer(world, login):
    from casebridge.audit.models import AuditEvent

    _partners(world)
    episode = _episode(world, timezone.now() - 50 * H)
    actions.do_assess(episode, actor=world.social_worker, emotional="Calmer after sleeping", family_risk=True)
    url = f"/crisis/{episode.pk}/handover.pdf"
    client = login(world.social_worker)
    assert client.get(url).status_code == 409  # not placed yet
    actions.do_close_episode(
        episode, actor=world.social_worker, outcome="placed", agency=world.agencies["SHS"], override_reason="Near her"
    )
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = _pdf_text(answer.content)
    assert "Sok Srey Pov" in text and "Calmer after sleeping" in text and world.agencies["SHS"].name in text
    # Her Khmer name in the text layer, in logical order: "សុខ" whole; of "ស្រីពៅ" the glyph map
    # (WeasyPrint's ToUnicode, one text per glyph, first use wins) keeps "ីពៅ" but gives the
    # subscript RO's text to the shared base glyph "ស" already mapped by "សុខ".
    assert "សុខ" in text and "ីពៅ" in text
    # Shaped, not drawn letter by letter: in a Khmer OS font, and the subscript RO (a glyph of its
    # own, without text) drawn before its base "ស", as Khmer writing wants (HarfBuzz reordering).
    drawn = _glyphs(answer.content)
    khmer = [text for font, text in drawn if "Khmer-OS" in font]
    assert khmer and any(a == "" and b.startswith("ស") for a, b in itertools.pairwise(khmer))
    assert AuditEvent.objects.filter(action="download", object_type="crisis_handover").exists()
    assert login(world.outsider).get(url).status_code == 404
