"""Fictional proceedings, through the actions: JPC's lawyer prosecutes for survivors of cases it
leads, one proceeding at each stage of criminal procedure, and closed ones: a conviction, an
acquittal and a settlement out of court."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.cases.access import case_access
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.consents.actions import do_record_consent
from casebridge.legal import actions
from casebridge.legal.models import ChargeCode, Closure, Proceeding, Stage

D = datetime.timedelta
# Each proceeding: the stages it went through after the complaint, and how it ended (if it did).
PLAN: list[tuple[list[str], str]] = [
    ([], ""),
    ([Stage.POLICE], ""),
    ([Stage.POLICE, Stage.PROSECUTOR], ""),
    ([Stage.POLICE, Stage.PROSECUTOR, Stage.INVESTIGATING_JUDGE], ""),
    ([Stage.POLICE, Stage.PROSECUTOR, Stage.INVESTIGATING_JUDGE, Stage.TRIAL], ""),
    ([Stage.POLICE, Stage.PROSECUTOR, Stage.TRIAL, Stage.VERDICT, Stage.APPEAL], ""),
    ([Stage.POLICE, Stage.PROSECUTOR, Stage.TRIAL, Stage.VERDICT, Stage.APPEAL, Stage.SUPREME_COURT], ""),
    ([Stage.POLICE, Stage.PROSECUTOR, Stage.INVESTIGATING_JUDGE, Stage.TRIAL, Stage.VERDICT], Closure.CONVICTED),
    ([Stage.POLICE, Stage.PROSECUTOR, Stage.TRIAL, Stage.VERDICT, Stage.FINAL], Closure.ACQUITTED),
    ([Stage.POLICE], Closure.SETTLED),
]
DEFENDANTS = ["Fictional Defendant Keo", "Fictional Defendant Lim"]


def _hearing(proceeding: Proceeding, case: Case, lawyer: User, worker: User, *, shielded: bool) -> None:
    """A hearing next week that she attends with her consent: behind a screen, with a support
    person; or, not yet shielded, flagged for her lawyers."""
    adult = (case.survivor.age_now() or 0) >= 18
    do_record_consent(
        case,
        actor=worker,
        purpose="testimony",
        decision="given",
        given_by="survivor" if adult else "guardian",
        child_assent=None if adult else True,
        decided_on=timezone.localdate(),
        language="khm",
    )
    hearing = actions.do_schedule_hearing(
        proceeding,
        actor=lawyer,
        at=timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + D(days=5),
        court="Phnom Penh Municipal Court of First Instance",
        room="Courtroom 2",
        kind="trial" if shielded else "investigation",
    )
    granted = ["screen", "support_person"] if shielded else []
    actions.do_summon(hearing, actor=lawyer, case=case, requested=["screen", "support_person"], granted=granted)


def create_proceedings(agencies: dict[str, Agency], users: dict[str, User], cases: list[Case]) -> list[Proceeding]:
    lawyer = users["lawyer.vannak"]
    today = timezone.localdate()
    codes = list(ChargeCode.objects.filter(active=True, article__in=["10", "34", "42"]))
    reached = [
        c
        for c in cases
        if c.lead_agency_id == agencies["JPC"].pk
        and c.opened_on <= today - D(days=400)
        and case_access(lawyer, c).can_write_in(Section.LEGAL)
    ]
    made: list[Proceeding] = []
    for case, (stages, closure) in zip(reached, PLAN, strict=False):
        day = case.opened_on + D(days=20)
        proceeding = actions.do_open_proceeding(
            actor=lawyer,
            agency=agencies["JPC"],
            cases=[case],
            opened_on=day,
            court="Phnom Penh Municipal Court of First Instance",
            police_file="AHTJP/2025/fictional",
        )
        defendant = actions.do_add_defendant(proceeding, actor=lawyer, name=DEFENDANTS[len(made) % 2], sex="male")
        for code in codes[:2]:
            actions.do_charge(proceeding, actor=lawyer, defendant=defendant, article=code.article, filed_on=day)
        for stage in stages:
            day = day + D(days=30)
            actions.do_move_stage(proceeding, actor=lawyer, stage=stage, on=day)
        if closure:
            actions.do_close(proceeding, actor=lawyer, closed_as=closure, on=day + D(days=5))
        elif stages and stages[-1] in (Stage.INVESTIGATING_JUDGE, Stage.TRIAL):
            _hearing(proceeding, case, lawyer, users["aftercare.sophea"], shielded=stages[-1] == Stage.TRIAL)
        made.append(proceeding)
    return made
