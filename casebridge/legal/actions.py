"""Writes to the legal compartment: open a proceeding (linked to survivors' cases, whose legal
section the lawyer reaches), add defendants and charges by article, move it through the stages
of criminal procedure or close it. Each in one transaction, validated before anything is
written, audited as the lawyer's legal role; a linked case gets a timeline entry that only says a
proceeding exists, by its reference."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import agency_reaches, case_access
from casebridge.cases.actions import add_event, lock_case
from casebridge.cases.models import EventKind
from casebridge.cases.sections import Section
from casebridge.legal.access import LEGAL_ROLES, legal_agencies
from casebridge.legal.models import (
    CLOSES_FROM,
    SHIELDS,
    TRANSITIONS,
    Attendance,
    Charge,
    ChargeCode,
    Closure,
    Counsel,
    Defendant,
    Hearing,
    HearingKind,
    Measure,
    PartyRole,
    Proceeding,
    ProceedingCase,
    Stage,
    StageStep,
)
from casebridge.lib.errors import Conflict, NotAllowed, checked_text, raise_errors
from casebridge.lib.records import new_reference

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency
    from casebridge.cases.models import Case
    from casebridge.investigations.models import Subject
    from casebridge.legal.models import TestimonySession

EARLIEST = datetime.date(2008, 2, 15)  # the 2008 law's promulgation


def audited(actor: User, action: str, rows: Iterable[Any], kind: str) -> None:
    """Audit items of the compartment, each as the actor's legal role: a lawyer of the lead agency
    acts for it; counsel granted the proceeding, for their own agency. One read of the rows'
    proceedings, whatever their number."""
    rows = list(rows)
    if not rows:
        return
    leads = {r.pk: r.lead_agency_id for r in rows if isinstance(r, Proceeding)}
    missing = {r.proceeding_id for r in rows if not isinstance(r, Proceeding)} - set(leads)
    leads.update(Proceeding.objects.filter(pk__in=missing).values_list("pk", "lead_agency_id"))
    lawyers = [m for m in actor.active_memberships() if m.role in LEGAL_ROLES]
    items = []
    for row in rows:
        lead = leads[row.pk if isinstance(row, Proceeding) else row.proceeding_id]
        own = [m for m in lawyers if m.agency_id == lead]
        acting = next(iter(own or lawyers), None)
        via = ("legal",) if own else ("counsel",)
        agency_id = acting.agency_id if acting is not None else None
        role = acting.role if acting is not None else ""
        items.append(Item(f"legal_{kind}", str(row.pk), None, (), via, agency_id, role))
    record(actor, action, items)


def _lead(actor: User, proceeding: Proceeding) -> Proceeding:
    """Locked; written by its lead agency's lawyers (a lawyer granted it reads)."""
    proceeding = Proceeding.objects.select_for_update().get(pk=proceeding.pk)
    if proceeding.lead_agency_id not in legal_agencies(actor):
        raise NotAllowed(_("A proceeding is recorded by its lead agency's lawyers."))
    return proceeding


def _open(proceeding: Proceeding) -> None:
    if proceeding.closed_as:
        raise Conflict(_("This proceeding is closed: nothing more is recorded in it."))


def _day(errors: dict[str, Any], name: str, day: datetime.date | None, since: datetime.date = EARLIEST) -> None:
    if day is None:
        errors[name] = _("This field is required.")
    elif day > timezone.localdate():
        errors[name] = _("A date in the future cannot be recorded: record it once it has happened.")
    elif day < since:
        errors[name] = _("Not before %(date)s.") % {"date": since.isoformat()}


