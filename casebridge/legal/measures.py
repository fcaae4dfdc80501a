"""How long proceedings take: for a manager (or lawyer) of agencies that lead proceedings, the
days spent in each stage of criminal procedure across their agencies' proceedings, and how they
ended. Aggregates only, never a proceeding, a reference or a name; a figure of one or two
proceedings is withheld."""

from __future__ import annotations

import datetime
import statistics
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

from casebridge.agencies.models import Role
from casebridge.cases.measures import Days, Row, Within, by_facts, moment
from casebridge.investigations.models import CaseLink
from casebridge.legal.actions import stage_days
from casebridge.legal.models import (
    Attendance,
    Charge,
    Closure,
    Compensation,
    Defendant,
    Judgment,
    Payment,
    Proceeding,
    ProceedingCase,
    Stage,
    StageStep,
    TestimonySession,
    Verdict,
)

if TYPE_CHECKING:
    from casebridge.accounts.models import User

MEASURING_ROLES = frozenset({Role.PROGRAMME_MANAGER, Role.LAWYER})
FEWEST = 3  # fewer proceedings than this: no figure


def measured_agencies(user: User) -> set[int]:
    """The agencies whose proceedings' durations the user sees: where they manage or practise,
    and that lead proceedings."""
    if not user.is_authenticated or not user.is_active:
        return set()
    agencies = {m.agency_id for m in user.active_memberships() if m.role in MEASURING_ROLES}
    return agencies and set(
        Proceeding.objects.filter(lead_agency_id__in=agencies).values_list("lead_agency_id", flat=True).distinct()
    )


def _count(n: int) -> int | None:
    """A count of one or two proceedings is withheld: it would say what happened to one."""
    return None if 0 < n < FEWEST else n


def _percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def stage_durations(agencies: set[int]) -> dict[str, Any]:
    """Per stage: how many proceedings went through it, how many are in it now, and the median and
    90th percentile of the days spent in it (the current stage counted until today or the end);
    per closure, how many ended so."""
    proceedings = list(
        Proceeding.objects.filter(lead_agency_id__in=agencies).only("pk", "stage", "closed_as", "closed_on")
    )
    steps: dict[Any, list[StageStep]] = {}
    for step in StageStep.objects.filter(proceeding__in=proceedings).only(
        "proceeding_id", "stage", "closed_as", "on", "at"
    ):
        steps.setdefault(step.proceeding_id, []).append(step)
    days: dict[str, list[int]] = {}
    for proceeding in proceedings:
        ordered = sorted(steps.get(proceeding.pk, []), key=lambda s: (s.on, s.at))
        for stage, n in stage_days(proceeding, ordered):
            days.setdefault(stage, []).append(n)
    stages = []
    for stage in Stage.values:
        spent = days.get(stage, [])
        now = sum(1 for p in proceedings if p.stage == stage and not p.closed_as)
        shown = len(spent) >= FEWEST
        stages.append(
            {
                "stage": stage,
                "proceedings": _count(len(spent)),
                "in_stage_now": _count(now),
                "median_days": int(statistics.median(spent)) if shown else None,
                "p90_days": _percentile(spent, 0.9) if shown else None,
            }
        )
    closures = [
        {"closed_as": value, "proceedings": _count(sum(1 for p in proceedings if p.closed_as == value))}
        for value in Closure.values
    ]
    return {"proceedings": len(proceedings), "stages": stages, "closures": closures}


# Counts for the indicators (decision 11): over every agency's proceedings, aggregates only,
# published through the indicators' disclosure control (no cell under 11).
LEAD = {"agency": "proceeding__lead_agency__code"}


def _first(records: Any, field: str) -> Subquery:
    return Subquery(records.order_by(field).values(field)[:1])


