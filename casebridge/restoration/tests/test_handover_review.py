"""Found by an independent review of reintegration, moves and the handover: a move on her
timeline is whereabouts (never to those without the section, nor by emergency access); the
receiving agency only reads while it decides, and may not be the police; the old lead keeps no
more than its roles had, its named colleagues leave the team; a stale proposal is not accepted."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casebridge.agencies.models import Role
from casebridge.cases.access import case_access
from casebridge.cases.actions import do_add_team_member, do_break_glass
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.lib.testing import make_user, share_consent
from casebridge.restoration.models import Transfer

J = "application/json"
SECRET = "Home with her aunt, house 17, Prey Veng village"


def _u(world, tail=""):
    return f"/api/v1/cases/{world.case.pk}/{tail}"


def _shelters(world):
    hac, shs = world.agencies["HAC"], world.agencies["SHS"]
    hac.services, shs.services = ["assessment"], ["shelter"]
    hac.save()
    shs.save()


def _move_and_leave(world, login):
    _shelters(world)
    lead = login(world.social_worker)
    now = timezone.now()
    r = lead.post(
        _u(world, "placements/"),
        {
            "agency": "SHS",
            "at": (now - datetime.timedelta(days=2)).isoformat(),
            "reason": "Shelter at Street 5 room 9",
            "place": "Street 5 room 9",
        },
        content_type=J,
    )
    assert r.status_code == 201, r.content
    r = lead.post(_u(world, "placements/"), {"at": now.isoformat(), "reason": SECRET}, content_type=J)
    assert r.status_code == 204, r.content


def _timeline_text(client, world):
    r = client.get(_u(world, "timeline/"))
    assert r.status_code == 200, r.content
    return str(r.json())


# F1: whereabouts in timeline bodies --------------------------------------------------------------
def test_lead_investigator_without_whereabouts_does_not_read_her_move_on_timeline(world, login):
    _move_and_leave(world, login)
    inv = login(world.ngo_investigator)
    assert inv.get(_u(world, "placements/")).status_code == 404  # no whereabouts section
    text = _timeline_text(inv, world)
    assert SECRET not in text and "Street 5" not in text


def test_lawyer_of_lead_does_not_read_her_move_on_timeline(world, login):
    _move_and_leave(world, login)
    law = login(world.lawyer)
    assert law.get(_u(world, "placements/")).status_code == 404
    assert SECRET not in _timeline_text(law, world)


def test_shelter_without_whereabouts_does_not_learn_where_she_went(world, login):
    _move_and_leave(world, login)
    shs = login(world.shelter_caseworker)
    assert shs.get(_u(world, "placements/")).status_code == 404
    assert SECRET not in _timeline_text(shs, world)


def test_case_page_timeline_of_investigator(world, login):
    _move_and_leave(world, login)
    inv = login(world.ngo_investigator)
    page = inv.get(f"/cases/{world.case.pk}/")
    assert page.status_code == 200
    assert SECRET not in page.content.decode()


# F2: receiving agency writes during a proposal ---------------------------------------------------
def _propose(world, login, **extra):
    share_consent(world, "DOSVY")
    r = login(world.social_worker).post(
        _u(world, "transfer/"), {"to_agency": "DOSVY", "reason": "handover", **extra}, content_type=J
    )
    assert r.status_code == 201, r.content
    return r.json()["id"]


def test_receiving_agency_only_reads_while_deciding(world, login):
    _propose(world, login)
    gov = login(world.gov_social_worker)
    acc = case_access(world.gov_social_worker, world.case)
    assert acc.sections == {Section.IDENTITY, Section.CARE_PLAN}
    note = gov.post(_u(world, "notes/"), {"body": "we wrote on her case", "section": "care_plan"}, content_type=J)
    assert note.status_code in (403, 404), note.status_code


def test_receiving_agency_cannot_tick_reintegration_while_deciding(world, login):
    lead = login(world.social_worker)
    assert (
        lead.post(_u(world, "reintegration/"), {"on": timezone.localdate().isoformat()}, content_type=J).status_code
        == 201
    )
    _propose(world, login)
    gov = login(world.gov_social_worker)
    r = gov.post(
        _u(world, "reintegration/checks/"),
        {"key": "home_visit", "done_on": timezone.localdate().isoformat(), "note": "x"},
        content_type=J,
    )
    assert r.status_code in (403, 404), r.status_code


# F3: old lead keeps more than kept sections -------------------------------------------------------
def test_old_lead_lawyer_does_not_gain_whereabouts_after_handover(world, login):
    before = case_access(world.lawyer, world.case).sections
    assert Section.WHEREABOUTS not in before
    pk = _propose(world, login, keep_sections=["identity", "whereabouts"], keep_days=30)
    assert (
        login(world.gov_social_worker).post(_u(world, f"transfer/{pk}/accept/"), {}, content_type=J).status_code == 200
    )
    after = case_access(world.lawyer, Case.objects.get(pk=world.case.pk)).sections
    assert after <= before, after - before


def test_old_lead_named_colleague_keeps_nothing_beyond_kept(world, login):
    do_add_team_member(world.case, actor=world.social_worker, user=world.lawyer, sections=["care_plan"])
    pk = _propose(world, login, keep_sections=[], keep_days=30)
    assert (
        login(world.gov_social_worker).post(_u(world, f"transfer/{pk}/accept/"), {}, content_type=J).status_code == 200
    )
    case = Case.objects.get(pk=world.case.pk)
    assert not case_access(world.lawyer, case).sections
    assert not case_access(world.social_worker, case).reaches


def test_old_lead_after_handover_keeps_only_kept(world, login):
    from casebridge.restoration.actions import do_create_referral, do_send

    share_consent(world, "HAC")
    hac = world.agencies["HAC"]
    hac.services = ["assessment"]
    hac.save()
    ref = do_create_referral(
        world.case, actor=world.social_worker, to_agency=hac, services=["assessment"], sections=["identity"]
    )
    do_send(ref, actor=world.social_worker)
    pk = _propose(world, login, keep_sections=["identity"], keep_days=30)
    assert (
        login(world.gov_social_worker).post(_u(world, f"transfer/{pk}/accept/"), {}, content_type=J).status_code == 200
    )
    case = Case.objects.get(pk=world.case.pk)
    sw = case_access(world.social_worker, case)
    assert sw.sections == {Section.IDENTITY} and not sw.can_manage and not sw.can_see_access_log
    old = login(world.social_worker)
    assert old.get(_u(world, "access-log/")).status_code in (403, 404)
    assert old.get("/api/v1/referrals/").status_code in (200, 404)
    assert str(ref.pk) not in old.get("/api/v1/referrals/").content.decode()
    assert old.post(_u(world, "team/"), {"agency": "HAC", "sections": ["identity"]}, content_type=J).status_code == 403
    r = old.post(
        _u(world, "consents/"),
        {
            "purpose": "sharing",
            "shared_with": world.agencies["HAC"].pk,
            "decision": "given",
            "given_by": "guardian",
            "child_assent": True,
            "decided_on": timezone.localdate().isoformat(),
            "language": "khm",
        },
        content_type=J,
    )
    assert r.status_code == 403, r.content
    # team not visible beyond own
    team = old.get(_u(world, "team/")).json()["results"]
    assert not team, team
    po = login(world.privacy_officer)
    assert po.get(_u(world, "access-log/")).status_code == 404
    login(world.gov_social_worker)
    assert case_access(world.gov_social_worker, case).can_manage


# F4: who may accept -------------------------------------------------------------------------------
def test_non_case_staff_of_receiving_agency_cannot_accept(world, login):
    pk = _propose(world, login)
    for role in (Role.PRIVACY_OFFICER, Role.TRAINER, Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER):
        u, _ = make_user(f"dosvy_{role}", world.agencies["DOSVY"], role)
        r = login(u).post(_u(world, f"transfer/{pk}/accept/"), {}, content_type=J)
        assert r.status_code in (403, 404), (role, r.status_code)
    assert Transfer.objects.get().state == "proposed"


def test_partner_cannot_accept_transfer_to_another(world, login):
    pk = _propose(world, login)
    for u in (world.shelter_caseworker, world.police, world.nurse, world.lawyer):
        r = login(u).post(_u(world, f"transfer/{pk}/accept/"), {}, content_type=J)
        assert r.status_code in (403, 404), (u.username, r.status_code)
    assert Transfer.objects.get().state == "proposed"


def test_double_accept(world, login):
    pk = _propose(world, login)
    gov = login(world.gov_social_worker)
    assert gov.post(_u(world, f"transfer/{pk}/accept/"), {}, content_type=J).status_code == 200
    assert gov.post(_u(world, f"transfer/{pk}/accept/"), {}, content_type=J).status_code == 409
    assert gov.post(_u(world, f"transfer/{pk}/decline/"), {"note": "x"}, content_type=J).status_code == 409


def test_declined_leaves_nothing(world, login):
    pk = _propose(world, login)
    gov = login(world.gov_social_worker)
    assert gov.post(_u(world, f"transfer/{pk}/decline/"), {"note": "no"}, content_type=J).status_code == 200
    assert not case_access(world.gov_social_worker, world.case).reaches
    assert gov.get(_u(world, "timeline/")).status_code == 404
    assert gov.get(f"/cases/{world.case.pk}/transfer/").status_code in (404,)


def test_transfer_to_police_agency_is_refused(world, login):
    share_consent(world, "AHTJP") if False else None  # world already has AHTJP consent
    r = login(world.social_worker).post(
        _u(world, "transfer/"), {"to_agency": "AHTJP", "reason": "police lead"}, content_type=J
    )
    assert r.status_code == 400, r.content


# F5: emergency access -----------------------------------------------------------------------------
def test_break_glass_never_whereabouts_nor_writes(world, login):
    _move_and_leave(world, login)
    lead = login(world.social_worker)
    lead.post(_u(world, "reintegration/"), {"on": timezone.localdate().isoformat()}, content_type=J)
    user, _ = make_user("sw2", world.agencies["HAC"], Role.PARTNER_CASEWORKER)
    glass = do_break_glass(world.case.number, actor=user, reason="A child found at the border needs help now")
    assert glass is not None
    c = login(user)
    assert c.get(_u(world, "placements/")).status_code == 404
    assert c.get(f"/cases/{world.case.pk}/placements/").status_code == 404
    assert SECRET not in _timeline_text(c, world)
    r = c.post(
        _u(world, "reintegration/checks/"),
        {"key": "home_visit", "done_on": timezone.localdate().isoformat()},
        content_type=J,
    )
    assert r.status_code == 403, r.status_code
    assert (
        c.post(
            _u(world, "placements/"), {"agency": "SHS", "at": timezone.now().isoformat(), "reason": "x"}, content_type=J
        ).status_code
        == 404
    )
    assert c.post(_u(world, "transfer/"), {"to_agency": "DOSVY", "reason": "x"}, content_type=J).status_code in (
        400,
        403,
    )


def test_police_never_see_placements(world, login):
    _move_and_leave(world, login)
    p = login(world.police)
    assert p.get(_u(world, "placements/")).status_code == 404
    assert SECRET not in _timeline_text(p, world)


# F6: reintegration integrity ----------------------------------------------------------------------
def test_follow_up_of_another_case_refused(world, login):

    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity
    from casebridge.restoration.models import FollowUp

    other = do_open_case(
        actor=world.social_worker,
        agency=world.agencies["JPC"],
        identity=clean_identity(
            {"given_name_latin": "A", "family_name_latin": "B", "estimated_age": 14, "age_method": "appearance"}
        ),
        province="KH-12",
        opened_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    lead = login(world.social_worker)
    d = timezone.localdate().isoformat()
    for case in (world.case, other):
        u = f"/api/v1/cases/{case.pk}/reintegration/"
        assert lead.post(u, {"on": d}, content_type=J).status_code == 201
        for k in ("family_assessment", "home_visit", "safety_plan", "her_wish"):
            assert lead.post(u + "checks/", {"key": k, "done_on": d}, content_type=J).status_code == 201
        assert (
            lead.post(
                u + "outcomes/",
                {
                    "moment": "intake",
                    "scored_on": d,
                    "safety": 3,
                    "wellbeing": 3,
                    "education_income": 3,
                    "legal_status": 3,
                },
                content_type=J,
            ).status_code
            == 201
        )
        assert lead.post(u + "stage/", {"stage": "integration", "on": d}, content_type=J).status_code == 200
    visit = FollowUp.objects.filter(case=other).first()
    assert visit is not None
    r = lead.post(_u(world, f"reintegration/follow-ups/{visit.pk}/"), {"done_on": d, "note": "x"}, content_type=J)
    assert r.status_code == 404
    # page path
    page = lead.post(
        f"/cases/{world.case.pk}/reintegration/follow_up/",
        {"visit-visit": str(visit.pk), "visit-done_on": d, "visit-note": "x"},
    )
    assert page.status_code in (400, 404), page.status_code
    assert FollowUp.objects.get(pk=visit.pk).done_on is None


def test_break_glass_by_former_placement_does_not_learn_where_she_went_home(world, login):

    _shelters(world)
    lead = login(world.social_worker)
    now = timezone.now()
    assert (
        lead.post(
            _u(world, "placements/"),
            {"agency": "HAC", "at": (now - datetime.timedelta(days=1)).isoformat(), "reason": "Assessment"},
            content_type=J,
        ).status_code
        == 201
    )
    assert (
        lead.post(_u(world, "placements/"), {"at": now.isoformat(), "reason": SECRET}, content_type=J).status_code
        == 204
    )
    assert not case_access(world.assessment_worker, world.case).reaches  # HAC not on her case
    glass = do_break_glass(
        world.case.number, actor=world.assessment_worker, reason="A child found at the border needs help now"
    )
    assert glass is not None
    acc = case_access(world.assessment_worker, Case.objects.get(pk=world.case.pk))
    assert acc.break_glass and Section.WHEREABOUTS not in acc.sections
    c = login(world.assessment_worker)
    assert c.get(_u(world, "placements/")).status_code == 404
    assert SECRET not in _timeline_text(c, world)


def test_stale_proposal_cannot_be_accepted_after_answer_time(world, login):
    from casebridge.cases.models import ReferralGrant

    pk = _propose(world, login)
    do_add_team_member(world.case, actor=world.social_worker, agency=world.agencies["DOSVY"], sections=["identity"])
    t = Transfer.objects.get(pk=pk)
    g = ReferralGrant.objects.get(pk=t.grant_id or 0)
    g.starts_at = timezone.now() - datetime.timedelta(days=30)
    g.expires_at = timezone.now() - datetime.timedelta(days=1)
    g.save()
    r = login(world.gov_social_worker).post(_u(world, f"transfer/{pk}/accept/"), {}, content_type=J)
    assert r.status_code in (403, 409), r.status_code
