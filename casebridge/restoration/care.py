"""The care that restores her, recorded: her care plan (goals by domain, the services delivered,
reviews on a schedule), her medical care, counselling sessions, schooling and livelihood.

Each write needs the right to write in the record's section of her case (emergency access only
reads), checks everything before writing anything, and audits what it wrote. A service recorded
by a partner whose referral was accepted moves that referral to "in service"."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.agencies.models import Service
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import CaseAccess, case_access, serving_agencies
from casebridge.cases.actions import add_event, lock_case
from casebridge.cases.models import EventKind
from casebridge.cases.sections import Section
from casebridge.lib.errors import Conflict, NotAllowed, checked_text, raise_errors
from casebridge.restoration.models import (
    CHECK_STAGE,
    CHECKLIST,
    STAGES,
    CareDomain,
    CarePlan,
    CounsellingSession,
    Currency,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    FollowUp,
    Goal,
    GoalStatus,
    Instrument,
    Livelihood,
    MedicalKind,
    MedicalRecord,
    MedicalTest,
    Outcome,
    OutcomeMoment,
    Placement,
    Reintegration,
    ReintegrationCheck,
    ReintegrationStep,
    Review,
    ServiceDelivery,
    SessionKind,
    Stage,
    Transfer,
)

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency
    from casebridge.cases.models import Case

KIND: dict[type[Any], str] = {
    CarePlan: "care_plan",
    Goal: "care_goal",
    ServiceDelivery: "care_service",
    Review: "care_review",
    MedicalRecord: "medical_record",
    CounsellingSession: "counselling_session",
    Enrolment: "enrolment",
    Livelihood: "livelihood",
    Reintegration: "reintegration",
    ReintegrationStep: "reintegration_step",
    ReintegrationCheck: "reintegration_check",
    FollowUp: "follow_up",
    Outcome: "outcome",
    Placement: "placement",
    Transfer: "transfer",
}
MAX_MINUTES = 24 * 60
# An appointment is made for the months ahead, not for years.
APPOINTMENT_AHEAD = datetime.timedelta(days=366)


def item(access: CaseAccess, row: Any) -> Item:
    """The audit item of a row read or written; where it says where she is (her school, her
    work) and the reader may see that, the whereabouts section too."""
    sections = [row.SECTION]
    if isinstance(row, Enrolment | Livelihood | ReintegrationCheck | FollowUp) and locates(access):
        sections.append(Section.WHEREABOUTS)
    return Item.on(access, KIND[type(row)], row.pk, row.case_id, sections)


def writer(actor: User, case: Case, section: Section) -> CaseAccess:
    access = case_access(actor, case)
    if not access.can_write_in(section):
        raise NotAllowed(
            _("This is recorded by those who work in the %(section)s section of her case; emergency access only reads.")
            % {"section": str(section.label).lower()}
        )
    return access


def _day(errors: dict[str, Any], name: str, day: datetime.date | None, case: Case, *, ahead: bool = False) -> None:
    """A date of her care: from the day her case was opened, and not in the future (unless ``ahead``)."""
    today = timezone.localdate()
    if day is None:
        errors[name] = _("This field is required.")
    elif day > today and not ahead:
        errors[name] = _("A date in the future cannot be recorded: record it once it has happened.")
    elif ahead and day > today + APPOINTMENT_AHEAD:
        errors[name] = _("At most a year ahead.")
    elif day < case.opened_on:
        errors[name] = _("Her case was opened on %(date)s: the date cannot be earlier.") % {
            "date": case.opened_on.isoformat()
        }


def _minutes(errors: dict[str, Any], minutes: int | None) -> None:
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        errors["minutes"] = _("From 1 to %(count)s minutes.") % {"count": MAX_MINUTES}


def _choice(errors: dict[str, Any], name: str, value: str, choices: Any, *, required: bool = True) -> None:
    if (value or required) and value not in choices.values:
        errors[name] = _("Choose one of the options.")


# Her care plan ---------------------------------------------------------------------------------


def _plan(plan: CarePlan, actor: User) -> tuple[CarePlan, CaseAccess]:
    """The plan, locked, open, and the actor's right to write in it."""
    plan = CarePlan.objects.select_for_update().select_related("case").get(pk=plan.pk)
    access = writer(actor, plan.case, Section.CARE_PLAN)
    if plan.closed_at is not None:
        raise Conflict(_("Her care plan is closed: nothing more is recorded in it."))
    return plan, access


