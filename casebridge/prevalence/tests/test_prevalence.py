"""Prevalence studies through the pages and the API: who reaches them, the design, the draw,
visits, the estimate, bad input and the audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.audit.models import AuditEvent
from casebridge.lib.errors import Conflict, NotAllowed
from casebridge.prevalence import actions
from casebridge.prevalence.models import Establishment, Selection, SelectionStatus, Stratum, Study, Visit

TODAY = timezone.localdate
START = datetime.date(2015, 3, 1)
END = datetime.date(2015, 6, 30)


def api(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def make_study(world, *, strata=((2, 3, 2), (1, 4, 2)), title="Phnom Penh 2015"):  # type: ignore[no-untyped-def]
    """A study of the world's JPC with strata of (listed, frame size, sample size)."""
    study = actions.do_create_study(
        actor=world.manager, agency=world.agencies["JPC"], title=title, areas="Phnom Penh", starts_on=START, ends_on=END
    )
    for index, (listed, frame, sample) in enumerate(strata):
        stratum = actions.do_add_stratum(
            study,
            actor=world.manager,
            establishment_type="karaoke",
            area=f"Area {index}",
            frame_size=frame,
            sample_size=sample,
        )
        for n in range(listed + 1 if frame > listed else listed):
            actions.do_add_establishment(
                study, actor=world.manager, stratum=stratum, code=f"S{index}-{n}", name=f"Bar {index}-{n}"
            )
    return study


def visit(world, study, establishment, persons=10, minors=1, under_16=0, borderline=0, **kwargs):  # type: ignore[no-untyped-def]
    data = {
        "actor": world.ngo_investigator,
        "establishment": establishment,
        "visited_on": START,
        "from_time": datetime.time(21, 0),
        "to_time": datetime.time(23, 0),
        "persons": persons,
        "minors": minors,
        "under_16": under_16,
        "borderline": borderline,
    }
    data.update(kwargs)
    return actions.do_record_visit(study, **data)


def sampled(study):  # type: ignore[no-untyped-def]
    return list(Establishment.objects.filter(study=study, selection__status=SelectionStatus.SELECTED).order_by("code"))