def _link_case(proceeding: Proceeding, case: Case, role: str, actor: User) -> ProceedingCase:
    access = case_access(actor, case)
    # The lawyer, and the proceeding's lead agency itself: its other lawyers will read the link.
    if not access.can_write_in(Section.LEGAL) or not agency_reaches(case, proceeding.lead_agency_id, Section.LEGAL):
        raise NotAllowed(_("A case is linked by a lawyer of an agency that works on its legal section."))
    link = ProceedingCase.objects.create(proceeding=proceeding, case=case, role=role, added_by=actor)
    add_event(
        case,
        actor=actor,
        kind=EventKind.PROCEEDING_LINKED,
        section=Section.LEGAL,
        data={"reference": proceeding.reference},
        access=access,
    )
    record(actor, Action.UPDATE, [Item.on(access, "case", case.pk, case.pk, [Section.LEGAL])])
    return link


@transaction.atomic
def do_open_proceeding(
    *,
    actor: User,
    agency: Agency,
    cases: list[Case],
    opened_on: datetime.date,
    court: str = "",
    police_file: str = "",
    court_reference: str = "",
    prosecutor: str = "",
    investigating_judge: str = "",
    role: str = PartyRole.VICTIM,
) -> Proceeding:
    """A proceeding led by ``agency`` (one of the actor's legal agencies) for the survivors of
    ``cases`` (each a case whose legal section the actor reaches), from its complaint."""
    if agency.pk not in legal_agencies(actor):
        raise NotAllowed(_("A proceeding is opened by a lawyer of its lead agency."))
    errors: dict[str, Any] = {}
    if not cases:
        errors["cases"] = _("Link at least one survivor's case.")
    _day(errors, "opened_on", opened_on)
    texts = {
        name: checked_text(errors, name, value, limit)
        for name, value, limit in (
            ("court", court, 200),
            ("police_file", police_file, 100),
            ("court_reference", court_reference, 100),
            ("prosecutor", prosecutor, 200),
            ("investigating_judge", investigating_judge, 200),
        )
    }
    if role not in PartyRole.values:
        errors["role"] = _("Choose one of the options.")
    raise_errors(errors)
    proceeding = Proceeding.objects.create(
        reference=new_reference("PRO"),
        lead_agency=agency,
        stage_since=opened_on,
        created_by=actor,
        court=texts.pop("court"),
        **{name: value or None for name, value in texts.items()},
    )
    StageStep.objects.create(proceeding=proceeding, stage=Stage.COMPLAINT, on=opened_on, by=actor)
    for case in cases:
        _link_case(proceeding, case, role, actor)
    audited(actor, Action.CREATE, [proceeding], "proceeding")
    return proceeding


@transaction.atomic
def do_link_case(proceeding: Proceeding, *, actor: User, case: Case, role: str = PartyRole.VICTIM) -> ProceedingCase:
    proceeding = _lead(actor, proceeding)
    _open(proceeding)
    if role not in PartyRole.values:
        raise_errors({"role": _("Choose one of the options.")})
    if ProceedingCase.objects.filter(proceeding=proceeding, case=case).exists():
        raise Conflict(_("This case is already linked to the proceeding."))
    return _link_case(proceeding, case, role, actor)


@transaction.atomic
def do_add_defendant(
    proceeding: Proceeding,
    *,
    actor: User,
    name: str = "",
    sex: str = "",
    birth_year: int | None = None,
    subject: Subject | None = None,
) -> Defendant:
    """A defendant entered here, or a subject of the investigations compartment (one the actor
    reaches, through the grant its investigators gave: the caller finds it through its
    ``visible_to``), whose name and sex are taken unless given."""
    proceeding = _lead(actor, proceeding)
    _open(proceeding)
    errors: dict[str, Any] = {}
    if subject is not None:
        if Defendant.objects.filter(proceeding=proceeding, subject=subject).exists():
            errors["subject"] = _("This subject is a defendant of this proceeding already.")
        person = subject.person
        name = name or person.display_name()
        sex = sex or {"Feminine": "female", "Masculine": "male"}.get(person.gender or "", "")
    words = checked_text(errors, "name", name, 200, required=True)
    if sex not in ("", "male", "female"):
        errors["sex"] = _("Choose one of the options.")
    if birth_year is not None and not 1900 <= birth_year <= timezone.localdate().year - 10:
        errors["birth_year"] = _("A year of birth from 1900, at least ten years ago.")
    raise_errors(errors)
    defendant = Defendant.objects.create(
        proceeding=proceeding, name=words, sex=sex, birth_year=birth_year, subject=subject, added_by=actor
    )
    audited(actor, Action.CREATE, [defendant], "defendant")
    return defendant