def _review_days(errors: dict[str, Any], days: int | None) -> int:
    days = days or settings.CARE_PLAN_REVIEW_DAYS
    if not 7 <= days <= 366:
        errors["review_every_days"] = _("From %(low)s to %(high)s days.") % {"low": 7, "high": 366}
    return days


@transaction.atomic
def do_make_plan(case: Case, *, actor: User, her_participation: str, review_every_days: int | None = None) -> CarePlan:
    """Her care plan, made with her by her lead agency's case staff: how she took part, and how
    often it is reviewed (the first review that many days from today)."""
    case = lock_case(case)
    access = writer(actor, case, Section.CARE_PLAN)
    if not access.can_manage:
        raise NotAllowed(_("Her care plan is made by her lead agency's case staff."))
    if CarePlan.objects.filter(case=case).exists():
        raise Conflict(_("She already has a care plan."))
    errors: dict[str, Any] = {}
    words = checked_text(errors, "her_participation", her_participation, 2000, required=True)
    days = _review_days(errors, review_every_days)
    raise_errors(errors)
    plan = CarePlan.objects.create(
        case=case,
        her_participation=words,
        review_every_days=days,
        next_review_on=timezone.localdate() + datetime.timedelta(days=days),
        created_by=actor,
    )
    add_event(case, actor=actor, kind=EventKind.CARE_PLAN_MADE, section=Section.CARE_PLAN, access=access)
    record(actor, Action.CREATE, [item(access, plan)])
    return plan


def responsible_agencies(case: Case, access: CaseAccess) -> list[int]:
    """The agencies a goal may be given to: those working on her case that the writer may know of."""
    return sorted(pk for pk in serving_agencies(case) if access.sees_agency(pk))


def _responsible(errors: dict[str, Any], case: Case, access: CaseAccess, agency: Agency | None) -> None:
    if agency is None or not agency.is_active or agency.pk not in responsible_agencies(case, access):
        errors["agency"] = _("Choose her lead agency or a partner working on her case.")


@transaction.atomic
def do_add_goal(
    plan: CarePlan,
    *,
    actor: User,
    domain: str,
    text: str,
    target_on: datetime.date,
    agency: Agency,
    person: str = "",
) -> Goal:
    """A goal of her plan: in which domain, by when, which agency and person answer for it."""
    plan, access = _plan(plan, actor)
    errors: dict[str, Any] = {}
    _choice(errors, "domain", domain, CareDomain)
    words = checked_text(errors, "text", text, 1000, required=True)
    if target_on is None or target_on < plan.case.opened_on:
        errors["target_on"] = _("A target date from the day her case was opened.")
    _responsible(errors, plan.case, access, agency)
    person = checked_text(errors, "person", person, 200)
    raise_errors(errors)
    goal = Goal.objects.create(
        case=plan.case,
        plan=plan,
        domain=domain,
        text=words,
        target_on=target_on,
        agency=agency,
        person=person,
        created_by=actor,
    )
    record(actor, Action.CREATE, [item(access, goal)])
    return goal


@transaction.atomic
def do_set_goal_status(goal: Goal, *, actor: User, status: str) -> Goal:
    _, access = _plan(goal.plan, actor)
    errors: dict[str, Any] = {}
    _choice(errors, "status", status, GoalStatus)
    raise_errors(errors)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    if goal.status != status:
        goal.status = status
        goal.save(update_fields=["status", "changed_at"])
        record(actor, Action.UPDATE, [item(access, goal)])
    return goal