def test_a_study_from_design_to_estimate_through_the_api(world):
    lead = api(world.manager)
    answer = lead.post(
        "/api/v1/prevalence/studies/",
        {"agency": "JPC", "title": "Study", "areas": "Phnom Penh", "starts_on": "2015-03-01", "ends_on": "2015-06-30"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    base = f"/api/v1/prevalence/studies/{answer.json()['id']}/"
    for area in ("North", "South"):
        made = lead.post(
            f"{base}strata/",
            {"establishment_type": "brothel", "area": area, "frame_size": 5, "sample_size": 2},
            format="json",
        )
        assert made.status_code == 201, made.json()
        for n in range(3):
            listed = lead.post(
                f"{base}establishments/",
                {"stratum": made.json()["id"], "code": f"{area[0]}{n}", "name": f"Place {area} {n}"},
                format="json",
            )
            assert listed.status_code == 201, listed.json()
    assert lead.post(f"{base}sample/", {"seed": 42}, format="json").status_code == 400  # nobody chooses the seed
    drawn = lead.post(f"{base}sample/", {}, format="json")
    assert drawn.status_code == 201
    chosen = [s for s in drawn.json() if s["status"] == "selected"]
    assert len(chosen) == 4 and len(drawn.json()) == 6
    field = api(world.ngo_investigator)
    for n, s in enumerate(chosen):
        made = field.post(
            f"{base}visits/",
            {
                "establishment": s["establishment"],
                "visited_on": "2015-04-02",
                "from_time": "22:00",
                "to_time": "01:00",
                "persons": 10 + n,
                "minors": n % 2,
                "under_16": 0,
            },
            format="json",
        )
        assert made.status_code == 201, made.json()
    estimate = field.get(f"{base}estimate/").json()
    assert set(estimate) >= {"minors", "under_16", "unweighted", "persons", "establishments"}
    assert set(estimate["minors"]) == {"estimate", "se", "ci_low", "ci_high", "deff"}
    assert set(estimate["unweighted"]) == {"estimate", "ci_low", "ci_high"}
    assert estimate["persons"] == 10 + 11 + 12 + 13 and estimate["establishments"] == 4
    assert estimate["unweighted"]["estimate"] == pytest.approx(2 / 46)
    assert 0 <= estimate["minors"]["ci_low"] <= estimate["minors"]["estimate"] <= estimate["minors"]["ci_high"] <= 1


def test_the_change_against_a_baseline(world):
    before, now = make_study(world, title="Baseline"), make_study(world, title="Follow-up")
    for study, minors in ((before, 4), (now, 1)):
        actions.do_draw_sample(study, actor=world.manager, seed=1)
        for e in sampled(study):
            visit(world, study, e, persons=10, minors=minors)
    answer = api(world.manager).get(f"/api/v1/prevalence/studies/{now.pk}/estimate/?baseline={before.pk}").json()
    assert answer["minors"]["estimate"] == pytest.approx(0.1)
    assert answer["change"]["absolute"] == pytest.approx(0.1 - 0.4)
    assert answer["change"]["relative"] == pytest.approx(-0.75)
    assert answer["change"]["ci_low"] <= answer["change"]["absolute"] <= answer["change"]["ci_high"]
    page = _client(world.manager).get(reverse("prevalence:detail", args=[now.pk]) + f"?baseline={before.pk}")
    assert "-75.0%" in page.content.decode()


def _client(user):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_the_outsider_and_people_without_a_study_role_get_404_everywhere(world):
    study = make_study(world)
    actions.do_draw_sample(study, actor=world.manager, seed=3)
    pages = [
        reverse("prevalence:list"),
        reverse("prevalence:new"),
        *(reverse(f"prevalence:{n}", args=[study.pk]) for n in ("detail", "frame", "sample", "visits", "visit_new")),
    ]
    posts = [reverse(f"prevalence:{n}", args=[study.pk]) for n in ("stratum_add", "sample", "replace", "visit_new")]
    theirs = visit(world, study, sampled(study)[0])
    posts.append(reverse("prevalence:visit_void", args=[study.pk, theirs.pk]))
    base = f"/api/v1/prevalence/studies/{study.pk}/"
    endpoints = [base, *(f"{base}{p}/" for p in ("strata", "establishments", "sample", "visits", "estimate"))]
    for user in (world.outsider, world.social_worker, world.lawyer, world.police):
        client = _client(user)
        for url in pages:
            if user is world.police and url == reverse("prevalence:list"):
                continue  # studies of their own agency would be listed: none of JPC's is
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url, {}).status_code == 404, (user, url)
        caller = api(user)
        for url in endpoints:
            assert caller.get(url).status_code == 404, (user, url)
        assert caller.post(f"{base}visits/", {}, format="json").status_code == 404
        assert caller.post(f"{base}visits/{theirs.pk}/void/", {"reason": "wrong"}, format="json").status_code == 404
        assert caller.get("/api/v1/prevalence/studies/").json()["results"] == []
    assert "Phnom Penh 2015" not in _client(world.police).get(reverse("prevalence:list")).content.decode()
    # the police investigator is of another agency: JPC's investigator reaches it
    assert _client(world.ngo_investigator).get(reverse("prevalence:detail", args=[study.pk])).status_code == 200


def test_investigators_visit_but_do_not_design(world):
    study = make_study(world)
    with pytest.raises(NotAllowed):
        actions.do_add_stratum(
            study, actor=world.ngo_investigator, establishment_type="street", area="X", frame_size=3, sample_size=1
        )
    answer = api(world.ngo_investigator).post(f"/api/v1/prevalence/studies/{study.pk}/sample/", {}, format="json")
    assert answer.status_code == 403 and not Selection.objects.exists()
    assert (
        api(world.ngo_investigator)
        .post(
            "/api/v1/prevalence/studies/",
            {"agency": "JPC", "title": "T", "areas": "A", "starts_on": "2015-01-01", "ends_on": "2015-02-01"},
            format="json",
        )
        .status_code
        == 403
    )
    assert _client(world.ngo_investigator).get(reverse("prevalence:new")).status_code == 404


def test_the_same_seed_draws_the_same_sample_and_replacements_are_recorded(world):
    first, second = make_study(world, strata=((6, 6, 3),), title="A"), make_study(world, strata=((6, 6, 3),), title="B")
    for study in (first, second):
        actions.do_draw_sample(study, actor=world.manager, seed=2015)
    order = [
        [s.establishment.code for s in Selection.objects.filter(study=st).order_by("rank")] for st in (first, second)
    ]
    assert order[0] == order[1]
    assert [s.status for s in Selection.objects.filter(study=first).order_by("rank")] == ["selected"] * 3 + [
        "reserve"
    ] * 3
    out = Selection.objects.get(study=first, rank=2)
    reserve = actions.do_replace(out, actor=world.manager, reason="Closed by the police")
    assert reserve.rank == 4 and reserve.status == "selected" and reserve.replaces_id == out.pk
    out.refresh_from_db()
    assert (out.status, out.replaced_reason) == ("replaced", "Closed by the police")
    visit(world, first, reserve.establishment)
    with pytest.raises(Conflict, match="visited"):
        actions.do_replace(reserve, actor=world.manager, reason="Too late now")
    with pytest.raises(Conflict, match="design can no longer change"):
        actions.do_add_stratum(
            first, actor=world.manager, establishment_type="street", area="X", frame_size=3, sample_size=1
        )


def test_a_different_seed_draws_another_order(world):
    studies = [make_study(world, strata=((8, 8, 4),), title=str(seed)) for seed in range(3)]
    orders = set()
    for seed, study in enumerate(studies):
        actions.do_draw_sample(study, actor=world.manager, seed=seed)
        orders.add(tuple(s.establishment.code for s in Selection.objects.filter(study=study).order_by("rank")))
    assert len(orders) > 1


@pytest.mark.parametrize(
    ("frame", "sample", "field", "message"),
    [
        (0, 1, "frame_size", "at least one establishment"),
        (3, 4, "sample_size", "more establishments than the frame holds"),
        (3, 0, "sample_size", "at least one"),
    ],
)
def test_a_bad_stratum_is_refused_with_a_clear_message(world, frame, sample, field, message):
    study = make_study(world, strata=())
    answer = api(world.manager).post(
        f"/api/v1/prevalence/studies/{study.pk}/strata/",
        {"establishment_type": "massage", "area": "Centre", "frame_size": frame, "sample_size": sample},
        format="json",
    )
    assert answer.status_code == 400
    assert message in " ".join(answer.json()["errors"][field])
    assert not Stratum.objects.exists()


def test_a_frame_listing_fewer_establishments_than_drawn_is_refused(world):
    study = make_study(world, strata=())
    stratum = actions.do_add_stratum(
        study, actor=world.manager, establishment_type="brothel", area="Z", frame_size=5, sample_size=3
    )
    actions.do_add_establishment(study, actor=world.manager, stratum=stratum, code="Z1", name="One")
    page = _client(world.manager).post(reverse("prevalence:sample", args=[study.pk]), follow=True)
    assert "fewer establishments than are to be drawn" in page.content.decode()
    study.refresh_from_db()
    assert not study.is_drawn and not Selection.objects.exists()


def test_a_frame_cannot_list_more_than_its_size(world):
    study = make_study(world, strata=((3, 3, 1),))
    stratum = study.strata.get()
    with pytest.raises(ValidationError, match="all are listed"):
        actions.do_add_establishment(study, actor=world.manager, stratum=stratum, code="extra", name="Extra")


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ({"persons": 3, "minors": 4}, "minors"),
        ({"persons": 5, "minors": 1, "under_16": 2}, "under_16"),
        ({"persons": 5, "minors": 3, "borderline": 3}, "borderline"),
        ({"visited_on": "2016-01-01"}, "visited_on"),
        ({"from_time": "22:00", "to_time": "22:00"}, "to_time"),
    ],
)
def test_a_bad_visit_is_refused_and_nothing_is_written(world, counts, field):
    study = make_study(world)
    actions.do_draw_sample(study, actor=world.manager, seed=9)
    payload = {
        "establishment": str(sampled(study)[0].pk),
        "visited_on": "2015-04-01",
        "from_time": "21:00",
        "to_time": "23:00",
        "persons": 5,
        "minors": 1,
        "under_16": 0,
        **counts,
    }
    answer = api(world.ngo_investigator).post(f"/api/v1/prevalence/studies/{study.pk}/visits/", payload, format="json")
    assert answer.status_code == 400 and field in answer.json()["errors"], answer.json()
    assert not Visit.objects.exists()