@transaction.atomic
def do_charge(
    proceeding: Proceeding,
    *,
    actor: User,
    defendant: Defendant,
    article: str,
    filed_on: datetime.date,
    note: str = "",
) -> Charge:
    """A charge against a defendant of this proceeding, by an article of the law in use."""
    proceeding = _lead(actor, proceeding)
    _open(proceeding)
    errors: dict[str, Any] = {}
    if defendant.proceeding_id != proceeding.pk:
        errors["defendant"] = _("Choose a defendant of this proceeding.")
    code = ChargeCode.objects.filter(article=(article or "").strip(), active=True).first()
    if code is None:
        errors["article"] = _("No article of the law with this number is in use.")
    _day(errors, "filed_on", filed_on)
    words = checked_text(errors, "note", note, 1000)
    raise_errors(errors)
    assert code is not None
    charge = Charge.objects.create(
        proceeding=proceeding, defendant=defendant, code=code, filed_on=filed_on, note=words or None, added_by=actor
    )
    audited(actor, Action.CREATE, [charge], "charge")
    return charge


@transaction.atomic
def do_change_charge(
    charge: Charge,
    *,
    actor: User,
    amended_on: datetime.date | None = None,
    dropped_on: datetime.date | None = None,
    note: str = "",
) -> Charge:
    """A charge amended (the note says how) or dropped, on a day from its filing."""
    _open(_lead(actor, charge.proceeding))
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    errors: dict[str, Any] = {}
    if charge.dropped_on is not None:
        raise Conflict(_("This charge was dropped."))
    if amended_on is None and dropped_on is None:
        errors["amended_on"] = _("Say when it was amended or dropped.")
    for name, day in (("amended_on", amended_on), ("dropped_on", dropped_on)):
        if day is not None:
            _day(errors, name, day, charge.filed_on)
    words = checked_text(errors, "note", note, 1000, required=amended_on is not None)
    raise_errors(errors)
    if amended_on is not None:
        charge.amended_on = amended_on
    if dropped_on is not None:
        charge.dropped_on = dropped_on
    charge.note = words or charge.note
    charge.save()
    audited(actor, Action.UPDATE, [charge], "charge")
    return charge


@transaction.atomic
def do_move_stage(proceeding: Proceeding, *, actor: User, stage: str, on: datetime.date, note: str = "") -> Proceeding:
    """The proceeding moves on to a stage the 2007 Code allows from its current one."""
    proceeding = _lead(actor, proceeding)
    _open(proceeding)
    if stage not in TRANSITIONS.get(proceeding.stage, set()):
        allowed = ", ".join(str(Stage(s).label).lower() for s in sorted(TRANSITIONS.get(proceeding.stage, set())))
        raise Conflict(
            _("From %(stage)s a proceeding moves only to: %(allowed)s.")
            % {"stage": str(Stage(proceeding.stage).label).lower(), "allowed": allowed or "—"}
        )
    errors: dict[str, Any] = {}
    _day(errors, "on", on, proceeding.stage_since)
    words = checked_text(errors, "note", note, 1000)
    raise_errors(errors)
    proceeding.stage, proceeding.stage_since = stage, on
    proceeding.save(update_fields=["stage", "stage_since"])
    StageStep.objects.create(proceeding=proceeding, stage=stage, on=on, by=actor, note=words or None)
    audited(actor, Action.UPDATE, [proceeding], "proceeding")
    return proceeding