@transaction.atomic
def do_record_service(
    plan: CarePlan,
    *,
    actor: User,
    delivered_on: datetime.date,
    kind: str,
    minutes: int,
    domain: str = "",
    goal: Goal | None = None,
    note: str = "",
) -> ServiceDelivery:
    """A service delivered to her by the actor's agency: when, what, how long, towards which goal
    (its domain) or in which domain. A partner's first service starts its accepted referral."""
    from casebridge.restoration.actions import start_service

    plan, access = _plan(plan, actor)
    errors: dict[str, Any] = {}
    if goal is not None and goal.plan_id != plan.pk:
        errors["goal"] = _("Choose a goal of her plan.")
    domain = goal.domain if goal is not None else domain
    _choice(errors, "domain", domain, CareDomain)
    _choice(errors, "kind", kind, Service)
    _day(errors, "delivered_on", delivered_on, plan.case)
    _minutes(errors, minutes)
    words = checked_text(errors, "note", note, 2000)
    raise_errors(errors)
    provider = access.agency_for(Section.CARE_PLAN)
    assert provider is not None
    service = ServiceDelivery.objects.create(
        case=plan.case,
        plan=plan,
        goal=goal,
        domain=domain,
        delivered_on=delivered_on,
        agency_id=provider,
        kind=kind,
        minutes=minutes,
        note=words or None,
        recorded_by=actor,
    )
    record(actor, Action.CREATE, [item(access, service)])
    start_service(plan.case, provider, actor=actor, access=access)
    return service


@transaction.atomic
def do_review(
    plan: CarePlan,
    *,
    actor: User,
    held_on: datetime.date,
    summary: str,
    she_took_part: bool = True,
    next_review_on: datetime.date | None = None,
) -> Review:
    """A review of her plan: what was found, whether she took part, and when the next one is
    (by default the plan's interval from this one)."""
    plan, access = _plan(plan, actor)
    errors: dict[str, Any] = {}
    _day(errors, "held_on", held_on, plan.case)
    words = checked_text(errors, "summary", summary, 4000, required=True)
    if held_on is not None and "held_on" not in errors:
        next_review_on = next_review_on or held_on + datetime.timedelta(days=plan.review_every_days)
        if not held_on < next_review_on <= held_on + datetime.timedelta(days=366):
            errors["next_review_on"] = _("A date after this review, within a year of it.")
    raise_errors(errors)
    assert next_review_on is not None
    review = Review.objects.create(
        case=plan.case,
        plan=plan,
        held_on=held_on,
        she_took_part=she_took_part,
        summary=words,
        next_review_on=next_review_on,
        recorded_by=actor,
    )
    latest = Review.objects.filter(plan=plan).order_by("-held_on", "-recorded_at").first()
    if latest is not None and latest.pk == review.pk:  # a review recorded late does not move the next date
        plan.next_review_on = next_review_on
        plan.save(update_fields=["next_review_on"])
    add_event(plan.case, actor=actor, kind=EventKind.CARE_PLAN_REVIEWED, section=Section.CARE_PLAN, access=access)
    record(actor, Action.CREATE, [item(access, review)])
    return review


@transaction.atomic
def do_close_plan(plan: CarePlan, *, actor: User, reason: str) -> CarePlan:
    """Close her plan (at the end of reintegration, or when she leaves the programme), with why."""
    plan, access = _plan(plan, actor)
    if not access.can_manage:
        raise NotAllowed(_("Her care plan is closed by her lead agency's case staff."))
    errors: dict[str, Any] = {}
    why = checked_text(errors, "reason", reason, 1000, required=True)
    raise_errors(errors)
    plan.closed_at = timezone.now()
    plan.next_review_on = None
    plan.save(update_fields=["closed_at", "next_review_on"])
    add_event(
        plan.case, actor=actor, kind=EventKind.CARE_PLAN_CLOSED, section=Section.CARE_PLAN, body=why, access=access
    )
    record(actor, Action.UPDATE, [item(access, plan)])
    return plan


# Medical care ----------------------------------------------------------------------------------


