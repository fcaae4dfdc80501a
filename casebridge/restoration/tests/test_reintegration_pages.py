"""The reintegration, placements and handover pages: who reaches them, the forms that move her
through the stages, record a move, and hand her case over; a refused input writes nothing."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from casebridge.cases.models import Case
from casebridge.lib.testing import share_consent
from casebridge.restoration import care
from casebridge.restoration.models import Placement, Reintegration, Transfer


def _url(world, area, name=""):  # type: ignore[no-untyped-def]
    return f"/cases/{world.case.pk}/{area}/" + (f"{name}/" if name else "")


def _today():  # type: ignore[no-untyped-def]
    return timezone.localdate().isoformat()


@pytest.mark.parametrize("area", ["reintegration", "placements", "transfer"])
def test_the_outsider_gets_404(world, login, area):
    client = login(world.outsider)
    assert client.get(_url(world, area)).status_code == 404
    for name in ("start", "check", "stage", "outcome", "move", "transfer", "transfer_answer"):
        assert client.post(_url(world, area, name), {}).status_code == 404


def test_the_lead_moves_her_through_pre_integration_from_the_page(world, login):
    lead = login(world.social_worker)
    start = {"start-on": _today(), "start-submission": str(uuid.uuid4())}
    assert lead.post(_url(world, "reintegration", "start"), start).status_code == 302
    reintegration = Reintegration.objects.get()
    early = lead.post(_url(world, "reintegration", "stage"), {"stage-stage": "integration", "stage-on": _today()})
    assert early.status_code == 400 and Reintegration.objects.get().stage == "pre_integration"
    for key in ("family_assessment", "home_visit", "safety_plan", "her_wish"):
        tick = {"check-key": key, "check-done_on": _today(), "check-note": "ok"}
        assert lead.post(_url(world, "reintegration", "check"), tick).status_code == 302, key
    scores = {f"outcome-{k}": "3" for k in ("safety", "wellbeing", "education_income", "legal_status")}
    scored = {"outcome-moment": "intake", "outcome-scored_on": _today(), "outcome-submission": str(uuid.uuid4())}
    assert lead.post(_url(world, "reintegration", "outcome"), {**scored, **scores}).status_code == 302
    page = lead.get(_url(world, "reintegration")).content.decode()
    assert 'name="stage-stage" value="integration"' in page
    moved = lead.post(_url(world, "reintegration", "stage"), {"stage-stage": "integration", "stage-on": _today()})
    assert moved.status_code == 302
    reintegration.refresh_from_db()
    assert reintegration.stage == "integration" and reintegration.follow_ups.count() == 12
    assert "Record the visit" in lead.get(_url(world, "reintegration")).content.decode()
    assert login(world.nurse).get(_url(world, "reintegration")).status_code == 404  # no care plan section
    assert care.missing(reintegration)


def test_the_placements_page_is_for_those_who_reach_her_whereabouts(world, login):
    hac = world.agencies["HAC"]
    hac.services = ["assessment"]
    hac.save()
    lead = login(world.social_worker)
    when = (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    move = {"move-agency": hac.pk, "move-at": when, "move-reason": "Assessment first", "move-place": "Room 2"}
    assert lead.post(_url(world, "placements", "move"), move).status_code == 302
    assert Placement.objects.current().get().agency == hac
    assert "Room 2" in lead.get(_url(world, "placements")).content.decode()
    for persona in ("police", "shelter_caseworker", "nurse", "lawyer"):
        assert login(world.users[persona]).get(_url(world, "placements")).status_code == 404, persona


def test_her_case_is_handed_over_from_the_page(world, login):
    share_consent(world, "DOSVY")
    dosvy = world.agencies["DOSVY"]
    lead = login(world.social_worker)
    propose = {
        "transfer-to_agency": dosvy.pk,
        "transfer-reason": "Handover to government",
        "transfer-keep_sections": ["identity"],
        "transfer-keep_days": "30",
        "transfer-submission": str(uuid.uuid4()),
    }
    assert lead.post(_url(world, "transfer", "transfer"), propose).status_code == 302
    pk = Transfer.objects.get().pk
    office = login(world.gov_social_worker)
    page = office.get(_url(world, "transfer")).content.decode()
    assert "Accept: we lead her case" in page
    answer = office.post(_url(world, "transfer", "transfer_answer"), {"transfer": pk, "move": "accept"})
    assert answer.status_code == 302
    assert Case.objects.get(pk=world.case.pk).lead_agency == dosvy