def test_a_visit_needs_an_establishment_of_the_sample(world):
    study = make_study(world, strata=((4, 4, 1),))
    actions.do_draw_sample(study, actor=world.manager, seed=9)
    reserve = Establishment.objects.get(study=study, selection__rank=2)
    with pytest.raises(ValidationError, match="in this study's sample"):
        visit(world, study, reserve)


def test_the_page_shows_no_number_until_someone_was_observed_and_names_the_lonely_stratum(world):
    study = make_study(world, strata=((3, 3, 2), (3, 5, 1)))
    actions.do_draw_sample(study, actor=world.manager, seed=4)
    client = _client(world.manager)
    page = client.get(reverse("prevalence:detail", args=[study.pk])).content.decode()
    assert "No estimate yet" in page and "nan" not in page.lower()
    assert api(world.manager).get(f"/api/v1/prevalence/studies/{study.pk}/estimate/").json()["minors"] is None
    for e in sampled(study):
        visit(world, study, e, persons=0, minors=0)
    assert "No estimate yet" in client.get(reverse("prevalence:detail", args=[study.pk])).content.decode()
    for e in sampled(study):
        visit(world, study, e, persons=8, minors=1, from_time=datetime.time(1), to_time=datetime.time(3))
    page = client.get(reverse("prevalence:detail", args=[study.pk])).content.decode()
    assert "Karaoke bar · Area 1" in page and "One establishment visited in" in page