@transaction.atomic
def do_record_medical(
    case: Case,
    *,
    actor: User,
    kind: str,
    on: datetime.date,
    clinic: str,
    test: str = "",
    result: str = "",
    note: str = "",
) -> MedicalRecord:
    """A clinic visit, a test (its result when known), a treatment (what), or an appointment to come."""
    case = lock_case(case)
    access = writer(actor, case, Section.MEDICAL)
    errors: dict[str, Any] = {}
    _choice(errors, "kind", kind, MedicalKind)
    _day(errors, "on", on, case, ahead=kind == MedicalKind.APPOINTMENT)
    place = checked_text(errors, "clinic", clinic, 200, required=True)
    if kind == MedicalKind.TEST:
        _choice(errors, "test", test, MedicalTest)
    elif test:
        errors["test"] = _("A test is recorded as a test.")
    outcome = checked_text(errors, "result", result, 1000)
    if outcome and kind != MedicalKind.TEST:
        errors["result"] = _("Only a test has a result.")
    words = checked_text(errors, "note", note, 2000, required=kind == MedicalKind.TREATMENT)
    raise_errors(errors)
    agency_id = access.agency_for(Section.MEDICAL)
    assert agency_id is not None
    row = MedicalRecord.objects.create(
        case=case,
        kind=kind,
        on=on,
        clinic=place,
        test=test,
        result=outcome or None,
        note=words or None,
        agency_id=agency_id,
        recorded_by=actor,
    )
    record(actor, Action.CREATE, [item(access, row)])
    return row


# Counselling -----------------------------------------------------------------------------------


@transaction.atomic
def do_record_session(
    case: Case,
    *,
    actor: User,
    held_on: datetime.date,
    minutes: int,
    kind: str = SessionKind.INDIVIDUAL,
    instrument: Instrument | None = None,
    score: int | None = None,
    notes: str = "",
) -> CounsellingSession:
    """A session held with her, her wellbeing scored on an instrument in use, and notes that only
    the counsellor's agency reads."""
    case = lock_case(case)
    access = writer(actor, case, Section.COUNSELLING)
    errors: dict[str, Any] = {}
    _day(errors, "held_on", held_on, case)
    _minutes(errors, minutes)
    _choice(errors, "kind", kind, SessionKind)
    if instrument is not None and not instrument.active:
        errors["instrument"] = _("This instrument is no longer in use.")
    elif instrument is not None and (score is None or not instrument.min_score <= score <= instrument.max_score):
        errors["score"] = _("A score from %(low)s to %(high)s on this instrument.") % {
            "low": instrument.min_score,
            "high": instrument.max_score,
        }
    elif instrument is None and score is not None:
        errors["instrument"] = _("Say which instrument the score is on.")
    words = checked_text(errors, "notes", notes, 4000)
    raise_errors(errors)
    agency_id = access.agency_for(Section.COUNSELLING)
    assert agency_id is not None
    row = CounsellingSession.objects.create(
        case=case,
        held_on=held_on,
        kind=kind,
        minutes=minutes,
        instrument=instrument,
        score=score,
        notes=words or None,
        agency_id=agency_id,
        counsellor=actor,
    )
    record(actor, Action.CREATE, [item(access, row)])
    return row


def locates(access: CaseAccess) -> bool:
    """Whether the reader may learn where she studies and works (it says where she is every
    day): those who reach her whereabouts, which emergency access never opens."""
    return access.can(Section.WHEREABOUTS)


def reads_notes(access: CaseAccess, session: CounsellingSession) -> bool:
    """Session notes are restricted to the counsellor's own agency."""
    return session.agency_id in access.agency_ids


# Schooling and livelihood ---------------------------------------------------------------------


@transaction.atomic
def do_enrol(
    case: Case,
    *,
    actor: User,
    kind: str,
    institution: str,
    started_on: datetime.date,
    attendance: int | None = None,
) -> Enrolment:
    """She starts at a school, a vocational course, literacy or life-skills classes."""
    case = lock_case(case)
    access = writer(actor, case, Section.CARE_PLAN)
    errors: dict[str, Any] = {}
    _choice(errors, "kind", kind, EnrolmentKind)
    where = checked_text(errors, "institution", institution, 200, required=True)
    _day(errors, "started_on", started_on, case)
    if attendance is not None and not 0 <= attendance <= 100:
        errors["attendance"] = _("A percentage from 0 to 100.")
    raise_errors(errors)
    row = Enrolment.objects.create(
        case=case, kind=kind, institution=where, started_on=started_on, attendance=attendance, recorded_by=actor
    )
    record(actor, Action.CREATE, [item(access, row)])
    return row