@transaction.atomic
def do_close(proceeding: Proceeding, *, actor: User, closed_as: str, on: datetime.date, note: str = "") -> Proceeding:
    """The proceeding ends: dismissed, settled out of court, charges dropped or the defendant at
    large before a judgment; acquitted or convicted once there is one."""
    proceeding = _lead(actor, proceeding)
    _open(proceeding)
    errors: dict[str, Any] = {}
    if closed_as not in Closure.values:
        errors["closed_as"] = _("Choose one of the options.")
    elif proceeding.stage not in CLOSES_FROM[closed_as]:
        errors["closed_as"] = _("Not at the %(stage)s stage.") % {"stage": str(Stage(proceeding.stage).label).lower()}
    _day(errors, "on", on, proceeding.stage_since)
    words = checked_text(errors, "note", note, 1000)
    raise_errors(errors)
    proceeding.closed_as, proceeding.closed_on = closed_as, on
    proceeding.save(update_fields=["closed_as", "closed_on"])
    # Its hearings to come, and her attendances at them, end with it.
    now = timezone.now()
    coming = Hearing.objects.filter(proceeding=proceeding, cancelled_at__isnull=True, at__gt=now)
    from casebridge.indicators.tally import mark

    cancelled = Attendance.objects.filter(hearing__in=coming, cancelled_at__isnull=True)
    mark(f"case:{c}" for c in cancelled.values_list("case_id", flat=True))  # (the indicators' tallies)
    cancelled.update(cancelled_at=now, cancelled_reason="proceeding closed")
    audited(actor, Action.UPDATE, list(coming), "hearing")
    coming.update(cancelled_at=now)
    StageStep.objects.create(
        proceeding=proceeding, stage=proceeding.stage, closed_as=closed_as, on=on, by=actor, note=words or None
    )
    audited(actor, Action.UPDATE, [proceeding], "proceeding")
    return proceeding


def stage_days(proceeding: Proceeding, steps: list[StageStep]) -> list[tuple[str, int]]:
    """How many days the proceeding spent in each stage it went through, in order (the current
    one until today, or until it closed)."""
    entered = [s for s in steps if not s.closed_as]
    end = proceeding.closed_on or timezone.localdate()
    days = []
    for step, following in zip(entered, [*entered[1:], None], strict=True):
        until = following.on if following is not None else end
        days.append((step.stage, max(0, (until - step.on).days)))
    return days


# Hearings ----------------------------------------------------------------------------------------


def _lawyers(proceeding: Proceeding) -> list[User]:
    from casebridge.agencies.models import Membership

    members = Membership.objects.in_force().filter(agency_id=proceeding.lead_agency_id, role__in=LEGAL_ROLES)
    return [m.user for m in members.select_related("user")]


def _tell(proceeding: Proceeding, what: str, actor: User | None) -> None:
    from casebridge.notifications.actions import notify
    from casebridge.notifications.models import Kind

    people = [p for p in _lawyers(proceeding) if actor is None or p.pk != actor.pk]
    notify(
        people,
        Kind.HEARING,
        data={"reference": proceeding.reference, "what": what},
        link=reverse("legal:detail", args=[proceeding.pk]),
    )


def _measures(errors: dict[str, Any], name: str, values: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(values or []))
    if not set(chosen) <= set(Measure.values):
        errors[name] = _("Choose among the protective measures.")
    return chosen


def _confronts(hearing: Hearing, granted: list[str]) -> bool:
    """She would face the defendant: he attends and nothing shields her from his sight."""
    return hearing.defendants_attend and not SHIELDS & set(granted)


