"""Her care through the API: the care plan (goals, services, reviews, closing), medical care,
counselling and schooling; who reaches each section (the outsider, and those without the
section, get 404 on every route); what is refused and writes nothing; what is encrypted."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from casebridge.audit.models import AuditEvent
from casebridge.cases.models import ReferralGrant
from casebridge.cases.sections import Section, to_mask
from casebridge.restoration.models import (
    CarePlan,
    CounsellingSession,
    Goal,
    Livelihood,
    MedicalRecord,
    Referral,
    Review,
    ServiceDelivery,
)

J = "application/json"
TODAY = datetime.date.today


def _url(world, tail=""):  # type: ignore[no-untyped-def]
    return f"/api/v1/cases/{world.case.pk}/{tail}"


def _plan(world, client):  # type: ignore[no-untyped-def]
    made = client.post(_url(world, "care-plan/"), {"her_participation": "She wants to study."}, content_type=J)
    assert made.status_code == 201, made.content
    return made.json()


def _day(days=0):  # type: ignore[no-untyped-def]
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_the_lead_builds_her_plan_and_reviews_it(world, login):
    lead = login(world.social_worker)
    plan = _plan(world, lead)
    assert plan["review_every_days"] == 90 and plan["next_review_on"] == _day(90)
    assert lead.post(_url(world, "care-plan/"), {"her_participation": "again"}, content_type=J).status_code == 409
    goal = lead.post(
        _url(world, "care-plan/goals/"),
        {"domain": "education", "text": "Back to school", "target_on": _day(120), "agency": "JPC", "person": "Dara"},
        content_type=J,
    )
    assert goal.status_code == 201, goal.content
    goal_id = goal.json()["id"]
    service = lead.post(
        _url(world, "care-plan/services/"),
        {"delivered_on": _day(), "kind": "education", "minutes": 60, "goal": goal_id, "note": "school visit"},
        content_type=J,
    )
    assert service.status_code == 201, service.content
    assert service.json()["domain"] == "education" and service.json()["agency"] == "JPC"
    moved = lead.post(_url(world, f"care-plan/goals/{goal_id}/"), {"status": "in_progress"}, content_type=J)
    assert moved.json()["status"] == "in_progress"
    review = lead.post(
        _url(world, "care-plan/reviews/"),
        {"held_on": _day(), "summary": "Going well", "she_took_part": True},
        content_type=J,
    )
    assert review.status_code == 201, review.content
    body = lead.get(_url(world, "care-plan/")).json()
    assert [g["id"] for g in body["goals"]] == [goal_id]
    assert len(body["services"]) == 1 and len(body["reviews"]) == 1
    assert CarePlan.objects.get().next_review_on == timezone.localdate() + datetime.timedelta(days=90)
    closed = lead.post(_url(world, "care-plan/close/"), {"reason": "Reintegrated"}, content_type=J)
    assert closed.status_code == 200 and closed.json()["closed_at"] and closed.json()["next_review_on"] is None
    again = lead.post(_url(world, "care-plan/reviews/"), {"held_on": _day(), "summary": "x"}, content_type=J)
    assert again.status_code == 409 and Review.objects.count() == 1


def test_bad_care_input_is_refused_and_writes_nothing(world, login):
    lead = login(world.social_worker)
    assert lead.post(_url(world, "care-plan/goals/"), {}, content_type=J).status_code in (400, 409)
    _plan(world, lead)
    future = lead.post(
        _url(world, "care-plan/services/"),
        {"delivered_on": _day(2), "kind": "counselling", "minutes": 30, "domain": "psychosocial"},
        content_type=J,
    )
    assert future.status_code == 400 and "delivered_on" in future.json()["errors"]
    no_domain = lead.post(
        _url(world, "care-plan/services/"),
        {"delivered_on": _day(), "kind": "counselling", "minutes": 30},
        content_type=J,
    )
    assert no_domain.status_code == 400 and "domain" in no_domain.json()["errors"]
    outsider_agency = lead.post(
        _url(world, "care-plan/goals/"),
        {"domain": "medical", "text": "x", "target_on": _day(10), "agency": "OTH"},
        content_type=J,
    )
    assert outsider_agency.status_code == 400 and "agency" in outsider_agency.json()["errors"]
    assert not ServiceDelivery.objects.exists() and not Goal.objects.exists()


def test_a_partners_first_service_puts_its_referral_in_service(world, login):
    shs = world.agencies["SHS"]
    shs.services = ["shelter", "counselling"]
    shs.save()
    lead = login(world.social_worker)
    _plan(world, lead)
    made = lead.post(
        "/api/v1/referrals/",
        {
            "case": str(world.case.pk),
            "to_agency": "SHS",
            "services": ["shelter"],
            "sections": ["identity", "care_plan"],
        },
        content_type=J,
    )
    pk = made.json()["id"]
    lead.post(f"/api/v1/referrals/{pk}/send/", content_type=J)
    partner = login(world.shelter_caseworker)
    assert partner.post(f"/api/v1/referrals/{pk}/accept/", content_type=J).json()["state"] == "accepted"
    served = partner.post(
        _url(world, "care-plan/services/"),
        {"delivered_on": _day(), "kind": "shelter", "minutes": 600, "domain": "placement"},
        content_type=J,
    )
    assert served.status_code == 201, served.content
    assert Referral.objects.get(pk=pk).state == "in_service"
    assert [s.state for s in Referral.objects.get(pk=pk).steps.all()][-1] == "in_service"


def test_medical_records_are_for_medical_staff_and_those_granted_the_section(world, login):
    nurse = login(world.nurse)
    made = nurse.post(
        _url(world, "medical/"),
        {"kind": "test", "on": _day(), "clinic": "Mith Clinic", "test": "hiv", "result": "negative"},
        content_type=J,
    )
    assert made.status_code == 201, made.content
    assert nurse.get(_url(world, "medical/")).json()["results"][0]["result"] == "negative"
    with connection.cursor() as cursor:
        cursor.execute("SELECT result, clinic FROM restoration_medicalrecord")
        stored = cursor.fetchone()
    assert "negative" not in str(stored) and "Mith" not in str(stored)
    for persona in ("social_worker", "lawyer", "shelter_caseworker", "police", "outsider", "manager"):
        client = login(world.users[persona])
        assert client.get(_url(world, "medical/")).status_code == 404, persona
        assert client.post(_url(world, "medical/"), {"kind": "visit"}, content_type=J).status_code == 404, persona
    assert MedicalRecord.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="medical_record", action="list").exists()
    nurse = login(world.nurse)  # one client: signed in as each persona in turn above
    treatment = nurse.post(
        _url(world, "medical/"), {"kind": "treatment", "on": _day(), "clinic": "Mith"}, content_type=J
    )
    assert treatment.status_code == 400 and "note" in treatment.json()["errors"]
    appointment = nurse.post(
        _url(world, "medical/"), {"kind": "appointment", "on": _day(14), "clinic": "Mith"}, content_type=J
    )
    assert appointment.status_code == 201


def test_counselling_notes_stay_with_the_counsellors_agency(world, login):
    ReferralGrant.objects.create(
        case=world.case,
        agency=world.agencies["SHS"],
        sections=to_mask([Section.IDENTITY, Section.COUNSELLING]),
        granted_by=world.social_worker,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    lead = login(world.social_worker)
    out_of_range = lead.post(
        _url(world, "counselling/"),
        {"held_on": _day(), "minutes": 50, "instrument": "who5", "score": 26},
        content_type=J,
    )
    assert out_of_range.status_code == 400 and "score" in out_of_range.json()["errors"]
    made = lead.post(
        _url(world, "counselling/"),
        {"held_on": _day(), "minutes": 50, "instrument": "who5", "score": 14, "notes": "She spoke of her mother."},
        content_type=J,
    )
    assert made.status_code == 201, made.content
    assert made.json()["notes"] == "She spoke of her mother."
    partner = login(world.shelter_caseworker)
    row = partner.get(_url(world, "counselling/")).json()["results"][0]
    assert row["score"] == 14 and row["notes"] is None and row["agency"] == "JPC"
    assert login(world.nurse).get(_url(world, "counselling/")).status_code == 404
    assert CounsellingSession.objects.count() == 1


def test_schooling_and_livelihood(world, login):
    lead = login(world.social_worker)
    made = lead.post(
        _url(world, "education/enrolments/"),
        {"kind": "vocational", "institution": "Sewing school", "started_on": _day()},
        content_type=J,
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    early = lead.post(
        _url(world, f"education/enrolments/{pk}/"), {"status": "completed", "ended_on": _day(-30)}, content_type=J
    )
    assert early.status_code == 400
    done = lead.post(
        _url(world, f"education/enrolments/{pk}/"),
        {"attendance": 92, "status": "completed", "ended_on": _day()},
        content_type=J,
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"
    month = {"month": _day(), "income": "120.00", "savings": "35.50", "work": "Tailor"}
    assert lead.post(_url(world, "education/livelihood/"), month, content_type=J).status_code == 201
    twice = lead.post(_url(world, "education/livelihood/"), month, content_type=J)
    assert twice.status_code == 400 and Livelihood.objects.count() == 1
    body = lead.get(_url(world, "education/")).json()
    assert body["enrolments"][0]["attendance"] == 92 and body["livelihood"][0]["savings"] == "35.50"


@pytest.mark.parametrize(
    "tail",
    [
        "care-plan/",
        "care-plan/goals/",
        "care-plan/services/",
        "care-plan/reviews/",
        "medical/",
        "counselling/",
        "education/",
        "education/enrolments/",
        "education/livelihood/",
    ],
)
def test_the_outsider_gets_404_everywhere(world, login, tail):
    lead = login(world.social_worker)
    _plan(world, lead)
    goal = Goal.objects.create(
        case=world.case,
        plan=CarePlan.objects.get(),
        domain="medical",
        text="x",
        target_on=TODAY(),
        agency=world.agencies["JPC"],
        created_by=world.social_worker,
    )
    outsider = login(world.outsider)
    assert outsider.get(_url(world, tail)).status_code in (404, 405)
    assert outsider.post(_url(world, tail), {}, content_type=J).status_code in (404, 405)  # 405: a read-only route
    assert (
        outsider.post(_url(world, f"care-plan/goals/{goal.pk}/"), {"status": "met"}, content_type=J).status_code == 404
    )
    assert outsider.post(_url(world, "care-plan/close/"), {"reason": "x"}, content_type=J).status_code == 404