@transaction.atomic
def do_update_enrolment(
    enrolment: Enrolment,
    *,
    actor: User,
    attendance: int | None = None,
    status: str = "",
    ended_on: datetime.date | None = None,
) -> Enrolment:
    """Her attendance so far, and how it ended (completed, or left before the end) and when."""
    enrolment = Enrolment.objects.select_for_update().select_related("case").get(pk=enrolment.pk)
    access = writer(actor, enrolment.case, Section.CARE_PLAN)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict(_("This enrolment has ended: record a new one."))
    errors: dict[str, Any] = {}
    status = status or EnrolmentStatus.ENROLLED
    _choice(errors, "status", status, EnrolmentStatus)
    if attendance is not None and not 0 <= attendance <= 100:
        errors["attendance"] = _("A percentage from 0 to 100.")
    if status != EnrolmentStatus.ENROLLED:
        _day(errors, "ended_on", ended_on, enrolment.case)
        if "ended_on" not in errors and ended_on is not None and ended_on < enrolment.started_on:
            errors["ended_on"] = _("It cannot end before it started.")
    elif ended_on is not None:
        errors["ended_on"] = _("An end date goes with how it ended.")
    raise_errors(errors)
    if attendance is not None:
        enrolment.attendance = attendance
    enrolment.status = status
    enrolment.ended_on = ended_on
    enrolment.save()
    record(actor, Action.UPDATE, [item(access, enrolment)])
    return enrolment


@transaction.atomic
def do_record_livelihood(
    case: Case,
    *,
    actor: User,
    month: datetime.date,
    income: Decimal,
    savings: Decimal,
    currency: str = Currency.USD,
    work: str = "",
) -> Livelihood:
    """Her work, income and savings in one month (once per month)."""
    case = lock_case(case)
    access = writer(actor, case, Section.CARE_PLAN)
    errors: dict[str, Any] = {}
    first = month.replace(day=1) if month is not None else None
    if first is None or first > timezone.localdate():
        errors["month"] = _("A month that has begun.")
    elif first < case.opened_on.replace(day=1):
        errors["month"] = _("From the month her case was opened.")
    elif Livelihood.objects.filter(case=case, month=first).exists():
        errors["month"] = _("This month is already recorded.")
    for name, amount in (("income", income), ("savings", savings)):
        if amount is None or amount < 0 or amount >= Decimal("1e10"):
            errors[name] = _("An amount of 0 or more.")
    _choice(errors, "currency", currency, Currency)
    what = checked_text(errors, "work", work, 200)
    raise_errors(errors)
    row = Livelihood.objects.create(
        case=case,
        month=first,
        work=what or None,
        income=income,
        savings=savings,
        currency=currency,
        recorded_by=actor,
    )
    record(actor, Action.CREATE, [item(access, row)])
    return row


# Reintegration ---------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def _reintegration(reintegration: Reintegration, actor: User) -> tuple[Reintegration, CaseAccess]:
    """Locked, not closed, and the actor's right to write in her care plan."""
    found = Reintegration.objects.select_for_update().select_related("case").get(pk=reintegration.pk)
    access = writer(actor, found.case, Section.CARE_PLAN)
    if found.stage == Stage.CLOSURE:
        raise Conflict(_("Her reintegration is closed: nothing more is recorded in it."))
    return found, access


def _manager(access: CaseAccess) -> None:
    if not access.can_manage:
        raise NotAllowed(_("Her reintegration is moved on by her lead agency's case staff."))


def _step(reintegration: Reintegration, actor: User, access: CaseAccess, on: datetime.date, note: str) -> None:
    step = ReintegrationStep.objects.create(
        case=reintegration.case,
        reintegration=reintegration,
        stage=reintegration.stage,
        on=on,
        by=actor,
        note=note or None,
    )
    add_event(
        reintegration.case,
        actor=actor,
        kind=EventKind.REINTEGRATION,
        section=Section.CARE_PLAN,
        data={"stage": reintegration.stage},
        access=access,
    )
    record(actor, Action.CREATE, [item(access, step)])


