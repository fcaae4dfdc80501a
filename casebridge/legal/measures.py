"""How long proceedings take: for a manager (or lawyer) of agencies that lead proceedings, the
days spent in each stage of criminal procedure across their agencies' proceedings, and how they
ended. Aggregates only, never a proceeding, a reference or a name; a figure of one or two
proceedings is withheld."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

from casebridge.agencies.models import Role
from casebridge.legal.actions import stage_days
from casebridge.legal.models import Closure, Proceeding, Stage, StageStep

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
