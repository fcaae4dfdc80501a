"""Fictional proceedings, through the actions: JPC's lawyer prosecutes for survivors of cases it
leads, one proceeding at each stage of criminal procedure, and closed ones: a conviction (with its
sentences, compensation ordered and partly paid, a defendant who is a subject of Operation Lotus,
its seized ledger in the evidence register, and Lantern Legal Aid's lawyer as counsel holding an
item), an acquittal and a settlement out of court. Defendants' custody (one held by the police past
48 hours, flagged), appeals, evidence with confirmed and awaiting hand-offs, and a survivor prepared
to testify."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.cases.access import case_access
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.consents.actions import do_record_consent
from casebridge.legal import actions, judgment
from casebridge.legal import evidence as chain
from casebridge.legal.models import Charge, ChargeCode, Closure, Custody, Defendant, Judgment, Proceeding, Stage

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
    actions.do_record_session(
        case,
        actor=worker,
        kind="preparation",
        on=timezone.localdate() - D(days=2),
        staff="Sophea (aftercare social worker), Vannak (lawyer)",
        readiness="Fictional: she knows the courtroom from the visit; asked that her aunt sit with her.",
    )


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _custody(defendant: Defendant, lawyer: User, day: datetime.date, stages: list[str], closure: str) -> None:
    """Arrested the day after the complaint; detained once the prosecutor charges him, or bailed
    in a settlement; at large when he fled. One is still held by the police, long past 48 hours."""
    if not stages:
        judgment.do_custody(defendant, actor=lawyer, status=Custody.AT_LARGE, since=_moment(day, 9))
        return
    judgment.do_custody(defendant, actor=lawyer, status=Custody.POLICE, since=_moment(day + D(days=1), 10))
    if closure == Closure.SETTLED:
        judgment.do_custody(defendant, actor=lawyer, status=Custody.BAIL, since=_moment(day + D(days=2), 16))
    elif Stage.PROSECUTOR in stages:
        judgment.do_custody(defendant, actor=lawyer, status=Custody.DETENTION, since=_moment(day + D(days=3), 9))


def _judge(proceeding: Proceeding, lawyer: User, on: datetime.date, convicted: bool) -> None:
    for charge in Charge.objects.filter(proceeding=proceeding, dropped_on__isnull=True):
        judgment.do_judge(
            charge,
            actor=lawyer,
            verdict="convicted" if convicted else "acquitted",
            on=on,
            years=7 if convicted else None,
            months=6 if convicted else None,
            fine=10_000_000 if convicted else None,
        )


def _appeal(proceeding: Proceeding, lawyer: User, on: datetime.date, decided: bool) -> None:
    for found in Judgment.objects.filter(proceeding=proceeding):
        if decided:
            judgment.do_appeal(found, actor=lawyer, result="upheld", decided_on=on)
        else:
            judgment.do_appeal(found, actor=lawyer, appealed_on=on)


def _evidence(proceeding: Proceeding, lawyer: User, day: datetime.date) -> list[Any]:
    import hashlib

    statement = chain.do_register(
        proceeding,
        actor=lawyer,
        kind="document",
        description="Statement of the survivor to the judicial police (fictional)",
        collected_by="AHTJP Phnom Penh",
        collected_on=day,
        location="JPC legal office, locked cabinet 2",
    )
    photos = chain.do_register(
        proceeding,
        actor=lawyer,
        kind="digital",
        description="Photographs of the rooms, taken during the operation (fictional)",
        sha256=hashlib.sha256(f"fictional photographs {proceeding.reference}".encode()).hexdigest(),
        collected_by="AHTJP forensic unit",
        collected_on=day,
        location="JPC encrypted archive",
    )
    return [statement, photos]


def _convicted_extras(proceeding: Proceeding, case: Case, users: dict[str, User], day: datetime.date) -> None:
    """The conviction shows the rest: a subject of Operation Lotus as second defendant, the
    operation's seized ledger in the register, legal aid's lawyer as counsel, hand-offs."""
    from casebridge.investigations import actions as investigations
    from casebridge.investigations.models import Arrest, SeizedItem

    lawyer, aid, investigator = users["lawyer.vannak"], users["lawyer.ratha"], users["ngoinv.piseth"]
    arrest = Arrest.objects.filter(operation__name="Operation Lotus").select_related("operation", "subject").first()
    if arrest is not None:
        reason = f"Proceeding {proceeding.reference}"
        investigations.do_grant(actor=investigator, user=lawyer, reason=reason, subject=arrest.subject)
        investigations.do_grant(actor=investigator, user=lawyer, reason=reason, operation=arrest.operation)
        found = Defendant.objects.filter(proceeding=proceeding).count()
        subject = actions.do_add_defendant(proceeding, actor=lawyer, subject=arrest.subject)
        actions.do_charge(proceeding, actor=lawyer, defendant=subject, article="34", filed_on=day)
        for seized in SeizedItem.objects.visible_to(lawyer).filter(operation=arrest.operation)[:1]:
            chain.do_register(
                proceeding,
                actor=lawyer,
                kind="physical",
                description=seized.description,
                collected_by="AHTJP Phnom Penh (Operation Lotus)",
                collected_on=day,
                location="AHTJP evidence room",
                seized=seized,
            )
        assert found + 1 == Defendant.objects.filter(proceeding=proceeding).count()
    actions.do_grant_counsel(proceeding, actor=lawyer, user=aid)


def _hand_offs(proceeding: Proceeding, users: dict[str, User]) -> None:
    """The photographs confirmed in legal aid's hands; the statement handed over, not yet confirmed."""
    from casebridge.legal.models import Evidence

    lawyer, aid = users["lawyer.vannak"], users["lawyer.ratha"]
    items = list(Evidence.objects.filter(proceeding=proceeding, seized__isnull=True).order_by("registered_at"))
    confirmed = chain.do_hand_off(
        items[1], actor=lawyer, receiver=aid, location="Lantern Legal Aid, safe", purpose="For the civil party's claim"
    )
    chain.do_confirm(confirmed, actor=aid)
    chain.do_hand_off(items[0], actor=lawyer, receiver=aid, location="Court registry", purpose="Filed with the court")


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
        _custody(defendant, lawyer, day, stages, closure)
        if closure == Closure.CONVICTED:
            _convicted_extras(proceeding, case, users, day)
        for stage in stages:
            day = day + D(days=30)
            actions.do_move_stage(proceeding, actor=lawyer, stage=stage, on=day)
            if stage == Stage.PROSECUTOR:
                _evidence(proceeding, lawyer, day)
            elif stage == Stage.VERDICT:
                _judge(proceeding, lawyer, day, convicted=closure != Closure.ACQUITTED)
            elif stage == Stage.APPEAL:
                _appeal(proceeding, lawyer, day, decided=False)
            elif stage == Stage.SUPREME_COURT:
                _appeal(proceeding, lawyer, day, decided=True)
        if closure == Closure.CONVICTED:
            ordered = judgment.do_order_compensation(
                defendant, actor=lawyer, case=case, amount=8_000_000, ordered_on=day
            )
            judgment.do_pay(ordered, actor=lawyer, amount=3_000_000, paid_on=day + D(days=40))
            _hand_offs(proceeding, users)
        if closure:
            actions.do_close(proceeding, actor=lawyer, closed_as=closure, on=day + D(days=5))
        elif stages and stages[-1] in (Stage.INVESTIGATING_JUDGE, Stage.TRIAL):
            _hearing(proceeding, case, lawyer, users["aftercare.sophea"], shielded=stages[-1] == Stage.TRIAL)
        made.append(proceeding)
    return made
