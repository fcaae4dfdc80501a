"""Handing her case to another lead agency: proposed with her consent (refused without it), read
by the receiving agency while it decides, accepted (it becomes the lead; the old lead keeps only
what it chose, by grant), declined or withdrawn; and where she lives, move by move."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casebridge.cases.access import case_access
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.lib.testing import share_consent
from casebridge.restoration.models import Placement, Transfer

J = "application/json"


def _url(world, tail=""):  # type: ignore[no-untyped-def]
    return f"/api/v1/cases/{world.case.pk}/{tail}"


def _propose(world, client, **extra):  # type: ignore[no-untyped-def]
    data = {"to_agency": "DOSVY", "reason": "The field office hands its work to government.", **extra}
    return client.post(_url(world, "transfer/"), data, content_type=J)


def test_a_case_is_handed_to_the_provincial_office_with_her_consent(world, login):
    lead = login(world.social_worker)
    refused = _propose(world, lead)
    assert refused.status_code == 400 and "consent" in refused.json()["errors"] and not Transfer.objects.exists()
    share_consent(world, "DOSVY")
    proposed = _propose(world, lead, keep_sections=["identity", "care_plan"], keep_days=30)
    assert proposed.status_code == 201, proposed.content
    pk = proposed.json()["id"]
    assert _propose(world, lead).status_code == 409  # one at a time
    office = login(world.gov_social_worker)
    assert "care_plan" in case_access(world.gov_social_worker, world.case).sections  # reads while deciding
    accepted = office.post(_url(world, f"transfer/{pk}/accept/"), {"note": "We take her."}, content_type=J)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    case = Case.objects.get(pk=world.case.pk)
    assert case.lead_agency == world.agencies["DOSVY"] and case.owner == world.gov_social_worker
    assert case_access(world.gov_social_worker, case).can_manage
    old = case_access(world.social_worker, case)
    assert not old.can_manage and old.sections == {Section.IDENTITY, Section.CARE_PLAN}
    history = login(world.gov_social_worker).get(_url(world, "transfer/")).json()["results"]
    assert [t["state"] for t in history] == ["accepted"]


def test_declined_or_withdrawn_the_receiving_agency_reads_nothing_more(world, login):
    share_consent(world, "DOSVY")
    lead = login(world.social_worker)
    pk = _propose(world, lead).json()["id"]
    office = login(world.gov_social_worker)
    assert office.post(_url(world, f"transfer/{pk}/decline/"), {}, content_type=J).status_code == 400  # why?
    assert office.post(_url(world, f"transfer/{pk}/decline/"), {"note": "No staff"}, content_type=J).status_code == 200
    assert office.get(_url(world, "transfer/")).status_code == 404
    assert Case.objects.get(pk=world.case.pk).lead_agency == world.agencies["JPC"]
    lead = login(world.social_worker)
    again = _propose(world, lead).json()["id"]
    assert (
        login(world.gov_social_worker).post(_url(world, f"transfer/{again}/withdraw/"), {}, content_type=J).status_code
        == 403
    )
    assert (
        login(world.social_worker).post(_url(world, f"transfer/{again}/withdraw/"), {}, content_type=J).status_code
        == 200
    )
    assert not case_access(world.gov_social_worker, world.case).sections


def test_the_outsider_gets_404_on_the_transfer_routes(world, login):
    share_consent(world, "DOSVY")
    pk = _propose(world, login(world.social_worker)).json()["id"]
    outsider = login(world.outsider)
    assert outsider.get(_url(world, "transfer/")).status_code == 404
    assert outsider.post(_url(world, f"transfer/{pk}/accept/"), {}, content_type=J).status_code == 404
    assert Transfer.objects.get().state == "proposed"


def test_she_moves_from_one_placement_to_another_and_leaves_care(world, login):
    hac, shs = world.agencies["HAC"], world.agencies["SHS"]
    hac.services, shs.services, shs.capacity = ["assessment"], ["shelter"], 5
    hac.save()
    shs.save()
    lead = login(world.social_worker)
    now = timezone.now()
    first = lead.post(
        _url(world, "placements/"),
        {"agency": "HAC", "at": (now - datetime.timedelta(days=10)).isoformat(), "reason": "Assessment first"},
        content_type=J,
    )
    assert first.status_code == 201, first.content
    police = lead.post(
        _url(world, "placements/"), {"agency": "AHTJP", "at": now.isoformat(), "reason": "x"}, content_type=J
    )
    assert police.status_code == 400 and Placement.objects.count() == 1
    moved = lead.post(
        _url(world, "placements/"),
        {"agency": "SHS", "at": now.isoformat(), "reason": "Long-term shelter"},
        content_type=J,
    )
    assert moved.status_code == 201
    assert Placement.objects.current().get().agency == shs
    left = lead.post(
        _url(world, "placements/"), {"at": now.isoformat(), "reason": "Home with her aunt"}, content_type=J
    )
    assert left.status_code == 204 and not Placement.objects.current().exists()
    assert login(world.police).post(_url(world, "placements/"), {}, content_type=J).status_code == 404
    assert login(world.shelter_caseworker).get(_url(world, "placements/")).status_code == 404  # no whereabouts