def test_audit_visits_give_the_agreement_rate(world):
    study = make_study(world, strata=((3, 3, 3),))
    actions.do_draw_sample(study, actor=world.manager, seed=5)
    first, second, third = sampled(study)
    checked = [visit(world, study, e, persons=9, minors=2, under_16=1) for e in (first, second, third)]
    with pytest.raises(ValidationError, match="another observer"):
        visit(world, study, first, checks=checked[0], persons=9, minors=2, under_16=1)
    visit(world, study, first, actor=world.manager, checks=checked[0], persons=9, minors=2, under_16=1)
    visit(world, study, second, actor=world.manager, checks=checked[1], persons=9, minors=1, under_16=1)
    with pytest.raises(ValidationError, match="same establishment"):
        visit(world, study, third, actor=world.manager, checks=checked[0])
    result = actions.estimate_of(study)
    assert result["agreement"] == {"agreed": 1, "pairs": 2, "rate": 0.5}
    assert result["persons"] == 27  # audit visits are not counted


def test_reads_are_audited_and_names_are_stored_encrypted(world):
    study = make_study(world)
    before = AuditEvent.objects.count()
    assert _client(world.manager).get(reverse("prevalence:frame", args=[study.pk])).status_code == 200
    listed = AuditEvent.objects.filter(pk__gt=before, object_type="prevalence_establishment", action="list")
    assert listed.count() == Establishment.objects.filter(study=study).count()
    assert set(listed.values_list("agency_id", "role").distinct()) == {(world.agencies["JPC"].pk, "programme_manager")}
    api(world.manager).get(f"/api/v1/prevalence/studies/{study.pk}/estimate/")
    assert AuditEvent.objects.filter(object_type="prevalence_estimate", object_id=str(study.pk)).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM prevalence_establishment")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and not any("Bar" in value for value in stored)