@transaction.atomic
def do_schedule_hearing(
    proceeding: Proceeding,
    *,
    actor: User,
    at: datetime.datetime,
    court: str,
    kind: str,
    room: str = "",
    defendants_attend: bool = True,
    note: str = "",
) -> Hearing:
    """A hearing of an open proceeding (a closed one takes none)."""
    proceeding = _lead(actor, proceeding)
    if proceeding.closed_as:
        raise Conflict(_("This proceeding is closed: no hearing is scheduled for it."))
    errors: dict[str, Any] = {}
    complaint = StageStep.objects.filter(proceeding=proceeding).order_by("on").values_list("on", flat=True).first()
    if at is None:
        errors["at"] = _("This field is required.")
    elif timezone.localtime(at).date() < (complaint or proceeding.stage_since):
        errors["at"] = _("Not before the complaint was filed.")
    elif at > timezone.now() + datetime.timedelta(days=3 * 366):
        errors["at"] = _("At most three years ahead.")
    where = checked_text(errors, "court", court, 200, required=True)
    place = checked_text(errors, "room", room, 100)
    if kind not in HearingKind.values:
        errors["kind"] = _("Choose one of the options.")
    words = checked_text(errors, "note", note, 1000)
    raise_errors(errors)
    hearing = Hearing.objects.create(
        proceeding=proceeding,
        at=at,
        court=where,
        room=place,
        kind=kind,
        defendants_attend=defendants_attend,
        note=words or None,
        created_by=actor,
    )
    audited(actor, Action.CREATE, [hearing], "hearing")
    from casebridge.legal.tasks import schedule_on_commit

    schedule_on_commit()  # its reminder
    return hearing


@transaction.atomic
def do_summon(
    hearing: Hearing,
    *,
    actor: User,
    case: Case,
    requested: list[str] | None = None,
    granted: list[str] | None = None,
) -> Attendance:
    """A survivor of the proceeding to attend a hearing still to come, with the protective measures
    requested and granted; only while her consent to take part in the prosecution is current (else
    refused, with the reason). Summoned again, her measures are updated. Facing the defendant
    unshielded is flagged and the proceeding's lawyers alerted."""
    from casebridge.consents.ledger import has_consent
    from casebridge.consents.models import Purpose

    proceeding = _lead(actor, hearing.proceeding)
    _open(proceeding)
    lock_case(case)  # as recording her consent does: a withdrawal at the same moment waits, then sees this
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    errors: dict[str, Any] = {}
    if hearing.cancelled_at is not None or hearing.at <= timezone.now():
        raise Conflict(_("Only a hearing still to come takes a survivor's attendance."))
    if not ProceedingCase.objects.filter(proceeding=proceeding, case=case).exists():
        errors["case"] = _("Choose a survivor whose case is linked to this proceeding.")
    elif not has_consent(case.survivor, Purpose.TESTIMONY):
        errors["case"] = _(
            "Her consent to take part in the prosecution is not current: her case worker records it "
            "(Record a consent, on her case) before she is asked to attend."
        )
    asked = _measures(errors, "requested", requested)
    given = _measures(errors, "granted", granted)
    raise_errors(errors)
    attendance, created = Attendance.objects.get_or_create(
        hearing=hearing, case=case, defaults={"proceeding": proceeding, "created_by": actor}
    )
    was = attendance.confrontation and attendance.cancelled_at is None  # alerted already, and still on
    attendance.requested, attendance.granted = asked, given
    attendance.cancelled_at, attendance.cancelled_reason = None, ""
    attendance.confrontation = _confronts(hearing, given)
    attendance.save()
    audited(actor, Action.CREATE if created else Action.UPDATE, [attendance], "attendance")
    if attendance.confrontation and not was:
        _tell(proceeding, "confrontation", actor)
    return attendance


