"""The partner directory: whom each partner takes, its occupancy counted from current placements,
the match for a survivor with its reasons (best first), at a constant number of queries, and 404
for a case whose survivor one does not know."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casebridge.crisis import actions

H = datetime.timedelta(hours=1)


def _directory(world):  # type: ignore[no-untyped-def]
    hac, shs, oth = world.agencies["HAC"], world.agencies["SHS"], world.agencies["OTH"]
    hac.services, hac.staff_languages, hac.max_age, hac.capacity = ["assessment"], ["khm"], 17, 1
    shs.services, shs.staff_languages, shs.min_age, shs.capacity = ["shelter"], ["eng"], 18, 10
    oth.services, oth.sexes = ["shelter", "counselling"], ["Masculine"]
    for agency in (hac, shs, oth):
        agency.save()
    return hac, shs, oth


def test_the_directory_counts_occupancy_from_placements(world, login):
    hac, shs, oth = _directory(world)
    client = login(world.social_worker)
    body = client.get("/api/v1/partners/").json()["results"]
    assert [p["code"] for p in body] == sorted([hac.code, shs.code, oth.code], key=lambda c: world.agencies[c].name)
    assert {p["code"]: p["occupancy"] for p in body}[hac.code] == 0
    episode = actions.do_open_episode(
        world.case,
        actor=world.social_worker,
        place_kind="police_station",
        place="AHTJP",
        starts_at=timezone.now() - 50 * H,
    )
    actions.do_close_episode(episode, actor=world.social_worker, outcome="placed", agency=hac)
    body = client.get("/api/v1/partners/?service=assessment").json()["results"]
    assert [(p["code"], p["occupancy"], p["capacity"]) for p in body] == [(hac.code, 1, 1)]
    assert client.get("/api/v1/partners/?service=nonsense").status_code == 400


def test_the_match_for_her_is_best_first_with_the_reasons(world, login):
    hac, shs, oth = _directory(world)  # she is a Cambodian girl of 15 who speaks Khmer
    client = login(world.social_worker)
    body = client.get(f"/api/v1/partners/?case={world.case.pk}").json()["results"]
    first = body[0]
    assert (
        first["code"] == hac.code
        and "takes her age" in first["fits"]
        and "staff speak Khmer" in " ".join(first["fits"])
    )
    ruled_out = {p["code"]: p["misfits"] for p in body}
    assert ruled_out[shs.code] == ["takes ages from 18"]
    assert ruled_out[oth.code] == ["does not take her sex"]
    assert body[0]["score"] > body[-1]["score"]
    page = client.get(f"/partners/?case={world.case.number}").content.decode()
    assert "takes her age" in page and "does not take her sex" in page
    # The outsider does not know her: 404 in the API, an error on the page, no reasons.
    outsider = login(world.outsider)
    assert outsider.get(f"/api/v1/partners/?case={world.case.pk}").status_code == 404
    assert "takes her age" not in outsider.get(f"/partners/?case={world.case.number}").content.decode()


def test_the_match_costs_the_same_for_many_partners(world, login):
    from casebridge.agencies.models import Agency

    _directory(world)
    client = login(world.social_worker)
    url = f"/api/v1/partners/?case={world.case.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(15):
        Agency.objects.create(code=f"P{n:02d}", name=f"Partner {n}", org_type="NGO", services=["shelter"], capacity=5)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_directory_is_for_those_who_hold_case_content(world, login):
    assert login(world.trainer).get("/partners/").status_code == 404
    assert login(world.social_worker).get("/partners/").status_code == 200


def test_her_placements_for_those_who_reach_her_whereabouts(world, login):
    from casebridge.cases import sections as sec
    from casebridge.cases.models import TeamMember
    from casebridge.cases.sections import Section

    hac, shs, _oth = _directory(world)
    hac.capacity = 5
    hac.save()
    episode = actions.do_open_episode(
        world.case,
        actor=world.social_worker,
        place_kind="police_station",
        place="AHTJP",
        starts_at=timezone.now() - 50 * H,
    )
    actions.do_close_episode(episode, actor=world.social_worker, outcome="placed", agency=hac, placement="Room 2")
    url = f"/api/v1/cases/{world.case.pk}/placements/"
    rows = login(world.social_worker).get(url).json()["results"]
    assert [(r["agency"], r["place"], r["ended_at"]) for r in rows] == [(hac.code, "Room 2", None)]
    assert login(world.shelter_caseworker).get(url).status_code == 404  # her team place has no whereabouts
    member = TeamMember.objects.get(case=world.case, agency=shs)
    member.sections |= sec.to_mask([Section.WHEREABOUTS])
    member.save()
    assert login(world.shelter_caseworker).get(url).json()["results"] == []  # another partner's: not hers to know
    assert login(world.outsider).get(url).status_code == 404