def test_a_baseline_out_of_reach_is_refused_like_a_missing_one(world):
    from casebridge.agencies.models import Agency, Membership, Role

    other = Agency.objects.get(code="OTH")
    Membership.objects.create(
        user=world.outsider, agency=other, role=Role.PROGRAMME_MANAGER, approved_at=timezone.now()
    )
    theirs = actions.do_create_study(
        actor=world.outsider, agency=other, title="Theirs", areas="Kandal", starts_on=START, ends_on=END
    )
    ours = make_study(world)
    for wanted in (str(theirs.pk), "not-a-uuid", str(ours.pk)):
        answer = api(world.manager).get(f"/api/v1/prevalence/studies/{ours.pk}/estimate/?baseline={wanted}")
        assert answer.status_code == 400 and "baseline" in answer.json()["errors"]
    assert api(world.manager).get(f"/api/v1/prevalence/studies/{theirs.pk}/").status_code == 404
    assert Study.objects.visible_to(world.manager).filter(pk=theirs.pk).count() == 0


def test_the_pages_work_for_the_research_lead(world):
    client = _client(world.manager)
    created = client.post(
        reverse("prevalence:new"),
        {
            "submission": "8b9f0c3e-9a53-4ab9-9d6c-3d0f5f2a0c11",
            "agency": world.agencies["JPC"].pk,
            "title": "Siem Reap 2016",
            "areas": "Siem Reap",
            "starts_on": "2016-01-01",
            "ends_on": "2016-03-31",
        },
    )
    study = Study.objects.get(title="Siem Reap 2016")
    assert created.status_code == 302
    bad = client.post(
        reverse("prevalence:stratum_add", args=[study.pk]),
        {
            "submission": "1b9f0c3e-9a53-4ab9-9d6c-3d0f5f2a0c11",
            "establishment_type": "street",
            "area": "Old market",
            "frame_size": "2",
            "sample_size": "3",
        },
    )
    assert bad.status_code == 400 and "more establishments than the frame holds" in bad.content.decode()
    assert client.get(reverse("prevalence:list")).content.decode().count("Siem Reap 2016") == 1


def test_the_draw_order_of_a_seed_never_changes():
    """A study's sample must be reproducible years later from its seed: this order is pinned, so
    a change to the drawing breaks this test before it breaks anyone's published study."""
    stratum = Stratum(establishment_type="karaoke", area="Daun Penh")
    codes = [f"K{i:02d}" for i in range(10)]
    assert actions.draw_order(2015, stratum, codes) == [
        "K05",
        "K02",
        "K06",
        "K07",
        "K03",
        "K08",
        "K01",
        "K00",
        "K09",
        "K04",
    ]
    assert actions.draw_order(2015, stratum, list(reversed(codes))) == actions.draw_order(2015, stratum, codes)


def test_a_programme_manager_needs_a_privacy_officers_approval_to_reach_a_study(world):
    """An administrator alone cannot give anyone the frame of names (security review)."""
    from casebridge.agencies.models import Membership, Role
    from casebridge.lib.testing import make_user

    study = make_study(world)
    newcomer, _ = make_user("newcomer", world.agencies["JPC"], Role.PROGRAMME_MANAGER)
    Membership.objects.filter(user=newcomer).update(approved_at=None)
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)
    assert api(newcomer).get(f"/api/v1/prevalence/studies/{study.pk}/establishments/").status_code == 404
    assert Study.objects.visible_to(newcomer).count() == 0


def test_investigators_see_only_the_names_of_the_places_to_visit(world):
    study = make_study(world, strata=((4, 4, 2),))
    field = api(world.ngo_investigator)
    assert field.get(f"/api/v1/prevalence/studies/{study.pk}/establishments/").json()["results"] == []
    assert _client(world.ngo_investigator).get(reverse("prevalence:frame", args=[study.pk])).status_code == 403
    actions.do_draw_sample(study, actor=world.manager, seed=1)
    names = {e["name"] for e in field.get(f"/api/v1/prevalence/studies/{study.pk}/establishments/").json()["results"]}
    assert names == {e.name for e in sampled(study)} and len(names) == 2
    page = _client(world.ngo_investigator).get(reverse("prevalence:sample", args=[study.pk])).content.decode()
    assert all(e.name in page for e in sampled(study))
    reserves = Establishment.objects.filter(study=study, selection__status=SelectionStatus.RESERVE)
    assert not any(e.name in page for e in reserves)
    # the visit form names the places by code only: nothing to read over a shoulder
    form = _client(world.ngo_investigator).get(reverse("prevalence:visit_new", args=[study.pk])).content.decode()
    assert not any(e.name in form for e in Establishment.objects.filter(study=study))