def consent_changed(sender: Any, consent: Any, case: Case, actor: User, **kwargs: Any) -> None:
    """Her consent to take part withdrawn or refused: her attendances still to come are
    cancelled, and the proceedings' lawyers told (consents.signals)."""
    from casebridge.consents.ledger import has_consent
    from casebridge.consents.models import Purpose

    if consent.purpose != Purpose.TESTIMONY or has_consent(case.survivor, Purpose.TESTIMONY):
        return
    coming = Attendance.objects.select_for_update().filter(
        case__survivor=case.survivor, cancelled_at__isnull=True, hearing__at__gt=timezone.now()
    )
    told = set()
    for attendance in coming.select_related("proceeding"):
        attendance.cancelled_at, attendance.cancelled_reason = timezone.now(), "consent withdrawn"
        attendance.save(update_fields=["cancelled_at", "cancelled_reason"])
        record(actor, Action.UPDATE, [Item("legal_attendance", str(attendance.pk), None, (), ("consent",))])
        if attendance.proceeding_id not in told:
            _tell(attendance.proceeding, "withdrawn", None)
            told.add(attendance.proceeding_id)


def remind_due(now: datetime.datetime | None = None) -> int:
    """Hearings within the reminder window not yet reminded: the proceeding's lawyers are told,
    and each attending survivor's case worker (on her case: when, never the defendants). Run by
    the background worker (legal.tasks); returns how many hearings were reminded."""
    from django.conf import settings

    from casebridge.notifications.actions import notify
    from casebridge.notifications.models import Kind

    now = now or timezone.now()
    window = now + datetime.timedelta(hours=settings.HEARING_REMINDER_HOURS)
    due = Hearing.objects.filter(cancelled_at__isnull=True, reminded_at__isnull=True, at__gt=now, at__lte=window)
    count = 0
    with transaction.atomic():
        for hearing in due.select_for_update(skip_locked=True).select_related("proceeding"):
            when = timezone.localtime(hearing.at).strftime("%Y-%m-%d %H:%M")
            data = {"reference": hearing.proceeding.reference, "what": "reminder", "at": when}
            notify(
                _lawyers(hearing.proceeding),
                Kind.HEARING,
                data=data,
                link=reverse("legal:detail", args=[hearing.proceeding_id]),
            )
            attending = Attendance.objects.filter(hearing=hearing, cancelled_at__isnull=True).select_related(
                "case__owner"
            )
            for attendance in attending:
                case = attendance.case
                notify(
                    [case.owner],
                    Kind.HEARING,
                    data={"number": case.number, "what": "attend", "at": when},
                    case=case,
                    link=reverse("cases:detail", args=[case.pk]),
                )
            hearing.reminded_at = now
            hearing.save(update_fields=["reminded_at"])
            count += 1
    return count


# Counsel ----------------------------------------------------------------------------------------


@transaction.atomic
def do_grant_counsel(
    proceeding: Proceeding, *, actor: User, user: User, expires_at: datetime.datetime | None = None
) -> Counsel:
    """A lawyer of another agency (a legal-aid lawyer for a civil party) reads this proceeding,
    until revoked or ``expires_at``."""
    proceeding = _lead(actor, proceeding)
    _open(proceeding)
    errors: dict[str, Any] = {}
    agencies = legal_agencies(user)
    if not user.is_active or not agencies:
        errors["user"] = _("Only a lawyer is granted a proceeding.")
    elif proceeding.lead_agency_id in agencies:
        errors["user"] = _("The lead agency's lawyers reach it already.")
    elif Counsel.objects.in_force().filter(proceeding=proceeding, user=user).exists():
        errors["user"] = _("This lawyer is granted it already.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The end of a grant is in the future.")
    raise_errors(errors)
    counsel = Counsel.objects.create(proceeding=proceeding, user=user, granted_by=actor, expires_at=expires_at)
    audited(actor, Action.CREATE, [counsel], "counsel")
    from casebridge.notifications.actions import notify
    from casebridge.notifications.models import Kind

    notify(
        [user],
        Kind.HEARING,
        data={"reference": proceeding.reference, "what": "counsel"},
        link=reverse("legal:detail", args=[proceeding.pk]),
    )
    return counsel