@transaction.atomic
def do_start_reintegration(case: Case, *, actor: User, on: datetime.date, note: str = "") -> Reintegration:
    """Her reintegration begins, at pre-integration."""
    case = lock_case(case)
    access = writer(actor, case, Section.CARE_PLAN)
    _manager(access)
    if Reintegration.objects.filter(case=case).exists():
        raise Conflict(_("Her reintegration has already begun."))
    errors: dict[str, Any] = {}
    _day(errors, "on", on, case)
    words = checked_text(errors, "note", note, 1000)
    raise_errors(errors)
    reintegration = Reintegration.objects.create(case=case, stage_since=on, started_by=actor)
    record(actor, Action.CREATE, [item(access, reintegration)])
    _step(reintegration, actor, access, on, words)
    return reintegration


@transaction.atomic
def do_check(
    reintegration: Reintegration, *, actor: User, key: str, done_on: datetime.date, note: str = ""
) -> ReintegrationCheck:
    """An item of her current stage's checklist, done."""
    reintegration, access = _reintegration(reintegration, actor)
    errors: dict[str, Any] = {}
    if key not in CHECK_STAGE:
        errors["key"] = _("Choose an item of the checklist.")
    elif CHECK_STAGE[key] != reintegration.stage:
        errors["key"] = _("This item belongs to the %(stage)s stage, not the current one.") % {
            "stage": str(Stage(CHECK_STAGE[key]).label).lower()
        }
    elif ReintegrationCheck.objects.filter(reintegration=reintegration, item=key).exists():
        errors["key"] = _("This item is already done.")
    _day(errors, "done_on", done_on, reintegration.case)
    words = checked_text(errors, "note", note, 2000)
    raise_errors(errors)
    check = ReintegrationCheck.objects.create(
        case=reintegration.case, reintegration=reintegration, item=key, done_on=done_on, note=words or None, by=actor
    )
    record(actor, Action.CREATE, [item(access, check)])
    return check


# The outcome scored before she may enter each stage.
SCORED_BEFORE = {
    Stage.INTEGRATION: OutcomeMoment.INTAKE,
    Stage.MONITORING: OutcomeMoment.REINTEGRATION,
    Stage.CLOSURE: OutcomeMoment.CLOSURE,
}


def missing(reintegration: Reintegration) -> list[str]:
    """What her current stage still needs before she moves on: checklist items and the outcome score."""
    done = set(ReintegrationCheck.objects.filter(reintegration=reintegration).values_list("item", flat=True))
    left = [str(label) for key, label in CHECKLIST[reintegration.stage] if key not in done]
    index = STAGES.index(Stage(reintegration.stage))
    if index + 1 < len(STAGES):
        moment = SCORED_BEFORE[STAGES[index + 1]]
        if not Outcome.objects.filter(reintegration=reintegration, moment=moment).exists():
            left.append(_("Outcome measures %(moment)s") % {"moment": str(OutcomeMoment(moment).label).lower()})
    return left


