"""Three years of the programme behind the demo's stories, for the indicators dashboard: each
older case not in a story gets the trail a survivor's case leaves — found in an operation,
crisis care with its roster, a placement, care-plan goals, reintegration and what followed, and
for some the prosecution of the men who sold her. Written in bulk (the dashboard counts them;
nobody opens them one by one), fictional, and dated in the past only."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.cases.models import Case
from casebridge.crisis.models import Episode, Incident, Shift
from casebridge.investigations.models import Arrest, CaseLink, Encounter, Operation, Screening, Subject
from casebridge.legal.models import (
    Charge,
    ChargeCode,
    Compensation,
    Defendant,
    Judgment,
    Payment,
    Proceeding,
    ProceedingCase,
    TestimonySession,
)
from casebridge.lib.measures import changed
from casebridge.people.models import Person
from casebridge.restoration.models import (
    CarePlan,
    Enrolment,
    Goal,
    Livelihood,
    Outcome,
    Placement,
    Reintegration,
    ReintegrationStep,
)

D = datetime.timedelta
GOALS = {
    "medical": "Treatment completed and health checked",
    "psychosocial": "Counselling every week; feels safe",
    "education": "Back in school or a course",
    "economic": "A skill and a first income",
}


def _in_a_story(cases: list[Case]) -> set[Any]:
    ids = [c.pk for c in cases]
    taken: set[Any] = set()
    for model in (Screening, CaseLink, Episode, CarePlan, Reintegration, ProceedingCase, Placement):
        taken |= set(model.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
    return taken


def create_history(agencies: dict[str, Agency], users: dict[str, User], cases: list[Case], today: datetime.date) -> int:
    """The trail of each older case not in a story; returns how many."""
    rng = random.Random(14)
    police, worker, lawyer = users["police.dara"], users["aftercare.sophea"], users["lawyer.vannak"]
    taken = _in_a_story(cases)
    older = [c for c in cases if c.pk not in taken and c.opened_on <= today - D(days=120)]
    by_month: dict[tuple[int, int], list[Case]] = {}
    for case in older:
        by_month.setdefault((case.opened_on.year, case.opened_on.month), []).append(case)
    encounters, screenings, links, episodes, shifts, incidents, placements = [], [], [], [], [], [], []
    plans, goals, reintegrations, steps, enrolments, livelihoods, outcomes = [], [], [], [], [], [], []
    arrested: list[tuple[Operation, Case]] = []
    for (year, month), found in sorted(by_month.items()):
        at = timezone.make_aware(datetime.datetime(year, month, 1, 21)) + D(
            days=min(c.opened_on.day for c in found) - 1
        )
        operation = Operation.objects.create(
            agency=agencies["AHTJP"],
            lead_unit=agencies["AHTJP"],
            name=f"Operation {year}-{month:02}",
            planned_for=at,
            carried_out_at=at,
            closed_at=at + D(days=3),
            state="closed",
            created_by=police,
        )
        for number, case in enumerate(found, 1):
            arrested.append((operation, case))
            encounter = Encounter(operation=operation, number=number, recorded_by=police, removed=True, sex="female")
            encounters.append(encounter)
            minor = "yes" if case.age_band and case.age_band < "18" else rng.choice(["no", "borderline", "no"])
            screenings.append(
                Screening(
                    encounter=encounter,
                    minor=minor,
                    status="ActualVictimOfTrafficking",
                    decided_by="Police",
                    outcome="case",
                    case=case,
                    screened_by=police,
                )
            )
            links.append(CaseLink(reference=f"H{year}{month:02}{number:03}", case=case, operation=operation))
            starts = at + D(hours=2)
            ends = starts + D(hours=rng.choice([48, 60, 72, 96]))
            covered = rng.random() < 0.85
            episode = Episode(
                case=case,
                agency=agencies["JPC"],
                place_kind=rng.choice(["assessment_centre", "police_station"]),
                place="Assessment room",
                starts_at=starts,
                supervisor=worker,
                ended_at=ends,
                outcome="placed",
                outcome_note="Placed in the shelter",
                covered=covered,
                created_by=worker,
            )
            episodes.append(episode)
            shifts.append(
                Shift(
                    episode=episode,
                    staff=worker,
                    agency=agencies["JPC"],
                    role="social_worker",
                    starts_at=starts,
                    ends_at=ends if covered else starts + D(hours=30),
                    created_by=worker,
                )
            )
            if rng.random() < 0.12:
                incidents.append(
                    Incident(
                        episode=episode,
                        kind=rng.choice(["held_in_cell", "suspect_contact"]),
                        occurred_at=starts + D(hours=1),
                        reported_by=worker,
                    )
                )
            placements.append(
                Placement(
                    case=case,
                    agency=agencies["SHS"],
                    place="Safe Haven Shelter",
                    started_at=starts + D(days=rng.choice([2, 3, 3, 4, 5, 7, 9, 14])),
                    ended_at=starts + D(days=200) if (starts + D(days=200)).date() < today else None,
                    episode=episode,
                    decided_by=worker,
                )
            )
            plan = CarePlan(case=case, review_every_days=90, closed_at=None, created_by=worker)
            plans.append(plan)
            for domain, chance in (("medical", 0.9), ("psychosocial", 0.7), ("education", 0.6), ("economic", 0.5)):
                target = case.opened_on + D(days=rng.randint(90, 300))
                if target >= today:
                    continue
                goals.append(
                    Goal(
                        case=case,
                        plan=plan,
                        domain=domain,
                        text=GOALS[domain],
                        target_on=target,
                        agency=agencies["JPC"],
                        status="met" if rng.random() < chance else "not_met",
                        created_by=worker,
                    )
                )
            integrated = case.opened_on + D(days=rng.randint(150, 330))
            if integrated >= today - D(days=30):
                continue
            reintegration = Reintegration(case=case, stage="integration", stage_since=integrated, started_by=worker)
            reintegrations.append(reintegration)
            for stage, on in (("pre_integration", integrated - D(days=60)), ("integration", integrated)):
                steps.append(ReintegrationStep(case=case, reintegration=reintegration, stage=stage, on=on, by=worker))
            if rng.random() < 0.45:
                enrolments.append(
                    Enrolment(
                        case=case,
                        kind=rng.choice(["school", "vocational"]),
                        started_on=integrated,
                        status="enrolled",
                        recorded_by=worker,
                    )
                )
            elif rng.random() < 0.5:
                livelihoods.append(
                    Livelihood(
                        case=case,
                        month=integrated.replace(day=1),
                        income=rng.randint(60, 180),
                        savings=10,
                        recorded_by=worker,
                    )
                )
            outcomes.append(
                Outcome(
                    case=case,
                    reintegration=reintegration,
                    moment="reintegration",
                    scored_on=integrated,
                    safety=4,
                    wellbeing=4,
                    education_income=3,
                    legal_status=4,
                    retrafficked=rng.random() < 0.04,
                    by=worker,
                )
            )
    made: list[list[Any]] = [
        encounters,
        screenings,
        links,
        episodes,
        shifts,
        incidents,
        placements,
        plans,
        goals,
        reintegrations,
        steps,
        enrolments,
        livelihoods,
        outcomes,
    ]
    for rows in made:
        if rows:
            type(rows[0]).objects.bulk_create(rows)
    _prosecutions(agencies, police, lawyer, arrested, today, rng)
    _entered_then(older)
    changed("cases", "rescue", "crisis", "restore", "justice")
    return len(older)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _entered_then(cases: list[Case]) -> None:
    """Written today in bulk, the history is dated when it happened: the times records were
    entered (which the indicators read: a record counts once it was on record before the month
    counted) follow the events, and the case's ways in keep their order."""
    from casebridge.cases.models import Reach

    for case in cases:
        Case.objects.filter(pk=case.pk).update(created_at=_at(case.opened_on))
        Reach.objects.filter(case_id=case.pk).update(case_created_at=_at(case.opened_on))
    ids = [c.pk for c in cases]
    entered = Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("created_at")[:1])
    stamps: list[tuple[Any, str]] = [
        (Episode, "created_at"),
        (Placement, "decided_at"),
        (CarePlan, "created_at"),
        (Goal, "created_at"),
        (ReintegrationStep, "at"),
        (Enrolment, "recorded_at"),
        (Livelihood, "recorded_at"),
        (Outcome, "at"),
    ]
    for model, field in stamps:
        model.objects.filter(case_id__in=ids).update(**{field: entered})
    Incident.objects.filter(episode__case_id__in=ids).update(reported_at=F("occurred_at"))


