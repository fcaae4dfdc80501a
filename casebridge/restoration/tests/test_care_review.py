"""Found by an independent review of her care: where she studies and works is whereabouts;
a counsellor in two agencies writes for the agency that gives her the section; a partner does
not learn of other partners through a goal's person; other cases' records, emergency access and
closed plans write nothing; keys, reads and audit."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from casebridge.agencies.models import Membership, Role
from casebridge.audit.models import AuditEvent
from casebridge.cases.actions import do_break_glass
from casebridge.cases.models import ReferralGrant
from casebridge.cases.sections import Section, to_mask
from casebridge.restoration import care
from casebridge.restoration.models import (
    CarePlan,
    Enrolment,
    Goal,
    ServiceDelivery,
)

J = "application/json"
REASON = "She was found at the border tonight and we need her history now."


def _url(world, tail=""):
    return f"/api/v1/cases/{world.case.pk}/{tail}"


def _day(d=0):
    return (timezone.localdate() + datetime.timedelta(days=d)).isoformat()


def _grant(world, code, sections):
    return ReferralGrant.objects.create(
        case=world.case,
        agency=world.agencies[code],
        sections=to_mask(sections),
        granted_by=world.social_worker,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )


# Her school and work say where she is: whereabouts, which emergency access never opens.
def test_break_glass_does_not_learn_where_she_goes_to_school(world, login):
    care.do_enrol(
        world.case,
        actor=world.social_worker,
        kind="school",
        institution="Wat Phnom Primary, grade 5",
        started_on=timezone.localdate(),
    )
    care.do_record_livelihood(
        world.case,
        actor=world.social_worker,
        month=timezone.localdate(),
        income=Decimal(10),
        savings=Decimal(1),
        work="Stall at Orussey market",
    )
    do_break_glass(world.case.number, actor=world.outsider, reason=REASON)
    c = login(world.outsider)
    assert c.get(f"/api/v1/cases/{world.case.pk}/placements/").status_code == 404  # whereabouts: refused
    body = c.get(_url(world, "education/")).content.decode()
    page = c.get(f"/cases/{world.case.pk}/education/").content.decode()
    assert "Wat Phnom" not in body and "Orussey" not in body, body
    assert "Wat Phnom" not in page and "Orussey" not in page


def test_partner_without_whereabouts_does_not_learn_school(world, login):
    care.do_enrol(
        world.case,
        actor=world.social_worker,
        kind="school",
        institution="Wat Phnom Primary",
        started_on=timezone.localdate(),
    )
    c = login(world.shelter_caseworker)  # SHS team: identity, crisis_care, care_plan — no whereabouts
    assert c.get(f"/api/v1/cases/{world.case.pk}/placements/").status_code == 404
    assert "Wat Phnom" not in c.get(_url(world, "education/")).content.decode()


# One person in two agencies writes for the agency whose way in gives her the section.
def test_counsellor_in_two_agencies_notes_go_to_the_agency_she_wrote_for(world, login):
    _grant(world, "SHS", [Section.IDENTITY, Section.COUNSELLING])
    dual = world.shelter_caseworker
    Membership.objects.create(user=dual, agency=world.agencies["JPC"], role=Role.LAWYER, approved_at=timezone.now())
    from casebridge.cases.access import case_access, sync_reach

    sync_reach(world.case.pk)
    acc = case_access(dual, world.case)
    assert Section.COUNSELLING in acc.writable
    s = care.do_record_session(
        world.case, actor=dual, held_on=timezone.localdate(), minutes=50, notes="She spoke of her uncle."
    )
    # SHS is the only way she reaches counselling; JPC social workers must not read these notes
    lead = login(world.social_worker)
    row = lead.get(_url(world, "counselling/")).json()["results"][0]
    assert row["notes"] is None, (s.agency.code, row)


# 3. idempotency-key: a 400 leaves the key usable
def test_key_free_after_bad_input(world, login):
    lead = login(world.social_worker)
    bad = lead.post(_url(world, "education/enrolments/"), {"kind": "school"}, content_type=J, HTTP_IDEMPOTENCY_KEY="k1")
    assert bad.status_code == 400
    ok = lead.post(
        _url(world, "education/enrolments/"),
        {"kind": "school", "institution": "X", "started_on": _day()},
        content_type=J,
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert ok.status_code == 201, ok.content
    again = lead.post(
        _url(world, "education/enrolments/"),
        {"kind": "school", "institution": "X", "started_on": _day()},
        content_type=J,
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert again.status_code == 201 and Enrolment.objects.count() == 1


def test_key_free_after_action_refusal(world, login):
    lead = login(world.social_worker)
    bad = lead.post(
        _url(world, "education/enrolments/"),
        {"kind": "school", "institution": "X", "started_on": _day(5)},
        content_type=J,
        HTTP_IDEMPOTENCY_KEY="k2",
    )
    assert bad.status_code == 400
    ok = lead.post(
        _url(world, "education/enrolments/"),
        {"kind": "school", "institution": "X", "started_on": _day()},
        content_type=J,
        HTTP_IDEMPOTENCY_KEY="k2",
    )
    assert ok.status_code in (201, 409), ok.content  # 409: different body; anything but "in progress"
    assert b"in progress" not in ok.content


# 4. cross-case refs
def _second_case(world):
    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity

    ident = clean_identity(
        {
            "given_name": "A",
            "family_name": "B",
            "given_name_latin": "A",
            "family_name_latin": "B",
            "estimated_age": 14,
            "age_method": "appearance",
            "gender": "Feminine",
            "nationalities": ["KH"],
            "languages": ["km"],
        }
    )
    return do_open_case(
        actor=world.social_worker,
        agency=world.agencies["JPC"],
        identity=ident,
        province="KH-12",
        opened_on=timezone.localdate() - datetime.timedelta(days=3),
    )


def test_cross_case(world, login):
    other = _second_case(world)
    p2 = care.do_make_plan(other, actor=world.social_worker, her_participation="x")
    g2 = care.do_add_goal(
        p2,
        actor=world.social_worker,
        domain="medical",
        text="other goal",
        target_on=timezone.localdate(),
        agency=world.agencies["JPC"],
    )
    e2 = care.do_enrol(
        other, actor=world.social_worker, kind="school", institution="Other school", started_on=timezone.localdate()
    )
    care.do_make_plan(world.case, actor=world.social_worker, her_participation="y")
    lead = login(world.social_worker)
    r = lead.post(
        _url(world, "care-plan/services/"),
        {"delivered_on": _day(), "kind": "education", "minutes": 5, "goal": str(g2.pk)},
        content_type=J,
    )
    assert r.status_code == 400
    assert lead.post(_url(world, f"care-plan/goals/{g2.pk}/"), {"status": "met"}, content_type=J).status_code == 404
    assert (
        lead.post(_url(world, f"education/enrolments/{e2.pk}/"), {"attendance": 5}, content_type=J).status_code == 404
    )
    tok = str(uuid.uuid4())
    r = lead.post(
        f"/cases/{world.case.pk}/care-plan/service/",
        {
            "service-delivered_on": _day(),
            "service-kind": "education",
            "service-minutes": 5,
            "service-goal": str(g2.pk),
            "service-submission": tok,
        },
    )
    assert r.status_code in (400, 404)
    r = lead.post(f"/cases/{world.case.pk}/care-plan/goal_status/", {"goal": str(g2.pk), "status": "met"})
    assert r.status_code == 404
    r = lead.post(
        f"/cases/{world.case.pk}/education/enrolment_update/",
        {"enrolment": str(e2.pk), "status": "completed", "ended_on": _day()},
    )
    assert r.status_code == 404
    assert not ServiceDelivery.objects.exists()
    g2.refresh_from_db()
    e2.refresh_from_db()
    assert g2.status == "planned" and e2.status == "enrolled"


# 5. break glass never writes (API and page)
def test_break_glass_never_writes(world, login):
    care.do_make_plan(world.case, actor=world.social_worker, her_participation="y")
    g = care.do_add_goal(
        CarePlan.objects.get(),
        actor=world.social_worker,
        domain="medical",
        text="goal",
        target_on=timezone.localdate(),
        agency=world.agencies["JPC"],
    )
    do_break_glass(world.case.number, actor=world.outsider, reason=REASON)
    c = login(world.outsider)
    assert c.get(_url(world, "care-plan/")).status_code == 200
    for tail, data in [
        ("care-plan/goals/", {"domain": "medical", "text": "x", "target_on": _day(), "agency": "JPC"}),
        ("care-plan/services/", {"delivered_on": _day(), "kind": "education", "minutes": 5, "domain": "medical"}),
        ("care-plan/reviews/", {"held_on": _day(), "summary": "x"}),
        (f"care-plan/goals/{g.pk}/", {"status": "met"}),
        ("counselling/", {"held_on": _day(), "minutes": 5}),
        ("education/enrolments/", {"kind": "school", "institution": "X", "started_on": _day()}),
        ("education/livelihood/", {"month": _day(), "income": "1", "savings": "1"}),
    ]:
        assert c.post(_url(world, tail), data, content_type=J).status_code == 403, tail
    r = c.post(f"/cases/{world.case.pk}/care-plan/goal_status/", {"goal": str(g.pk), "status": "met"})
    assert r.status_code in (403, 404), r.status_code
    g.refresh_from_db()
    assert g.status == "planned" and Goal.objects.count() == 1 and not ServiceDelivery.objects.exists()


# 6. partner does not learn other partners
def test_partner_does_not_learn_other_partners(world, login):
    _grant(world, "HAC", [Section.IDENTITY, Section.CARE_PLAN])
    plan = care.do_make_plan(world.case, actor=world.social_worker, her_participation="y")
    care.do_add_goal(
        plan,
        actor=world.social_worker,
        domain="medical",
        text="goal",
        target_on=timezone.localdate(),
        agency=world.agencies["HAC"],
        person="Sophea at Hope Assessment",
    )
    care.do_record_service(
        plan,
        actor=world.assessment_worker,
        delivered_on=timezone.localdate(),
        kind="counselling",
        minutes=30,
        domain="psychosocial",
    )
    c = login(world.shelter_caseworker)
    body = c.get(_url(world, "care-plan/")).json()
    assert body["goals"][0]["agency"] is None and body["services"][0]["agency"] is None
    page = c.get(f"/cases/{world.case.pk}/care-plan/").content.decode()
    assert "Hope Assessment" not in page and "HAC" not in page, page[page.find("Goals") : page.find("Goals") + 800]


# 7. audit of reads
def test_reads_audited(world, login):
    care.do_make_plan(world.case, actor=world.social_worker, her_participation="y")
    care.do_enrol(
        world.case, actor=world.social_worker, kind="school", institution="X", started_on=timezone.localdate()
    )
    c = login(world.shelter_caseworker)
    c.get(_url(world, "education/"))
    c.get(f"/cases/{world.case.pk}/education/")
    c.get(_url(world, "care-plan/"))
    c.get(f"/cases/{world.case.pk}/care-plan/")
    evs = AuditEvent.objects.filter(actor=world.shelter_caseworker)
    assert evs.filter(object_type="enrolment").count() == 2 and evs.filter(object_type="care_plan").count() == 2


# 8. closed plan
def test_closed_plan_takes_nothing(world, login):
    plan = care.do_make_plan(world.case, actor=world.social_worker, her_participation="y")
    g = care.do_add_goal(
        plan,
        actor=world.social_worker,
        domain="medical",
        text="goal",
        target_on=timezone.localdate(),
        agency=world.agencies["JPC"],
    )
    care.do_close_plan(plan, actor=world.social_worker, reason="done")
    lead = login(world.social_worker)
    assert lead.post(_url(world, f"care-plan/goals/{g.pk}/"), {"status": "met"}, content_type=J).status_code == 409
    assert (
        lead.post(
            _url(world, "care-plan/goals/"),
            {"domain": "medical", "text": "x", "target_on": _day(), "agency": "JPC"},
            content_type=J,
        ).status_code
        == 409
    )
    assert (
        lead.post(
            _url(world, "care-plan/services/"),
            {"delivered_on": _day(), "kind": "education", "minutes": 5, "domain": "medical"},
            content_type=J,
        ).status_code
        == 409
    )
    assert lead.post(_url(world, "care-plan/close/"), {"reason": "x"}, content_type=J).status_code == 409
