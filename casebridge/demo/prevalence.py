"""Two fictional prevalence studies that reproduce the published Cambodian pattern
(../shared/DOMAIN.md): a 2012 baseline with 8.16% minors among the people available (weighted),
and 2015 with 287 establishments visited, 2,014 people, 38 minors (1.9% unweighted, about 2.2%
weighted) and about 0.1% aged 15 or under: a fall of about 73%. The visit counts are synthetic;
each stratum's totals are fixed so that the weighted shares come out as published, and spread
over its establishments with a seeded generator. Everything is written through the actions."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.prevalence import actions
from casebridge.prevalence.models import Establishment, SelectionStatus, Study, Visit


@dataclass(frozen=True)
class StratumTotals:
    establishment_type: str
    area: str
    visited: int  # n_h
    frame: int  # N_h
    persons: int
    minors: int
    under_16: int = 0
    borderline: int = 0


STUDY_2015 = [
    StratumTotals("brothel", "Phnom Penh", 60, 120, 520, 11, 1, 4),
    StratumTotals("karaoke", "Phnom Penh", 80, 160, 600, 9, 0, 3),
    StratumTotals("massage", "Phnom Penh", 50, 100, 380, 4, 0, 2),
    StratumTotals("beer_garden", "Siem Reap", 40, 60, 260, 2, 0, 1),
    StratumTotals("brothel", "Sihanoukville", 30, 120, 170, 9, 1, 3),
    StratumTotals("street", "Phnom Penh", 27, 54, 84, 3, 0, 1),
]
BASELINE_2012 = [
    StratumTotals("brothel", "Phnom Penh", 55, 110, 480, 25, 6, 9),
    StratumTotals("karaoke", "Phnom Penh", 70, 140, 520, 22, 3, 8),
    StratumTotals("massage", "Phnom Penh", 45, 90, 330, 29, 5, 6),
    StratumTotals("beer_garden", "Siem Reap", 35, 50, 220, 18, 2, 4),
    StratumTotals("brothel", "Sihanoukville", 35, 105, 200, 38, 9, 5),
]
METHOD = (
    "Venue-based time-space sampling. Establishments drawn per stratum with the recorded seed; a "
    "sampled establishment that had closed was replaced by the next reserve. Trained undercover "
    "investigators counted everyone available for commercial sex during the visit and judged who "
    "was a minor; those they could not decide were recorded as borderline. About one visit in ten "
    "was repeated by a second observer. Fictional data for the demonstration."
)


def _spread(rng: random.Random, total: int, parts: int, minimum: int) -> list[int]:
    """``total`` split into ``parts`` whole numbers of at least ``minimum`` each."""
    counts = [minimum] * parts
    for _ in range(total - minimum * parts):
        counts[rng.randrange(parts)] += 1
    return counts


def _place(rng: random.Random, weights: list[int], count: int) -> list[int]:
    """``count`` people placed among establishments, never more in one than its ``weights``."""
    placed = [0] * len(weights)
    for _ in range(count):
        room = [i for i, w in enumerate(weights) if placed[i] < w]
        placed[rng.choice(room)] += 1
    return placed


def _study(
    lead: User,
    investigator: User,
    agency: Agency,
    *,
    title: str,
    areas: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    strata: list[StratumTotals],
    seed: int,
    audits: int,
) -> Study:
    rng = random.Random(seed)
    study = actions.do_create_study(
        actor=lead, agency=agency, title=title, areas=areas, starts_on=starts_on, ends_on=ends_on, method_notes=METHOD
    )
    made = []
    for number, spec in enumerate(strata, 1):
        stratum = actions.do_add_stratum(
            study,
            actor=lead,
            establishment_type=spec.establishment_type,
            area=spec.area,
            frame_size=spec.frame,
            sample_size=spec.visited,
        )
        prefix = f"{spec.establishment_type[:2].upper()}{number}"
        for index in range(1, spec.frame + 1):
            actions.do_add_establishment(
                study,
                actor=lead,
                stratum=stratum,
                code=f"{prefix}-{index:03d}",
                name=f"Fictional {spec.establishment_type.replace('_', ' ')} {index} ({spec.area})",
                location=f"Street {rng.randint(1, 600)}, {spec.area}",
            )
        made.append((stratum, spec))
    actions.do_draw_sample(study, actor=lead, seed=seed)
    # One sampled establishment per study had closed: replaced by its stratum's next reserve.
    first = study.selections.filter(status=SelectionStatus.SELECTED).order_by("stratum", "rank").first()
    if first is not None:
        actions.do_replace(first, actor=lead, reason="Closed when the investigators arrived")
    days = (ends_on - starts_on).days
    visits: list[Visit] = []
    for stratum, spec in made:
        sample = list(
            Establishment.objects.filter(stratum=stratum, selection__status=SelectionStatus.SELECTED).order_by("code")
        )
        persons = _spread(rng, spec.persons, len(sample), 1)
        minors = _place(rng, persons, spec.minors)
        young = _place(rng, minors, spec.under_16)
        borderline = _place(rng, [p - m for p, m in zip(persons, minors, strict=True)], spec.borderline)
        for i, establishment in enumerate(sample):
            start = datetime.time(rng.choice([19, 20, 21, 22]), rng.choice([0, 30]))
            visits.append(
                actions.do_record_visit(
                    study,
                    actor=investigator,
                    establishment=establishment,
                    visited_on=starts_on + datetime.timedelta(days=rng.randint(0, days)),
                    from_time=start,
                    to_time=datetime.time((start.hour + 2) % 24, start.minute),
                    persons=persons[i],
                    minors=minors[i],
                    under_16=young[i],
                    borderline=borderline[i],
                )
            )
    # About one visit in ten is repeated by a second observer; in two of them (visits where a
    # minor was seen) the second observer judged one of the minors borderline instead.
    disagreed = rng.sample([v for v in visits if v.minors > 0], 2)
    others = rng.sample([v for v in visits if v not in disagreed], audits - len(disagreed))
    for checked in disagreed + others:
        differs = checked in disagreed
        actions.do_record_visit(
            study,
            actor=lead,
            establishment=checked.establishment,
            checks=checked,
            visited_on=checked.visited_on,
            from_time=checked.from_time,
            to_time=checked.to_time,
            persons=checked.persons,
            minors=checked.minors - 1 if differs else checked.minors,
            under_16=min(checked.under_16, checked.minors - 1) if differs else checked.under_16,
            borderline=checked.borderline + 1 if differs else checked.borderline,
        )
    return study


def create_studies(agencies: dict[str, Agency], users: dict[str, User]) -> list[Study]:
    """JPC's baseline and follow-up studies: its programme manager leads, its investigator visits."""
    lead, investigator, agency = users["manager.kosal"], users["ngoinv.piseth"], agencies["JPC"]
    baseline = _study(
        lead,
        investigator,
        agency,
        title="Minors in commercial sex, 2012 (baseline)",
        areas="Phnom Penh, Siem Reap, Sihanoukville",
        starts_on=datetime.date(2012, 2, 1),
        ends_on=datetime.date(2012, 4, 30),
        strata=BASELINE_2012,
        seed=2012,
        audits=24,
    )
    follow_up = _study(
        lead,
        investigator,
        agency,
        title="Minors in commercial sex, 2015",
        areas="Phnom Penh, Siem Reap, Sihanoukville",
        starts_on=datetime.date(2015, 1, 12),
        ends_on=datetime.date(2015, 4, 10),
        strata=STUDY_2015,
        seed=2015,
        audits=29,
    )
    return [baseline, follow_up]