def _dated(record: Any, field: str, day: datetime.date) -> Any:
    """A record made now, dated as entered on ``day``."""
    type(record).objects.filter(pk=record.pk).update(**{field: _at(day)})
    return record


def _prosecutions(
    agencies: dict[str, Agency],
    police: User,
    lawyer: User,
    arrested: list[tuple[Operation, Case]],
    today: datetime.date,
    rng: random.Random,
) -> None:
    """For one operation in two, a pimp arrested and prosecuted with the girls it found as
    victims: charged some weeks later, judged within the year for most."""
    code = ChargeCode.objects.filter(active=True).order_by("article").first()
    operations: dict[Any, tuple[Operation, list[Case]]] = {}
    for operation, case in arrested:
        operations.setdefault(operation.pk, (operation, []))[1].append(case)
    for operation, girls in operations.values():
        if code is None:
            continue
        day = operation.carried_out_at.date() if operation.carried_out_at else today
        proceeding = Proceeding.objects.create(
            reference=f"H-{day:%Y%m}",
            lead_agency=agencies["JPC"],
            court="Phnom Penh Municipal Court of First Instance",
            stage="verdict",
            stage_since=day + D(days=200),
            created_by=lawyer,
        )
        ProceedingCase.objects.bulk_create(
            ProceedingCase(proceeding=proceeding, case=c, added_by=lawyer) for c in girls
        )
        ProceedingCase.objects.filter(proceeding=proceeding).update(added_at=operation.carried_out_at)
        for k in range(rng.choice([2, 3, 4])):
            person = Person.objects.create(kind="suspect", registered_by_agency=agencies["AHTJP"], created_by=police)
            subject = Subject.objects.create(agency=agencies["AHTJP"], person=person, created_by=police)
            _dated(Arrest.objects.create(operation=operation, subject=subject, recorded_by=police), "recorded_at", day)
            defendant = Defendant.objects.create(
                proceeding=proceeding, name=f"Defendant {day:%Y%m}-{k}", sex="male", subject=subject, added_by=lawyer
            )
            filed = day + D(days=rng.randint(3, 40))
            charge = _dated(
                Charge.objects.create(
                    proceeding=proceeding, defendant=defendant, code=code, filed_on=filed, added_by=lawyer
                ),
                "added_at",
                filed,
            )
            judged = filed + D(days=rng.randint(120, 420))
            if judged >= today - D(days=14):
                continue
            convicted = rng.random() < 0.8
            judgment = Judgment.objects.create(
                charge=charge,
                proceeding=proceeding,
                verdict="convicted" if convicted else "acquitted",
                on=judged,
                years=rng.randint(5, 15) if convicted else None,
                recorded_by=lawyer,
            )
            _dated(judgment, "recorded_at", judged)
            if convicted and k == 0:
                for girl in girls[:2]:
                    ordered = Compensation.objects.create(
                        proceeding=proceeding,
                        defendant=defendant,
                        case=girl,
                        amount=rng.choice([4, 8, 10, 20]) * 1_000_000,
                        ordered_on=judged,
                        recorded_by=lawyer,
                    )
                    _dated(ordered, "recorded_at", judged)
                    if rng.random() < 0.4 and judged + D(days=60) < today:
                        payment = Payment.objects.create(
                            proceeding=proceeding,
                            compensation=ordered,
                            amount=ordered.amount // 2,
                            paid_on=judged + D(days=60),
                            recorded_by=lawyer,
                        )
                        _dated(payment, "recorded_at", judged + D(days=60))
        for girl in girls:
            if rng.random() < 0.6 and day + D(days=60) < today:
                prepared = TestimonySession.objects.create(
                    case=girl, agency=agencies["JPC"], kind="preparation", on=day + D(days=60), recorded_by=lawyer
                )
                _dated(prepared, "recorded_at", day + D(days=60))