def test_the_replacement_reason_is_encrypted_and_kept_out_of_the_audit(world):
    study = make_study(world, strata=((3, 3, 1),))
    actions.do_draw_sample(study, actor=world.manager, seed=1)
    actions.do_replace(Selection.objects.get(study=study, rank=1), actor=world.manager, reason="Owner Sokha warned us")
    with connection.cursor() as cursor:
        cursor.execute("SELECT replaced_reason FROM prevalence_selection WHERE replaced_reason IS NOT NULL")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 1 and "Sokha" not in stored[0]
    assert not AuditEvent.objects.filter(reason__contains="Sokha").exists()
    assert Selection.objects.get(study=study, rank=1).replaced_reason == "Owner Sokha warned us"


def test_a_visit_entered_twice_is_refused_and_a_wrong_one_can_be_voided(world):
    study = make_study(world, strata=((3, 3, 3),))
    actions.do_draw_sample(study, actor=world.manager, seed=5)
    places = sampled(study)
    first = [visit(world, study, e, persons=10, minors=m) for e, m in zip(places, (5, 0, 0), strict=True)]
    with pytest.raises(ValidationError, match="already recorded"):
        visit(world, study, places[0], persons=10, minors=5)
    assert actions.estimate_of(study)["minors"]["estimate"] == pytest.approx(5 / 30)
    audit = visit(world, study, places[0], actor=world.manager, checks=first[0], persons=10, minors=5)
    with pytest.raises(NotAllowed):
        actions.do_void_visit(first[0], actor=world.police, reason="Typed twice")
    answer = api(world.ngo_investigator).post(
        f"/api/v1/prevalence/studies/{study.pk}/visits/{first[0].pk}/void/",
        {"reason": "Wrong place typed"},
        format="json",
    )
    assert answer.status_code == 200 and answer.json()["voided_at"]
    audit.refresh_from_db()
    assert audit.voided_at is not None  # its audit visit goes with it
    result = actions.estimate_of(study)
    assert result["minors"]["estimate"] == pytest.approx(0.0) and result["agreement"]["pairs"] == 0
    corrected = visit(world, study, places[0], persons=10, minors=1)  # recorded again, correctly
    assert actions.estimate_of(study)["minors"]["estimate"] == pytest.approx(1 / 30) and corrected.pk
    with pytest.raises(Conflict):
        actions.do_void_visit(first[0], actor=world.manager, reason="Again")


def test_a_research_lead_records_a_visit_for_an_investigator(world):
    study = make_study(world, strata=((2, 2, 2),))
    actions.do_draw_sample(study, actor=world.manager, seed=5)
    place = sampled(study)[0]
    payload = {
        "establishment": str(place.pk),
        "visited_on": "2015-04-01",
        "from_time": "21:00",
        "to_time": "23:00",
        "persons": 4,
        "minors": 0,
        "under_16": 0,
        "investigator": "ngo_investigator",
    }
    url = f"/api/v1/prevalence/studies/{study.pk}/visits/"
    answer = api(world.manager).post(url, payload, format="json")
    assert answer.status_code == 201 and answer.json()["investigator"] == "ngo_investigator"
    outsider = api(world.manager).post(
        url, payload | {"investigator": "social_worker", "from_time": "22:00"}, format="json"
    )
    assert outsider.status_code == 400 and "investigator" in outsider.json()["errors"]
    with pytest.raises(NotAllowed):
        visit(world, study, place, investigator=world.manager, from_time=datetime.time(20))


def test_a_create_sent_twice_with_one_idempotency_key_creates_once(world):
    study = make_study(world, strata=())
    url = f"/api/v1/prevalence/studies/{study.pk}/strata/"
    body = {"establishment_type": "massage", "area": "Centre", "frame_size": 5, "sample_size": 2}
    first = api(world.manager).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="strata-1")
    again = api(world.manager).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="strata-1")
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and Stratum.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="prevalence_stratum", action="view").count() == 1
