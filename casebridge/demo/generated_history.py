"""The programme's records behind generated cases, for the indicators' benchmark at a million
cases: for a share of the cases, what rescue, crisis care, restoration and justice leave
(screenings, crisis care with its roster, placements, care-plan goals, reintegration, and
prosecutions with defendants, charges, judgments and compensation), at the rates a national
programme sees. Written by COPY in chunks, like the cases; encrypted fields sealed to their rows.
Fictional, dated after each case was opened and never after today."""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from casebridge.cases.models import Case
from casebridge.crisis.models import Episode, Incident, Shift
from casebridge.demo.generator import Cast, _Rows
from casebridge.indicators.tally import ALL, mark
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
    Goal,
    Livelihood,
    Outcome,
    Placement,
    Reintegration,
    ReintegrationStep,
)

D = datetime.timedelta
MARK = "Generated operation"  # the operations' names: history already written


class _Table(_Rows):
    """Rows of one model whose times written by Django (auto_now) are given, and whose encrypted
    fields are sealed to their row."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(model)
        self.stamped = [
            f.attname for f in self.fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.sealed = {f.attname: f for f in self.fields if hasattr(f, "seal")}

    def put(self, at: datetime.datetime, **values: Any) -> None:
        for name in self.stamped:
            values.setdefault(name, at)
        for name, field in self.sealed.items():
            if values.get(name) is not None:
                values[name] = field.seal(values["id"], values[name])
        self.add(**values)


@dataclass(frozen=True)
class Staff:
    """Who the records are of (ids): the police unit and its officer, the social affairs office,
    the NGO that gives crisis care and leads the prosecutions, its social worker and lawyer, the
    shelter; and how the operations are named."""

    police: int
    office: int
    ngo: int
    shelter: int
    officer: int
    worker: int
    lawyer: int
    name: str = MARK


def has_history() -> bool:
    return Operation.objects.filter(name__startswith=MARK).exists()


def write_history(
    cast: Cast, *, seed: int = 1, chunk: int = 20_000, progress: Callable[[int], None] | None = None
) -> int:
    """The records behind every generated case (once); returns how many cases were read."""
    if has_history():
        return 0
    rng = random.Random(seed)
    a, u = cast.agencies, cast.users
    staff = Staff(a["GPL1"], a["GDS12"], a["GNG1"], a["GSH1"], u["GPL1"], u["GNG1"], u["GNG1"])
    cases = Case.objects.filter(lead_agency_id__in=cast.agencies.values()).order_by("id")
    last: Any = None
    done = 0
    while True:
        page = cases.filter(id__gt=last) if last else cases
        found = list(page.values_list("id", "opened_on")[:chunk])
        if not found:
            break
        last = found[-1][0]
        with transaction.atomic():
            write_records(found, staff, rng)
        done += len(found)
        if progress:
            progress(done)
    changed("cases", "rescue", "crisis", "restore", "justice")
    mark([ALL])  # (written past the signals: the indicators' tallies are counted again)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return done


def write_records(
    found: list[tuple[Any, datetime.date]],
    staff: Staff,
    rng: random.Random,
    *,
    rescued: float = 0.6,
    prosecuted: float = 0.3,
) -> None:
    """The records behind each case (its id and the day it was opened), at a national
    programme's rates: ``rescued`` of them found in an operation, most of those in crisis care;
    ``prosecuted`` of the operations brought to court."""
    today = timezone.localdate()
    code = ChargeCode.objects.filter(active=True).order_by("article").first()
    tables: dict[Any, _Table] = {
        m: _Table(m)
        for m in (
            Operation,
            Encounter,
            Screening,
            CaseLink,
            Episode,
            Shift,
            Incident,
            Placement,
            CarePlan,
            Goal,
            Reintegration,
            ReintegrationStep,
            Livelihood,
            Outcome,
            Person,
            Subject,
            Arrest,
            Proceeding,
            ProceedingCase,
            Defendant,
            Charge,
            Judgment,
            Compensation,
            Payment,
            TestimonySession,
        )
    }

    def put(model: type[models.Model], at: datetime.datetime, **values: Any) -> Any:
        values.setdefault("id", uuid.uuid4())
        tables[model].put(at, **values)
        return values["id"]

    police, office, ngo, shelter = staff.police, staff.office, staff.ngo, staff.shelter
    officer, worker, lawyer = staff.officer, staff.worker, staff.lawyer
    raid: list[tuple[Any, datetime.datetime, list[Any]]] = []  # the open operation and its girls
    for case_id, opened_on in found:
        if rng.random() >= rescued or opened_on >= today:
            continue
        at = timezone.make_aware(datetime.datetime.combine(opened_on, datetime.time(21)))
        if not raid or len(raid[-1][2]) >= 10 or raid[-1][1].date() != opened_on:
            operation = put(
                Operation,
                at,
                agency_id=police,
                lead_unit_id=police,
                name=f"{staff.name} {opened_on:%Y-%m-%d}",
                planned_for=at,
                carried_out_at=at,
                state="closed",
                created_by_id=officer,
            )
            raid.append((operation, at, []))
        operation, at, girls = raid[-1]
        girls.append(case_id)
        encounter = put(
            Encounter, at, operation_id=operation, number=len(girls), sex="female", removed=True, recorded_by_id=officer
        )
        put(
            Screening,
            at,
            encounter_id=encounter,
            minor=rng.choice(["yes", "yes", "yes", "borderline", "no"]),
            status="ActualVictimOfTrafficking",
            decided_by="Police",
            outcome="case",
            case_id=case_id,
            screened_by_id=officer,
        )
        tables[CaseLink].put(at, reference=uuid.uuid4().hex[:12].upper(), case_id=case_id, operation_id=operation)
        starts = at + D(hours=2)
        if rng.random() < 0.85:
            ends = starts + D(hours=rng.choice([48, 60, 72]))
            covered = rng.random() < 0.85
            episode = put(
                Episode,
                starts,
                case_id=case_id,
                agency_id=ngo,
                place_kind="assessment_centre",
                place="Assessment centre",
                starts_at=starts,
                supervisor_id=worker,
                ended_at=ends,
                outcome="placed",
                covered=covered,
                created_by_id=worker,
            )
            put(
                Shift,
                starts,
                episode_id=episode,
                staff_id=worker,
                agency_id=ngo,
                role="social_worker",
                starts_at=starts,
                ends_at=ends if covered else starts + D(hours=30),
                created_by_id=worker,
            )
            if rng.random() < 0.04:
                put(
                    Incident,
                    starts,
                    episode_id=episode,
                    kind="held_in_cell",
                    occurred_at=starts,
                    note="",
                    reported_by_id=worker,
                )
            placed = starts + D(days=rng.choice([2, 3, 4, 5, 7, 10, 14]))
            if placed.date() < today:
                put(
                    Placement,
                    placed,
                    case_id=case_id,
                    agency_id=shelter,
                    started_at=placed,
                    episode_id=episode,
                    decided_by_id=worker,
                )
        plan = put(CarePlan, starts, case_id=case_id, review_every_days=90, created_by_id=worker)
        for domain, chance in (("medical", 0.85), ("education", 0.6)):
            target = opened_on + D(days=rng.randint(60, 300))
            if target < today:
                status = "met" if rng.random() < chance else "not_met"
                put(
                    Goal,
                    starts,
                    case_id=case_id,
                    plan_id=plan,
                    domain=domain,
                    text=domain,
                    target_on=target,
                    agency_id=office,
                    status=status,
                    created_by_id=worker,
                )
        integrated = opened_on + D(days=rng.randint(150, 400))
        if integrated < today and rng.random() < 0.5:
            moment = timezone.make_aware(datetime.datetime.combine(integrated, datetime.time(10)))
            reintegration = put(
                Reintegration,
                moment,
                case_id=case_id,
                stage="integration",
                stage_since=integrated,
                started_by_id=worker,
            )
            put(
                ReintegrationStep,
                moment,
                case_id=case_id,
                reintegration_id=reintegration,
                stage="integration",
                on=integrated,
                by_id=worker,
            )
            if rng.random() < 0.5:
                put(
                    Livelihood,
                    moment,
                    case_id=case_id,
                    month=integrated.replace(day=1),
                    income=rng.randint(0, 200),
                    savings=0,
                    recorded_by_id=worker,
                )
            put(
                Outcome,
                moment,
                case_id=case_id,
                reintegration_id=reintegration,
                moment="reintegration",
                scored_on=integrated,
                safety=4,
                wellbeing=4,
                education_income=3,
                legal_status=4,
                retrafficked=rng.random() < 0.03,
                by_id=worker,
            )
    if code is not None:
        for operation, at, girls in raid:
            if rng.random() < prosecuted:
                _prosecute(put, tables, operation, at, girls, code.pk, ngo, police, officer, lawyer, rng, today)
    for table in tables.values():
        table.write()


def _prosecute(
    put: Callable[..., Any],
    tables: dict[Any, _Table],
    operation: Any,
    at: datetime.datetime,
    girls: list[Any],
    code: int,
    ngo: int,
    police: int,
    officer: int,
    lawyer: int,
    rng: random.Random,
    today: datetime.date,
) -> None:
    day = at.date()
    proceeding = put(
        Proceeding,
        at,
        reference=uuid.uuid4().hex[:12].upper(),
        lead_agency_id=ngo,
        stage="verdict",
        stage_since=day,
        created_by_id=lawyer,
    )
    for girl in girls:
        tables[ProceedingCase].put(at, proceeding_id=proceeding, case_id=girl, added_by_id=lawyer)
        if rng.random() < 0.5 and day + D(days=30) < today:
            put(
                TestimonySession,
                at,
                case_id=girl,
                agency_id=ngo,
                kind="preparation",
                on=day + D(days=30),
                staff="",
                recorded_by_id=lawyer,
            )
    for _n in range(rng.choice([1, 1, 2])):
        person = put(Person, at, kind="suspect", registered_by_agency_id=police, created_by_id=officer)
        subject = put(Subject, at, agency_id=police, person_id=person, created_by_id=officer)
        put(Arrest, at, operation_id=operation, subject_id=subject, recorded_by_id=officer)
        defendant = put(
            Defendant,
            at,
            proceeding_id=proceeding,
            name="Defendant",
            sex="male",
            subject_id=subject,
            added_by_id=lawyer,
        )
        filed = day + D(days=rng.randint(2, 60))
        if filed >= today:
            continue
        charge = put(
            Charge,
            at,
            proceeding_id=proceeding,
            defendant_id=defendant,
            code_id=code,
            filed_on=filed,
            added_by_id=lawyer,
        )
        judged = filed + D(days=rng.randint(90, 500))
        if judged >= today:
            continue
        convicted = rng.random() < 0.8
        tables[Judgment].put(
            at,
            charge_id=charge,
            proceeding_id=proceeding,
            verdict="convicted" if convicted else "acquitted",
            on=judged,
            years=rng.randint(5, 15) if convicted else None,
            recorded_by_id=lawyer,
        )
        if convicted:
            ordered = put(
                Compensation,
                at,
                proceeding_id=proceeding,
                defendant_id=defendant,
                case_id=girls[0],
                amount=8_000_000,
                ordered_on=judged,
                recorded_by_id=lawyer,
            )
            if rng.random() < 0.4 and judged + D(days=60) < today:
                put(
                    Payment,
                    at,
                    proceeding_id=proceeding,
                    compensation_id=ordered,
                    amount=4_000_000,
                    paid_on=judged + D(days=60),
                    recorded_by_id=lawyer,
                )
