"""How long proceedings take: for a manager (or lawyer) of agencies that lead proceedings, the
days spent in each stage of criminal procedure across their agencies' proceedings, and how they
ended. Aggregates only, never a proceeding, a reference or a name; a figure of one or two
proceedings is withheld."""

from __future__ import annotations

import datetime
import statistics
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate

from casebridge.agencies.models import Role
from casebridge.cases.measures import Days, Row, by_facts, moment
from casebridge.investigations.models import Arrest, CaseLink
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


def defendants(before: datetime.date) -> dict[str, list[Row]]:
    """Defendants charged, by the quarter of their first charge and the agency leading the
    proceeding, with those judged (at first instance) and those convicted of any charge so far;
    and the whole days from the operation that found the survivors (or arrested him) to the
    first charge and to the first judgment."""
    charged_on = _first(Charge.objects.filter(defendant=OuterRef("pk")), "filed_on")
    judged_on = _first(Judgment.objects.filter(charge__defendant=OuterRef("pk")), "on")
    convicted = Judgment.objects.filter(charge__defendant=OuterRef("pk"), verdict=Verdict.CONVICTED, on__lt=before)
    arrested = Arrest.objects.standing().filter(subject=OuterRef("subject"), operation__carried_out_at__isnull=False)
    cases = ProceedingCase.objects.filter(proceeding=OuterRef(OuterRef("proceeding"))).values("case")
    found = CaseLink.objects.filter(case__in=cases, operation__carried_out_at__isnull=False)
    operation = Coalesce(_first(arrested, "operation__carried_out_at"), _first(found, "operation__carried_out_at"))
    records = Defendant.objects.annotate(charged_on=charged_on, judged_on=judged_on, operation_at=operation)
    charged = records.filter(charged_on__lt=before)
    since = charged.filter(operation_at__isnull=False)
    return {
        "charged": by_facts(
            charged,
            "charged_on",
            facts=LEAD,
            n=Count("id"),
            judged=Count("id", filter=Q(judged_on__lt=before)),
            convicted=Count("id", filter=Q(Exists(convicted))),
        ),
        "to_charge": by_facts(
            since,
            "charged_on",
            facts=LEAD,
            group={"days": Days("charged_on", TruncDate("operation_at"))},
            n=Count("id"),
        ),
        "to_verdict": by_facts(
            since.filter(judged_on__lt=before),
            "judged_on",
            facts=LEAD,
            group={"days": Days("judged_on", TruncDate("operation_at"))},
            n=Count("id"),
        ),
    }


def participation(before: datetime.date) -> list[Row]:
    """Survivors in a proceeding (each proceeding she is in), by the quarter her case joined it,
    and those who took part: at a hearing that was held, or prepared to testify."""
    attended = Attendance.objects.filter(
        case=OuterRef("case"),
        proceeding=OuterRef("proceeding"),
        cancelled_at__isnull=True,
        hearing__cancelled_at__isnull=True,
        hearing__at__lt=moment(before),
    )
    prepared = TestimonySession.objects.filter(case=OuterRef("case"), on__lt=before)
    records = ProceedingCase.objects.filter(added_at__lt=moment(before))
    return by_facts(
        records, "added_at", n=Count("id"), took_part=Count("id", filter=Q(Exists(attended)) | Q(Exists(prepared)))
    )


def compensation(before: datetime.date) -> list[Row]:
    """Survivors awarded compensation (by the quarter of the first order), and those paid
    something of it."""
    paid = Payment.objects.filter(compensation__case=OuterRef("case"), paid_on__lt=before)
    records = Compensation.objects.filter(ordered_on__lt=before)
    return by_facts(
        records,
        "ordered_on",
        n=Count("case", distinct=True),
        paid=Count("case", distinct=True, filter=Q(Exists(paid))),
    )