@transaction.atomic
def do_revoke_counsel(counsel: Counsel, *, actor: User) -> Counsel:
    _lead(actor, counsel.proceeding)
    counsel = Counsel.objects.select_for_update().get(pk=counsel.pk)
    if counsel.revoked_at is not None:
        raise Conflict(_("This grant was revoked already."))
    counsel.revoked_at = timezone.now()
    counsel.save(update_fields=["revoked_at"])
    audited(actor, Action.UPDATE, [counsel], "counsel")
    return counsel


# Her testimony ---------------------------------------------------------------------------------


@transaction.atomic
def do_record_session(
    case: Case,
    *,
    actor: User,
    kind: str,
    on: datetime.date,
    staff: str,
    readiness: str = "",
    attendance: Attendance | None = None,
) -> TestimonySession:
    """A session preparing her to testify (only while her consent to take part is current), or
    her accompaniment to a hearing she attended (``attendance``, a hearing past and not
    cancelled): by those who work on her care plan or her legal section."""
    from casebridge.consents.ledger import has_consent
    from casebridge.consents.models import Purpose
    from casebridge.legal.models import SessionKind, TestimonySession

    access = case_access(actor, case)
    section = next((s for s in (Section.CARE_PLAN, Section.LEGAL) if access.can_write_in(s)), None)
    if section is None:
        raise NotAllowed(_("Her testimony is prepared by those who work on her care plan or her legal case."))
    errors: dict[str, Any] = {}
    if kind not in SessionKind.values:
        errors["kind"] = _("Choose one of the options.")
    elif kind == SessionKind.PREPARATION and not has_consent(case.survivor, Purpose.TESTIMONY):
        errors["kind"] = _(
            "Her consent to take part in the prosecution is not current: she is prepared only once she has chosen to."
        )
    elif kind == SessionKind.ACCOMPANIMENT:
        held = attendance is not None and attendance.case_id == case.pk and attendance.cancelled_at is None
        if not held or attendance is None or attendance.hearing.cancelled_at or attendance.hearing.at > timezone.now():
            errors["attendance"] = _("Choose a hearing she attended.")
        else:
            _day(errors, "on", on, timezone.localtime(attendance.hearing.at).date())
    _day(errors, "on", on)
    who = checked_text(errors, "staff", staff, 300, required=True)
    notes = checked_text(errors, "readiness", readiness, 2000)
    raise_errors(errors)
    session = TestimonySession.objects.create(
        case=case,
        agency_id=access.agency_for(section) or case.lead_agency_id,
        kind=kind,
        on=on,
        attendance=attendance if kind == SessionKind.ACCOMPANIMENT else None,
        staff=who,
        readiness=notes or None,
        recorded_by=actor,
    )
    record(actor, Action.CREATE, [Item.on(access, "legal_testimony", session.pk, case.pk, [section])])
    return session


def as_read(user: User, access: Any, sessions: list[TestimonySession]) -> list[TestimonySession]:
    """What each reader learns of her sessions: the recording agency and who took part only when
    the reader may learn that agency is on her team (a shelter named would say where she lives);
    the hearing she was accompanied to only when the reader reaches her attendance; her readiness
    notes only for the recording agency's staff."""
    seen = set(
        Attendance.objects.visible_to(user)
        .filter(pk__in=[s.attendance_id for s in sessions if s.attendance_id])
        .values_list("pk", flat=True)
    )
    mine = {m.agency_id for m in user.active_memberships()}
    for session in sessions:
        known = access.sees_agency(session.agency_id)
        session.shown_agency = session.agency if known else None  # type: ignore[attr-defined]
        session.shown_staff = session.staff if known else None  # type: ignore[attr-defined]
        hearing = session.attendance.hearing if session.attendance_id in seen and session.attendance else None
        session.shown_hearing = hearing  # type: ignore[attr-defined]
        session.shown_readiness = session.readiness if session.agency_id in mine else None  # type: ignore[attr-defined]
    return sessions
