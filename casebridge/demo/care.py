"""Fictional care, through the actions: care plans with goals, services and reviews (one
overdue, one closed), medical care recorded by the clinic, counselling sessions scored on
WHO-5, schooling and livelihood, a survivor at each reintegration stage, a move between
placements, and her case handed to the provincial social-affairs office (one accepted, one
waiting for its answer)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.cases.access import case_access
from casebridge.cases.models import Case, ContactRequest
from casebridge.cases.sections import Section
from casebridge.crisis.models import Episode
from casebridge.demo.referrals import consent_to_share
from casebridge.restoration import actions, care
from casebridge.restoration.models import CarePlan, Instrument, OutcomeMoment, Reintegration, Stage

D = datetime.timedelta
GOALS = [
    ("psychosocial", "Sleeps through the night; fewer nightmares", "JPC"),
    ("education", "Back to school in grade 7", "SHS"),
    ("economic", "A sewing course, then work of her choosing", "SHS"),
    ("family", "Family tracing and a home assessment", "DOSVY"),
    ("legal", "Prepared for court with her lawyer", "JPC"),
]


def _plan(case: Case, users: dict[str, User], agencies: dict[str, Agency], today: datetime.date, n: int) -> None:
    sophea = users["aftercare.sophea"]
    plan = care.do_make_plan(
        case, actor=sophea, her_participation="She chose her goals herself, with her counsellor beside her."
    )
    serving = care.responsible_agencies(case, case_access(sophea, case))
    goals = []
    for domain, text, code in GOALS[: 3 + n % 3]:
        agency = agencies[code] if agencies[code].pk in serving else agencies["JPC"]
        goals.append(
            care.do_add_goal(
                plan, actor=sophea, domain=domain, text=text, target_on=today + D(days=60 + 30 * n), agency=agency
            )
        )
    care.do_set_goal_status(goals[0], actor=sophea, status="in_progress")
    start = max(case.opened_on, today - D(days=80))
    for i, goal in enumerate(goals):
        kind = {"psychosocial": "counselling", "education": "education", "economic": "vocational"}.get(
            goal.domain, "reintegration"
        )
        care.do_record_service(
            plan,
            actor=sophea,
            delivered_on=min(today, start + D(days=7 * i)),
            kind=kind,
            minutes=60,
            goal=goal,
            note="Session held.",
        )
    shelter = users["shelter.channary"]
    if case_access(shelter, case).can_write_in(Section.CARE_PLAN):
        care.do_record_service(
            plan, actor=shelter, delivered_on=today, kind="shelter", minutes=1440, domain="placement", note="A bed."
        )
    care.do_review(plan, actor=sophea, held_on=max(case.opened_on, today - D(days=5)), summary="Goals on track.")
    if n == 1:  # a review missed: overdue on her case worker's home page
        CarePlan.objects.filter(pk=plan.pk).update(next_review_on=today - D(days=4))
    elif n == 2:
        CarePlan.objects.filter(pk=plan.pk).update(next_review_on=today + D(days=6))
    elif n == 3:
        care.do_close_plan(plan, actor=sophea, reason="Reintegrated with her family; followed up under monitoring.")


def _medical(case: Case, users: dict[str, User], today: datetime.date) -> bool:
    nurse = users["nurse.bopha"]
    if not case_access(nurse, case).can_write_in(Section.MEDICAL):
        return False
    day = max(case.opened_on, today - D(days=30))
    care.do_record_medical(
        case, actor=nurse, kind="visit", on=day, clinic="Tonle Family Health Clinic", note="Check-up."
    )
    care.do_record_medical(case, actor=nurse, kind="test", on=day, clinic="Tonle", test="hiv", result="Negative")
    care.do_record_medical(case, actor=nurse, kind="test", on=day, clinic="Tonle", test="sti", result="")
    care.do_record_medical(case, actor=nurse, kind="appointment", on=today + D(days=14), clinic="Tonle")
    return True


def _counselling(case: Case, users: dict[str, User], today: datetime.date, who5: Instrument) -> None:
    sophea = users["aftercare.sophea"]
    for i, score in enumerate((9, 12, 16)):
        care.do_record_session(
            case,
            actor=sophea,
            held_on=max(case.opened_on, today - D(days=42 - 14 * i)),
            minutes=50,
            instrument=who5,
            score=score,
            notes="Fictional restricted notes: she talked about her younger sister.",
        )


def _school(case: Case, users: dict[str, User], today: datetime.date) -> None:
    sophea = users["aftercare.sophea"]
    start = max(case.opened_on, today - D(days=120))
    course = care.do_enrol(
        case, actor=sophea, kind="vocational", institution="Phnom Penh sewing school", started_on=start
    )
    care.do_update_enrolment(course, actor=sophea, attendance=88)
    care.do_enrol(
        case, actor=sophea, kind="literacy", institution="Evening literacy class", started_on=start, attendance=75
    )
    for months in (2, 1):
        month = (today.replace(day=1) - D(days=28 * months)).replace(day=1)
        if month >= case.opened_on.replace(day=1):
            care.do_record_livelihood(
                case,
                actor=sophea,
                month=month,
                income=Decimal(90 + 20 * months),
                savings=Decimal(15 * months),
                work="Apprentice tailor",
            )


def _reintegration(case: Case, users: dict[str, User], stage: Stage) -> Reintegration:
    """Her reintegration, through each stage to ``stage``, the dates spread over the time since
    her case was opened (at least a year ago)."""
    sophea = users["aftercare.sophea"]
    day = case.opened_on + D(days=30)
    found = care.do_start_reintegration(case, actor=sophea, on=day)
    scored = {"safety": 2, "wellbeing": 2, "education_income": 1, "legal_status": 2}
    steps = [Stage.INTEGRATION, Stage.MONITORING, Stage.CLOSURE]
    moments = [OutcomeMoment.INTAKE, OutcomeMoment.REINTEGRATION, OutcomeMoment.CLOSURE]
    for target, moment in zip(steps[: steps.index(stage) + 1] if stage in steps else [], moments, strict=False):
        for key, _label in care.CHECKLIST[found.stage]:
            care.do_check(found, actor=sophea, key=key, done_on=day, note="Done with her family.")
        care.do_score(
            found,
            actor=sophea,
            moment=moment,
            scored_on=day,
            safety=scored["safety"],
            wellbeing=scored["wellbeing"],
            education_income=scored["education_income"],
            legal_status=scored["legal_status"],
        )
        scored = {name: min(5, value + 1) for name, value in scored.items()}
        day = day + D(days=90)
        if target == Stage.MONITORING:  # the visits due by now were held
            for visit in found.follow_ups.filter(due_on__lte=day):
                care.do_follow_up(visit, actor=sophea, done_on=visit.due_on, note="Safe at home, at school.")
        found = care.do_advance(found, actor=sophea, stage=target, on=day)
    return found


def create_care(agencies: dict[str, Agency], users: dict[str, User], cases: list[Case]) -> dict[str, Any]:
    today = timezone.localdate()
    sophea = users["aftercare.sophea"]
    who5 = Instrument.objects.get_or_create(
        code="who5", defaults={"name": "WHO-5 Well-Being Index", "min_score": 0, "max_score": 25}
    )[0]
    mine = [c for c in cases if c.lead_agency_id == agencies["JPC"].pk and c.owner_id == sophea.pk and not c.is_closed]
    mine.sort(key=lambda c: c.opened_on, reverse=True)
    for n, case in enumerate(mine[:6]):
        _plan(case, users, agencies, today, n)
        _counselling(case, users, today, who5)
        if n < 3:
            _school(case, users, today)
    medical = sum(_medical(case, users, today) for case in mine[:12])
    older = [c for c in mine if c.opened_on <= today - D(days=450)]
    stages = [Stage.PRE_INTEGRATION, Stage.INTEGRATION, Stage.MONITORING, Stage.CLOSURE]
    for case, stage in zip(older, stages, strict=False):
        _reintegration(case, users, stage)
    # Her moves: an assessment centre first, then a long-term shelter.
    moved = next((c for c in mine[6:] if (c.survivor.age_now() or 99) < 18), None)
    if moved is not None:
        now = timezone.now()
        actions.do_move(moved, actor=sophea, agency=agencies["HAC"], at=now - D(days=20), reason="Assessment first.")
        actions.do_move(moved, actor=sophea, agency=agencies["SHS"], at=now - D(days=2), reason="A long-term place.")
    # The field office hands its work to government: one case handed over, one waiting.
    office = agencies["DOSVY"]
    # Not a case with the intake question (it stays with JPC), nor a girl in crisis care now.
    busy = set(ContactRequest.objects.values_list("case_id", flat=True))
    busy |= set(Episode.objects.filter(ended_at__isnull=True).values_list("case_id", flat=True))
    handed = [c for c in reversed(mine[6:]) if c.pk not in busy and c != moved][:2]
    for i, case in enumerate(handed):
        consent_to_share(case, office, sophea)
        transfer = actions.do_propose_transfer(
            case,
            actor=sophea,
            to_agency=office,
            reason="The field office hands its cases to the provincial social-affairs office.",
            keep_sections=["identity", "care_plan"],
            keep_days=90,
        )
        if i == 0:
            actions.do_accept_transfer(transfer, actor=users["govsw.sokun"], note="We lead her case from today.")
    return {"plans": min(6, len(mine)), "medical": medical, "reintegration": min(4, len(older))}