def defendants(before: datetime.date, within: Within = None) -> dict[str, list[Row]]:
    """Defendants charged, by the quarter of their first charge and the agency leading the
    proceeding, with those judged at first instance and those convicted of any charge (the rest
    await judgment, or every charge against them was dropped); and the whole days from the operation that found
    the proceeding's survivors to the first charge and to the first judgment. Only charges and
    judgments entered before ``before`` count (a record entered this month counts from next)."""
    start = moment(before)
    charges = Charge.objects.filter(defendant=OuterRef("pk"), added_at__lt=start, filed_on__lt=before)
    judgments = Judgment.objects.filter(charge__defendant=OuterRef("pk"), recorded_at__lt=start, on__lt=before)
    cases = ProceedingCase.objects.filter(proceeding=OuterRef(OuterRef("proceeding"))).values("case")
    found = CaseLink.objects.filter(case__in=cases, operation__carried_out_at__isnull=False)
    records = Defendant.objects.annotate(
        charged_on=_first(charges, "filed_on"),
        judged_on=_first(judgments, "on"),
        operation_on=TruncDate(_first(found, "operation__carried_out_at")),
    )
    charged = records.filter(charged_on__isnull=False)
    entity = ("proceeding_id", within)
    since = charged.filter(operation_on__isnull=False)
    return {
        "charged": by_facts(
            charged,
            "charged_on",
            facts=LEAD,
            entity=entity,
            n=Count("id"),
            judged=Count("id", filter=Q(judged_on__isnull=False)),
            convicted=Count("id", filter=Q(Exists(judgments.filter(verdict=Verdict.CONVICTED)))),
        ),
        # (an operation after the charge is not the one that led to it)
        "to_charge": by_facts(
            since.filter(charged_on__gte=F("operation_on")),
            "charged_on",
            facts=LEAD,
            group={"days": Days("charged_on", "operation_on")},
            entity=entity,
            n=Count("id"),
        ),
        "to_verdict": by_facts(
            since.filter(judged_on__isnull=False, judged_on__gte=F("operation_on")),
            "judged_on",
            facts=LEAD,
            group={"days": Days("judged_on", "operation_on")},
            entity=entity,
            n=Count("id"),
        ),
    }


def participation(before: datetime.date, within: Within = None) -> list[Row]:
    """Survivors in a proceeding (each proceeding she is in), by the quarter her case joined it,
    and those who took part: at a hearing of it that was held (her attendance not cancelled), or
    prepared to testify (a preparation session on her case). Only what was entered before
    ``before`` counts."""
    start = moment(before)
    attended = Attendance.objects.filter(
        case=OuterRef("case"),
        proceeding=OuterRef("proceeding"),
        cancelled_at__isnull=True,
        hearing__cancelled_at__isnull=True,
        hearing__at__lt=start,
        created_at__lt=start,
    )
    prepared = TestimonySession.objects.filter(case=OuterRef("case"), on__lt=before, recorded_at__lt=start)
    records = ProceedingCase.objects.filter(added_at__lt=start)
    return by_facts(
        records,
        "added_at",
        entity=("case_id", within),
        n=Count("id"),
        took_part=Count("id", filter=Q(Exists(attended)) | Q(Exists(prepared))),
    )


def compensation(before: datetime.date, within: Within = None) -> list[Row]:
    """Survivors awarded compensation, once each, by the quarter of her first order; and those
    paid something of any order. Only orders and payments entered before ``before`` count."""
    start = moment(before)
    orders = Compensation.objects.filter(ordered_on__lt=before, recorded_at__lt=start)
    earlier = orders.filter(case=OuterRef("case")).filter(
        Q(ordered_on__lt=OuterRef("ordered_on")) | Q(ordered_on=OuterRef("ordered_on"), pk__lt=OuterRef("pk"))
    )
    paid = Payment.objects.filter(compensation__case=OuterRef("case"), paid_on__lt=before, recorded_at__lt=start)
    first = orders.exclude(Exists(earlier))
    return by_facts(
        first, "ordered_on", entity=("case_id", within), n=Count("id"), paid=Count("id", filter=Q(Exists(paid)))
    )
