"""Fictional training records: the workshop of 130 police, social workers and NGO staff learning
to work together that the seeds describe, and two smaller courses, with test scores that rise.
Written through the actions, by JPC's trainer."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.demo import names as n
from casebridge.training import actions
from casebridge.training.models import TrainingEvent


@dataclass(frozen=True)
class Group:
    role: str
    count: int
    agencies: tuple[str, ...]  # casebridge agency codes, or organisations that are not agencies here


WORKSHOP = [
    Group("police", 60, ("AHTJP", "AHTSR", "Kandal provincial police", "Sihanoukville provincial police")),
    Group("social_worker", 35, ("DOSVY", "Siem Reap social affairs department", "Kandal social affairs department")),
    Group("ngo_staff", 35, ("JPC", "HAC", "SHS", "CNS")),
]
INTERVIEWING = [Group("police", 20, ("AHTJP", "AHTSR")), Group("social_worker", 4, ("DOSVY",))]
COURT = [
    Group("prosecutor", 6, ("Phnom Penh Court of First Instance",)),
    Group("judge", 4, ("Phnom Penh Court of First Instance",)),
    Group("lawyer", 8, ("LLA", "JPC")),
]


def _name(rng: random.Random, feminine: bool) -> str:
    given = rng.choice(n.KHMER_GIVEN_FEMALE if feminine else n.KHMER_GIVEN_MALE)
    family = rng.choice(n.KHMER_FAMILY)
    if rng.random() < 0.5:
        return f"{family.script} {given.script}"
    return f"{family.usual_latin} {given.usual_latin}"


def _event(
    rng: random.Random,
    trainer: User,
    agencies: dict[str, Agency],
    *,
    title: str,
    kind: str,
    starts_on: datetime.date,
    days: int,
    place: str,
    facilitators: str,
    topics: list[str],
    groups: list[Group],
    gain: float,
) -> TrainingEvent:
    event = actions.do_create_event(
        actor=trainer,
        agency=agencies["JPC"],
        title=title,
        kind=kind,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days - 1),
        place=place,
        facilitators=facilitators,
        topics=topics,
    )
    rows = []
    for group in groups:
        for _ in range(group.count):
            feminine = rng.random() < (0.25 if group.role in ("police", "judge", "prosecutor") else 0.6)
            where = rng.choice(group.agencies)
            attended = rng.random() > 0.03
            before = round(min(95.0, max(10.0, rng.gauss(50, 12))), 1)
            after = round(min(100.0, max(before - 5, before + rng.gauss(gain, 8))), 1)
            rows.append(
                actions.ParticipantData(
                    name=_name(rng, feminine),
                    sex="female" if feminine else "male",
                    role=group.role,
                    agency=agencies.get(where),
                    organisation="" if where in agencies else where,
                    attended=attended,
                    pre_score=before if attended else None,
                    post_score=after if attended and rng.random() > 0.05 else None,
                )
            )
    actions.do_add_participants(event, actor=trainer, rows=rows)
    return event


def create_training(agencies: dict[str, Agency], users: dict[str, User]) -> list[TrainingEvent]:
    rng = random.Random(130)
    trainer = users["trainer.lina"]
    return [
        _event(
            rng,
            trainer,
            agencies,
            title="Working together for child victims: police, social workers and NGOs",
            kind="workshop",
            starts_on=datetime.date(2016, 8, 15),
            days=3,
            place="Phnom Penh",
            facilitators="Lina Chhun, with the anti-trafficking police and the social affairs department",
            topics=["working_across_agencies", "victim_identification", "law"],
            groups=WORKSHOP,
            gain=18,
        ),
        _event(
            rng,
            trainer,
            agencies,
            title="Interviewing child victims without harm",
            kind="course",
            starts_on=datetime.date(2017, 2, 6),
            days=2,
            place="Siem Reap",
            facilitators="Lina Chhun",
            topics=["trauma_informed_interviewing"],
            groups=INTERVIEWING,
            gain=22,
        ),
        _event(
            rng,
            trainer,
            agencies,
            title="Supporting survivors through the trial",
            kind="course",
            starts_on=datetime.date(2017, 6, 12),
            days=1,
            place="Phnom Penh",
            facilitators="Lina Chhun, Lantern Legal Aid",
            topics=["court_support", "evidence_handling"],
            groups=COURT,
            gain=15,
        ),
    ]