@transaction.atomic
def do_advance(
    reintegration: Reintegration, *, actor: User, stage: str, on: datetime.date, note: str = ""
) -> Reintegration:
    """She moves on to the next stage, never skipping one, once the current stage's checklist is
    done and the outcome measures due are scored. Entering integration sets her follow-up
    visits; entering closure closes it, and the visits still due are cancelled."""
    reintegration, access = _reintegration(reintegration, actor)
    _manager(access)
    following = STAGES[STAGES.index(Stage(reintegration.stage)) + 1]
    if stage != following:
        raise Conflict(
            _("Stages follow each other: from %(stage)s she moves to %(next)s; none is skipped.")
            % {"stage": str(Stage(reintegration.stage).label).lower(), "next": str(following.label).lower()}
        )
    errors: dict[str, Any] = {}
    left = missing(reintegration)
    if left:
        errors["stage"] = _("Do first: %(items)s.") % {"items": "; ".join(left)}
    _day(errors, "on", on, reintegration.case)
    if "on" not in errors and on < reintegration.stage_since:
        errors["on"] = _("Not before the current stage began (%(date)s).") % {
            "date": reintegration.stage_since.isoformat()
        }
    words = checked_text(errors, "note", note, 1000)
    raise_errors(errors)
    reintegration.stage, reintegration.stage_since = stage, on
    reintegration.save(update_fields=["stage", "stage_since"])
    if stage == Stage.INTEGRATION:
        FollowUp.objects.bulk_create(
            FollowUp(case=reintegration.case, reintegration=reintegration, due_on=add_months(on, months))
            for months in settings.REINTEGRATION_FOLLOW_UP_MONTHS
        )
    if stage == Stage.CLOSURE:
        FollowUp.objects.filter(reintegration=reintegration, done_on__isnull=True).update(cancelled=True)
    record(actor, Action.UPDATE, [item(access, reintegration)])
    _step(reintegration, actor, access, on, words)
    return reintegration


@transaction.atomic
def do_follow_up(follow_up: FollowUp, *, actor: User, done_on: datetime.date, note: str) -> FollowUp:
    """A follow-up visit held: when, and what was found."""
    _reintegration(follow_up.reintegration, actor)
    follow_up = FollowUp.objects.select_for_update().select_related("case").get(pk=follow_up.pk)
    access = writer(actor, follow_up.case, Section.CARE_PLAN)
    if follow_up.done_on is not None or follow_up.cancelled:
        raise Conflict(_("This visit is already recorded."))
    errors: dict[str, Any] = {}
    _day(errors, "done_on", done_on, follow_up.case)
    words = checked_text(errors, "note", note, 2000, required=True)
    raise_errors(errors)
    follow_up.done_on, follow_up.note, follow_up.by = done_on, words, actor
    follow_up.save(update_fields=["done_on", "note", "by"])
    record(actor, Action.UPDATE, [item(access, follow_up)])
    return follow_up


# Which stages each moment is scored in.
SCORED_IN = {
    OutcomeMoment.INTAKE: {Stage.PRE_INTEGRATION},
    OutcomeMoment.REINTEGRATION: {Stage.INTEGRATION},
    OutcomeMoment.CLOSURE: {Stage.MONITORING},
}
SCORES = ("safety", "wellbeing", "education_income", "legal_status")


@transaction.atomic
def do_score(
    reintegration: Reintegration,
    *,
    actor: User,
    moment: str,
    scored_on: datetime.date,
    safety: int,
    wellbeing: int,
    education_income: int,
    legal_status: int,
    retrafficked: bool = False,
) -> Outcome:
    """Her outcome measures at intake (pre-integration), at reintegration (integration) or at
    closure (monitoring, before she moves to closure): each 1 to 5, and whether she was
    trafficked again."""
    reintegration, access = _reintegration(reintegration, actor)
    scores = {
        "safety": safety,
        "wellbeing": wellbeing,
        "education_income": education_income,
        "legal_status": legal_status,
    }
    errors: dict[str, Any] = {}
    _choice(errors, "moment", moment, OutcomeMoment)
    if "moment" not in errors and reintegration.stage not in SCORED_IN[OutcomeMoment(moment)]:
        errors["moment"] = _(
            "Not at this stage: intake is scored at pre-integration, reintegration at "
            "integration, closure at monitoring."
        )
    elif Outcome.objects.filter(reintegration=reintegration, moment=moment).exists():
        errors["moment"] = _("Already scored.")
    for name in SCORES:
        if scores[name] is None or not 1 <= scores[name] <= 5:
            errors[name] = _("From 1 (poor) to 5 (good).")
    _day(errors, "scored_on", scored_on, reintegration.case)
    raise_errors(errors)
    outcome = Outcome.objects.create(
        case=reintegration.case,
        reintegration=reintegration,
        moment=moment,
        scored_on=scored_on,
        retrafficked=retrafficked,
        by=actor,
        **scores,
    )
    record(actor, Action.CREATE, [item(access, outcome)])
    return outcome
