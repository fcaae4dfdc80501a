"""Her care pages: who reaches each (404 for the outsider and for those without the section),
the forms that write through the actions (a refused input comes back with its errors and
writes nothing; a form sent twice writes once), restricted counselling notes, and the care-plan
page's queries, which do not grow with the plan."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casebridge.restoration import care
from casebridge.restoration.models import CarePlan, Goal, MedicalRecord, Review, ServiceDelivery


def _url(world, area, name=""):  # type: ignore[no-untyped-def]
    tail = f"{name}/" if name else ""
    return f"/cases/{world.case.pk}/{area}/{tail}"


def _today(days=0):  # type: ignore[no-untyped-def]
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _plan(world):  # type: ignore[no-untyped-def]
    return care.do_make_plan(world.case, actor=world.social_worker, her_participation="She wants to sew.")


@pytest.mark.parametrize("area", ["care-plan", "medical", "counselling", "education"])
def test_the_outsider_gets_404_on_every_page_and_form(world, login, area):
    _plan(world)
    client = login(world.outsider)
    assert client.get(_url(world, area)).status_code == 404
    for name in ("plan", "goal", "service", "review", "close", "medical", "session", "enrolment", "livelihood"):
        assert client.post(_url(world, area, name), {}).status_code == 404


def test_the_medical_page_is_for_the_nurse_not_the_social_worker_lawyer_or_partner(world, login):
    care.do_record_medical(
        world.case, actor=world.nurse, kind="test", on=timezone.localdate(), clinic="Mith", test="sti", result="clear"
    )
    page = login(world.nurse).get(_url(world, "medical"))
    assert page.status_code == 200 and "clear" in page.content.decode()
    for persona in ("social_worker", "lawyer", "shelter_caseworker", "police"):
        assert login(world.users[persona]).get(_url(world, "medical")).status_code == 404, persona
    detail = login(world.social_worker).get(f"/cases/{world.case.pk}/").content.decode()
    assert _url(world, "medical") not in detail and _url(world, "care-plan") in detail


def test_the_lead_makes_the_plan_and_a_partner_records_a_service(world, login):
    lead = login(world.social_worker)
    assert "Make her care plan" in lead.get(_url(world, "care-plan")).content.decode()
    token = str(uuid.uuid4())
    data = {"plan-her_participation": "She chose sewing.", "plan-submission": token}
    assert lead.post(_url(world, "care-plan", "plan"), data).status_code == 302
    assert lead.post(_url(world, "care-plan", "plan"), data).status_code == 409  # sent twice: saved once
    assert CarePlan.objects.count() == 1
    goal = {
        "goal-domain": "economic",
        "goal-text": "Her own tailoring stall",
        "goal-target_on": _today(200),
        "goal-agency": world.agencies["JPC"].pk,
        "goal-submission": str(uuid.uuid4()),
    }
    assert lead.post(_url(world, "care-plan", "goal"), goal).status_code == 302
    assert Goal.objects.get().text == "Her own tailoring stall"
    partner = login(world.shelter_caseworker)  # on the case team with the care-plan section
    future = {
        "service-delivered_on": _today(3),
        "service-kind": "vocational",
        "service-minutes": 120,
        "service-domain": "economic",
        "service-submission": str(uuid.uuid4()),
    }
    refused = partner.post(_url(world, "care-plan", "service"), future)
    assert refused.status_code == 400 and "cannot be recorded" in refused.content.decode()
    assert not ServiceDelivery.objects.exists()
    served = {**future, "service-delivered_on": _today(), "service-submission": str(uuid.uuid4())}
    served["service-goal"] = str(Goal.objects.get().pk)
    assert partner.post(_url(world, "care-plan", "service"), served).status_code == 302
    assert ServiceDelivery.objects.get().agency == world.agencies["SHS"]
    # Partners do not close her plan.
    assert "close-reason" not in partner.get(_url(world, "care-plan")).content.decode()


def test_an_overdue_review_is_shown_and_a_closed_plan_takes_no_review(world, login):
    plan = _plan(world)
    CarePlan.objects.filter(pk=plan.pk).update(next_review_on=timezone.localdate() - datetime.timedelta(days=3))
    lead = login(world.social_worker)
    assert "overdue" in lead.get(_url(world, "care-plan")).content.decode()
    review = {"review-held_on": _today(), "review-summary": "Doing well", "review-she_took_part": "on"}
    review["review-submission"] = str(uuid.uuid4())
    assert lead.post(_url(world, "care-plan", "review"), review).status_code == 302
    assert CarePlan.objects.get().next_review_on == timezone.localdate() + datetime.timedelta(days=90)
    assert lead.post(_url(world, "care-plan", "close"), {"close-reason": "Reintegrated"}).status_code == 302
    again = {**review, "review-submission": str(uuid.uuid4())}
    assert lead.post(_url(world, "care-plan", "review"), again).status_code in (404, 409)
    assert Review.objects.count() == 1


def test_the_care_plan_page_queries_do_not_grow_with_the_plan(world, login):
    plan = _plan(world)
    jpc = world.agencies["JPC"]

    def grow(n):  # type: ignore[no-untyped-def]
        for i in range(n):
            goal = care.do_add_goal(
                plan,
                actor=world.social_worker,
                domain="education",
                text=f"g{i}",
                target_on=timezone.localdate(),
                agency=jpc,
            )
            care.do_record_service(
                plan,
                actor=world.social_worker,
                delivered_on=timezone.localdate(),
                kind="education",
                minutes=30,
                goal=goal,
            )
            care.do_review(plan, actor=world.social_worker, held_on=timezone.localdate(), summary=f"r{i}")

    lead = login(world.social_worker)
    grow(1)
    with CaptureQueriesContext(connection) as small:
        assert lead.get(_url(world, "care-plan")).status_code == 200
    grow(10)
    with CaptureQueriesContext(connection) as large:
        assert lead.get(_url(world, "care-plan")).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 40


def test_counselling_notes_show_only_to_the_counsellors_agency(world, login):
    from casebridge.cases.models import ReferralGrant
    from casebridge.cases.sections import Section, to_mask

    ReferralGrant.objects.create(
        case=world.case,
        agency=world.agencies["SHS"],
        sections=to_mask([Section.IDENTITY, Section.COUNSELLING]),
        granted_by=world.social_worker,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    lead = login(world.social_worker)
    session = {
        "session-held_on": _today(),
        "session-kind": "individual",
        "session-minutes": 45,
        "session-notes": "Nightmares less often.",
        "session-submission": str(uuid.uuid4()),
    }
    assert lead.post(_url(world, "counselling", "session"), session).status_code == 302
    assert "Nightmares" in lead.get(_url(world, "counselling")).content.decode()
    shown = login(world.shelter_caseworker).get(_url(world, "counselling")).content.decode()
    assert "Nightmares" not in shown and "restricted" in shown


def test_schooling_and_a_month_of_livelihood_from_the_page(world, login):
    lead = login(world.social_worker)
    enrol = {
        "enrolment-kind": "literacy",
        "enrolment-institution": "Evening class",
        "enrolment-started_on": _today(),
        "enrolment-submission": str(uuid.uuid4()),
    }
    assert lead.post(_url(world, "education", "enrolment"), enrol).status_code == 302
    month = {
        "livelihood-month": timezone.localdate().strftime("%Y-%m"),
        "livelihood-income": "80",
        "livelihood-savings": "10",
        "livelihood-currency": "USD",
        "livelihood-submission": str(uuid.uuid4()),
    }
    assert lead.post(_url(world, "education", "livelihood"), month).status_code == 302
    page = lead.get(_url(world, "education")).content.decode()
    assert "Evening class" in page and "80.00 USD" in page
    assert MedicalRecord.objects.count() == 0


def test_a_review_due_or_overdue_is_on_her_case_workers_home_page(world, login):
    plan = _plan(world)
    lead = login(world.social_worker)
    assert "Care-plan review" not in lead.get("/").content.decode()  # 90 days away
    CarePlan.objects.filter(pk=plan.pk).update(next_review_on=timezone.localdate() + datetime.timedelta(days=5))
    assert "Care-plan review" in lead.get("/").content.decode()
    CarePlan.objects.filter(pk=plan.pk).update(next_review_on=timezone.localdate() - datetime.timedelta(days=1))
    assert "Care-plan review overdue" in lead.get("/").content.decode()
    assert "Care-plan review" not in login(world.shelter_caseworker).get("/").content.decode()


def test_instruments_are_changed_by_the_platform_administrators_and_audited(world, login):
    from django.contrib.auth.models import Permission

    from casebridge.audit.models import AuditEvent
    from casebridge.restoration.models import Instrument

    admin_user = world.admin
    admin_user.is_staff = True
    admin_user.save()
    admin_user.user_permissions.set(Permission.objects.filter(codename__endswith="instrument"))
    who5 = Instrument.objects.get(code="who5")
    url = f"/admin/restoration/instrument/{who5.pk}/change/"
    form = {
        "code": "who5",
        "name": "WHO-5",
        "name_km": "",
        "name_vi": "",
        "min_score": "0",
        "max_score": "25",
        "higher_is_better": "on",
    }
    client = login(admin_user)
    assert client.post(url, form).status_code == 403  # JPC's administrator: not the platform's
    world.agencies["JPC"].is_platform = True
    world.agencies["JPC"].save()
    assert client.post(url, form).status_code == 302
    who5.refresh_from_db()
    assert not who5.active and who5.name == "WHO-5"  # taken out of use, not deleted
    assert AuditEvent.objects.filter(object_type="instrument", action="update").exists()
    assert client.get(f"/admin/restoration/instrument/{who5.pk}/delete/").status_code == 403
