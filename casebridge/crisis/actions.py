"""Writes to crisis care, each checked, in one transaction, with its audit event and, where the
case's team should know, a timeline entry in the crisis-care section."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import CaseAccess, case_access
from casebridge.cases.actions import add_event, lock_case
from casebridge.cases.models import Audience, EventKind
from casebridge.cases.sections import Section
from casebridge.crisis.coverage import gaps
from casebridge.crisis.models import (
    Assessment,
    CareItem,
    CareItemKind,
    Episode,
    EpisodeOutcome,
    GuardianDecision,
    Incident,
    IncidentKind,
    Interview,
    PlaceKind,
    Shift,
    StaffRole,
)
from casebridge.lib.codes import language_code
from casebridge.lib.errors import Conflict, NotAllowed

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency
    from casebridge.cases.models import Case
    from casebridge.restoration.models import Placement

S = Section.CRISIS_CARE
MAX_WINDOW_HOURS = 240
# A roster may run on past the minimum window while she waits for a placement, up to this.
AFTER_WINDOW = datetime.timedelta(days=14)
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def item(access: CaseAccess, record_: Any, kind: str, case_id: Any) -> Item:
    return Item.on(access, f"crisis_{kind}", record_.pk, case_id, [S])


def _writer(actor: User, case: Case) -> CaseAccess:
    access = case_access(actor, case)
    if not access.can(S):
        raise NotAllowed(_("Crisis care is recorded by those who reach the case's crisis-care section."))
    if not access.can_write_in(S):
        raise NotAllowed(_("Emergency access is for reading: it does not allow writing anything."))
    return access


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _serves(user: User, case: Case) -> CaseAccess | None:
    """The access of someone who may be with her: her crisis care reached by a way other than
    emergency access (which is for reading, for a few hours); None otherwise."""
    access = case_access(user, case)
    return access if access.can_write_in(S) else None


@transaction.atomic
def do_open_episode(
    case: Case,
    *,
    actor: User,
    place_kind: str,
    place: str,
    starts_at: datetime.datetime,
    supervisor: User | None = None,
    window_hours: int | None = None,
    language: str = "",
    interpreter: bool = False,
) -> Episode:
    """Open a survivor's crisis care (also ahead of her arrival, when an operation is planned)."""
    from casebridge.crisis.models import DEFAULT_WINDOW_HOURS

    case = lock_case(case)
    access = _writer(actor, case)
    supervisor = supervisor or actor
    errors: dict[str, Any] = {}
    if place_kind not in PlaceKind.values:
        errors["place_kind"] = _("Choose a kind of place.")
    place = (place or "").strip()
    if not place:
        errors["place"] = _("Say where she is cared for.")
    elif len(place) > 200:
        errors["place"] = _("At most %(count)s characters.") % {"count": 200}
    if starts_at < EARLIEST or starts_at > timezone.now() + datetime.timedelta(days=30):
        errors["starts_at"] = _("Check the date: crisis care starts at most 30 days ahead.")
    hours = window_hours
    if hours is None:
        from casebridge.agencies.models import Agency

        policy = Agency.objects.filter(pk=access.acting_agency_id or 0).values_list("crisis_window_hours", flat=True)
        hours = policy.first() or DEFAULT_WINDOW_HOURS
    if not 1 <= hours <= MAX_WINDOW_HOURS:
        errors["window_hours"] = _("The minimum window is from 1 to %(hours)s hours.") % {"hours": MAX_WINDOW_HOURS}
    code = language_code(language) if language else ""
    if code is None:
        errors["language"] = _("Unknown language code: %(code)s (use ISO 639).") % {"code": language}
    if interpreter and not code:
        errors["language"] = _("Say which language the interpreter must speak.")
    if _serves(supervisor, case) is None:
        errors["supervisor"] = _("The supervisor must reach this case's crisis care.")
    if not access.can_write_in(Section.WHEREABOUTS):
        errors["place"] = _("Where she is held is recorded by those who reach her whereabouts.")
    _raise(errors)
    assert access.acting_agency_id is not None  # a writer acts for an agency
    episode = Episode(
        case=case,
        agency_id=access.acting_agency_id,
        place_kind=place_kind,
        place=place,
        starts_at=starts_at,
        window_hours=hours,
        language=code or "",
        interpreter=interpreter,
        supervisor=supervisor,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError:
        raise Conflict(_("Her crisis care is already open: close it before opening another.")) from None
    add_event(case, actor=actor, kind=EventKind.CRISIS_CARE_STARTED, section=S, occurred_at=starts_at, access=access)
    record(actor, Action.CREATE, [item(access, episode, "episode", case.pk)])
    from casebridge.crisis.alerts import schedule_on_commit

    schedule_on_commit()
    return episode


def _open(episode: Episode, actor: User) -> tuple[Episode, CaseAccess]:
    access = _writer(actor, episode.case)
    episode = Episode.objects.select_for_update().select_related("case").get(pk=episode.pk)
    if episode.ended_at is not None:
        raise Conflict(_("This crisis care has ended."))
    return episode, access


@transaction.atomic
def do_add_shift(
    episode: Episode, *, actor: User, staff: User, role: str, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> Shift:
    """Put someone on duty with her. Refused: someone the writer may not put on her roster
    (:func:`staff_for`), a shift that ends before it starts or lies outside the episode, one that
    overlaps the same person's other shift (with her, or with a girl in another place), an
    interpreter who does not speak her language."""
    from casebridge.accounts.models import User as Account

    episode, access = _open(episode, actor)
    staff = Account.objects.select_for_update().get(pk=staff.pk)  # two rosters at once wait for each other
    errors: dict[str, Any] = {}
    if role not in StaffRole.values:
        errors["role"] = _("Choose a role.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("A shift ends after it starts.")
    elif starts_at < episode.starts_at or ends_at > episode.window_ends_at + AFTER_WINDOW:
        errors["starts_at"] = _("A shift lies inside the crisis care: from %(start)s.") % {
            "start": timezone.localtime(episode.starts_at).strftime("%Y-%m-%d %H:%M")
        }
    serving = _serves(staff, episode.case) if staff in staff_for(episode.case, access) else None
    if serving is None:
        errors["staff"] = _("You cannot put this person on her roster.")
    languages = list(staff.spoken_languages or [])
    if serving is not None and role == StaffRole.INTERPRETER and episode.language and episode.language not in languages:
        errors["staff"] = _("This interpreter does not speak her language (their profile says what they speak).")
    if not errors:
        # With several girls at one station, one worker stays with them all; never in two places.
        here = (episode.place_kind, episode.place)
        mine = Shift.objects.filter(
            staff=staff, cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).select_related("episode")
        if any(s.episode_id == episode.pk or (s.episode.place_kind, s.episode.place) != here for s in mine):
            errors["starts_at"] = _("This person is already on a shift at that time.")
    _raise(errors)
    assert serving is not None and serving.acting_agency_id is not None
    shift = Shift(
        episode=episode,
        staff=staff,
        agency_id=serving.acting_agency_id,
        role=role,
        starts_at=starts_at,
        ends_at=ends_at,
        languages=languages,
        created_by=actor,
    )
    shift.save()
    record(actor, Action.CREATE, [item(access, shift, "shift", episode.case_id)])
    return shift


@transaction.atomic
def do_cancel_shift(shift: Shift, *, actor: User) -> Shift:
    """Take a shift off the roster before it starts (a worked shift is the record of who was with
    her): by whoever set it or the lead agency's case staff."""
    episode, access = _open(shift.episode, actor)
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.created_by_id != actor.pk and not access.can_manage:
        raise NotAllowed(_("A shift is cancelled by whoever set it or by the lead agency's case staff."))
    if shift.starts_at <= timezone.now():
        raise Conflict(_("This shift has started: it stays on the record of who was with her."))
    if shift.cancelled_at is None:
        shift.cancelled_at = timezone.now()
        shift.save(update_fields=["cancelled_at"])
        record(actor, Action.UPDATE, [item(access, shift, "shift", episode.case_id)])
    return shift


# What a placement is with: a partner that takes survivors in.
PLACING = frozenset({"assessment", "shelter"})


def takes_in(agency: Agency) -> bool:
    """Whether survivors may be placed with ``agency``: it offers an assessment centre or a
    shelter, and is neither the police nor the platform's operator."""
    from casebridge.agencies.models import OrgType

    return (
        bool(PLACING & set(agency.services or []))
        and agency.org_type != OrgType.LAW_ENFORCEMENT
        and not agency.is_platform
    )


# The sections the receiving centre needs to take her in: who she is, her crisis care (the
# needs assessment) and where she now lives.
HANDOVER = (Section.IDENTITY, Section.CRISIS_CARE, Section.WHEREABOUTS)
HANDOVER_DAYS = 30


def handover_sections(placement: Placement) -> list[Section]:
    """What the receiving centre may read of her case: the handover's sections, as far as its
    agency's ways into her case in force give them (lead, case team, referral grant)."""
    from casebridge.cases.models import Reach
    from casebridge.cases.sections import from_mask

    if not (placement.agency.is_active and takes_in(placement.agency)):
        return []  # a centre taken off the platform gets nothing
    now = timezone.now()
    mask = 0
    for way in Reach.objects.filter(case_id=placement.case_id, agency_id=placement.agency_id):
        if (way.starts_at is None or way.starts_at <= now) and (way.expires_at is None or way.expires_at > now):
            mask |= way.sections
    return [section for section in HANDOVER if section in from_mask(mask)]


@transaction.atomic
def do_close_episode(
    episode: Episode,
    *,
    actor: User,
    outcome: str,
    note: str = "",
    agency: Agency | None = None,
    placement: str = "",
    override_reason: str = "",
    ended_at: Any = None,
) -> Episode:
    """End her crisis care: placed (with which partner, the decision checked against the
    placement rules' suggestion: a partner not suggested needs the reason) or another outcome
    with its reason. Before the minimum window is over, the reason is needed even for a
    placement. A placement is her whereabouts; with her consent to share with the receiving
    partner, it gets the sections the handover needs for 30 days (a referral grant)."""
    from casebridge.crisis.placement import suggest

    episode, access = _open(episode, actor)
    ended_at = ended_at or timezone.now()
    errors: dict[str, Any] = {}
    note, placement = (note or "").strip(), (placement or "").strip()
    override_reason = (override_reason or "").strip()
    placed = outcome == EpisodeOutcome.PLACED
    suggestion = suggest(episode, actor) if placed else None
    if outcome not in EpisodeOutcome.values:
        errors["outcome"] = _("Choose how her crisis care ended.")
    elif placed and (agency is None or not agency.is_active):
        errors["agency"] = _("Choose the partner she is placed with.")
    elif placed and agency is not None and not takes_in(agency):
        errors["agency"] = _("She is placed with a partner that takes survivors in: an assessment centre or a shelter.")
    elif not placed and not note:
        errors["note"] = _("Give the reason.")
    elif not placed and (placement or agency is not None):
        errors["placement"] = _("A place is given only when she is placed.")
    elif suggestion and suggestion.partners and agency not in suggestion.partners and not override_reason:
        errors["override_reason"] = _("This partner is not among those suggested: say why.")
    if len(note) > 1000 or len(placement) > 500 or len(override_reason) > 1000:
        errors["note"] = _("At most %(count)s characters.") % {"count": 1000}
    if ended_at < episode.starts_at and outcome != EpisodeOutcome.NOT_NEEDED:
        errors["ended_at"] = _("Crisis care cannot end before it started.")
    elif ended_at < episode.window_ends_at and not note and "note" not in errors:
        errors["note"] = _("The minimum window is not over: say why it ends early.")
    if placed and not access.can_write_in(Section.WHEREABOUTS):
        errors["agency"] = _("Where she is placed is recorded by those who reach her whereabouts.")
    _raise(errors)
    episode.ended_at = ended_at
    episode.outcome = outcome
    episode.outcome_note = note or None
    episode.covered = not gaps(episode, episode.shifts.all())
    episode.save()
    add_event(
        episode.case,
        actor=actor,
        kind=EventKind.CRISIS_CARE_ENDED,
        section=S,
        body=note or None,
        occurred_at=ended_at,
        access=access,
    )
    shown = [S]
    if placed:
        assert agency is not None and suggestion is not None
        _place(episode, access, actor, agency, placement, suggestion, override_reason, ended_at)
        shown.append(Section.WHEREABOUTS)
    record(actor, Action.UPDATE, [Item.on(access, "crisis_episode", episode.pk, episode.case_id, shown)])
    return episode


def _place(
    episode: Episode,
    access: CaseAccess,
    actor: User,
    agency: Agency,
    place: str,
    suggestion: Any,
    override_reason: str,
    at: datetime.datetime,
) -> None:
    from casebridge.cases.models import ReferralGrant
    from casebridge.cases.sections import to_mask
    from casebridge.consents.ledger import has_consent
    from casebridge.consents.models import Purpose
    from casebridge.restoration.models import Placement

    case = episode.case
    for current in Placement.objects.current().select_for_update().filter(case=case):
        current.ended_at = at
        current.save(update_fields=["ended_at"])
        record(actor, Action.UPDATE, [Item.on(access, "placement", current.pk, case.pk, [Section.WHEREABOUTS])])
    placement = Placement.objects.create(
        case=case,
        agency=agency,
        place=place or None,
        started_at=at,
        reason=_("First placement after crisis care."),
        episode=episode,
        rules=suggestion.rules_json(),
        suggested=suggestion.codes(),
        override_reason=override_reason or None,
        decided_by=actor,
    )
    add_event(
        case,
        actor=actor,
        kind=EventKind.PLACED,
        section=Section.WHEREABOUTS,
        # Which partner serves her is for the lead agency's case staff and that partner.
        audience=Audience.PARTNER,
        about_agency=agency,
        body=" · ".join(part for part in (agency.name, place) if part),
        occurred_at=at,
        access=access,
    )
    record(actor, Action.CREATE, [Item.on(access, "placement", placement.pk, case.pk, [Section.WHEREABOUTS])])
    # Who else reaches her case is the lead agency's case staff's decision: a partner's
    # placement decision gives no access (the lead agency's staff share the case themselves).
    if access.can_manage and agency.pk != case.lead_agency_id and has_consent(case.survivor, Purpose.SHARING, agency):
        now = timezone.now()
        grant = ReferralGrant.objects.create(
            case=case,
            agency=agency,
            sections=to_mask(HANDOVER),
            granted_by=actor,
            starts_at=now,
            expires_at=now + datetime.timedelta(days=HANDOVER_DAYS),
        )
        record(actor, Action.CREATE, [Item.on(access, "referral_grant", grant.pk, case.pk)])


@transaction.atomic
def do_report_incident(
    episode: Episode, *, actor: User, kind: str, occurred_at: datetime.datetime, note: str
) -> Incident:
    """A safeguard broken (held in a cell, in sight or hearing of a suspect): recorded, on her
    timeline, and alerted at once to the supervisor and the lead agency's privacy officers (by
    e-mail too, whatever their choices), with the case number and what happened, never her name."""
    from casebridge.agencies.models import privacy_officers
    from casebridge.notifications.actions import notify
    from casebridge.notifications.models import Kind

    access = _writer(actor, episode.case)
    episode = Episode.objects.select_related("case__lead_agency", "supervisor").get(pk=episode.pk)
    errors: dict[str, Any] = {}
    if kind not in IncidentKind.values:
        errors["kind"] = _("Say what happened.")
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Say what happened, in words, and what was done.")
    elif len(note) > 2000:
        errors["note"] = _("At most %(count)s characters.") % {"count": 2000}
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["occurred_at"] = _("The date cannot be in the future.")
    elif occurred_at < episode.starts_at - datetime.timedelta(days=1):
        errors["occurred_at"] = _("An incident of her crisis care happens during it.")
    _raise(errors)
    incident = Incident(episode=episode, kind=kind, occurred_at=occurred_at, note=note, reported_by=actor)
    incident.save()
    add_event(
        episode.case,
        actor=actor,
        kind=EventKind.SAFEGUARD_INCIDENT,
        section=S,
        body=note,
        occurred_at=occurred_at,
        access=access,
    )
    record(actor, Action.CREATE, [item(access, incident, "incident", episode.case_id)])
    data = {"number": episode.case.number, "incident": kind}
    notify(
        [episode.supervisor],
        Kind.SAFEGUARD_INCIDENT,
        data=data,
        case=episode.case,
        link=reverse("crisis:episode", args=[episode.pk]),
    )
    # The privacy officers reach the case's record and access log, not her crisis care.
    officers = [o for o in privacy_officers(episode.case.lead_agency) if o.pk != episode.supervisor_id]
    notify(
        officers,
        Kind.SAFEGUARD_INCIDENT,
        data=data,
        case=episode.case,
        link=reverse("cases:detail", args=[episode.case_id]),
    )
    return incident


def staff_for(case: Case, access: CaseAccess) -> list[User]:
    """Whom the writer may put on her roster: people who reach her crisis care other than by
    emergency access; of the lead agency and of the writer's own agencies only, unless the writer
    is the lead agency's case staff (who else serves her is need-to-know)."""
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Membership
    from casebridge.cases.access import BREAK_GLASS
    from casebridge.cases.models import Reach

    ways = Reach.objects.filter(case=case).exclude(path=BREAK_GLASS)
    agencies = set(ways.filter(agency__isnull=False).values_list("agency_id", flat=True))
    named = set(ways.filter(user__isnull=False).values_list("user_id", flat=True))
    if not access.can_manage:
        agencies &= {case.lead_agency_id, *access.agency_ids}
    members = Membership.objects.in_force().filter(agency_id__in=agencies)
    candidates = set(members.values_list("user_id", flat=True))
    if access.can_manage:
        candidates |= named
    elif access.user_id in named:
        candidates.add(access.user_id)
    people = User.objects.filter(pk__in=candidates, is_active=True).order_by("username")
    return [person for person in people if _serves(person, case) is not None]


def _text(errors: dict[str, Any], name: str, value: str | None, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = _("This field is required.")
    elif len(value) > limit:
        errors[name] = _("At most %(count)s characters.") % {"count": limit}
    return value


def _when(errors: dict[str, Any], name: str, at: datetime.datetime, episode: Episode) -> None:
    """Something of her crisis care happens during it: not before it began, not in the future."""
    if at > timezone.now() + datetime.timedelta(minutes=5):
        errors[name] = _("The date cannot be in the future.")
    elif at < episode.starts_at - datetime.timedelta(days=1):
        errors[name] = _("This happens during her crisis care: from %(start)s.") % {
            "start": timezone.localtime(episode.starts_at).strftime("%Y-%m-%d %H:%M")
        }


ASSESSED = ("emotional", "physical", "translation", "safety_risks", "family_contact", "immediate_needs")


@transaction.atomic
def do_assess(
    episode: Episode, *, actor: User, urgent_medical: bool = False, family_risk: bool = False, **texts: str
) -> Assessment:
    """Record her needs: a new version of the assessment (the earlier ones stay). Something must
    be said."""
    episode, access = _open(episode, actor)
    errors: dict[str, Any] = {}
    unknown = set(texts) - set(ASSESSED)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    limits = {"translation": 1000, "family_contact": 1000}
    values = {name: _text(errors, name, texts.get(name), limits.get(name, 2000)) for name in ASSESSED}
    if not errors and not any(values.values()) and not urgent_medical and not family_risk:
        errors["immediate_needs"] = _("Say what she needs: at least one of the assessment's parts.")
    _raise(errors)
    latest = Assessment.objects.filter(episode=episode).order_by("-version").values_list("version", flat=True).first()
    assessment = Assessment.objects.create(
        episode=episode,
        version=(latest or 0) + 1,
        urgent_medical=urgent_medical,
        family_risk=family_risk,
        recorded_by=actor,
        **{name: value or None for name, value in values.items()},
    )
    if assessment.version == 1:
        add_event(episode.case, actor=actor, kind=EventKind.NEEDS_ASSESSED, section=S, access=access)
    record(actor, Action.CREATE, [item(access, assessment, "assessment", episode.case_id)])
    return assessment


@transaction.atomic
def do_hand_item(
    episode: Episode, *, actor: User, kind: str, quantity: int, handed_at: datetime.datetime, note: str = ""
) -> CareItem:
    """Log an item of the care package handed to her."""
    episode, access = _open(episode, actor)
    errors: dict[str, Any] = {}
    if kind not in CareItemKind.values:
        errors["kind"] = _("Choose the item.")
    if not 1 <= quantity <= 100:
        errors["quantity"] = _("From 1 to %(count)s.") % {"count": 100}
    note = _text(errors, "note", note, 200, required=kind == CareItemKind.OTHER)
    _when(errors, "handed_at", handed_at, episode)
    _raise(errors)
    care = CareItem.objects.create(
        episode=episode, kind=kind, quantity=quantity, note=note, handed_at=handed_at, handed_by=actor
    )
    record(actor, Action.CREATE, [item(access, care, "care_item", episode.case_id)])
    return care


@transaction.atomic
def do_record_interview(
    episode: Episode,
    *,
    actor: User,
    held_at: datetime.datetime,
    minutes: int,
    interviewer: str,
    present: str,
    female_officer: bool = False,
) -> Interview:
    """Record an interview she went through. Where the agency's policy wants a female officer at
    every interview of a girl and none was there, it is recorded as it happened, flagged, and
    the supervisor is told."""
    from casebridge.crisis.placement import is_girl

    episode, access = _open(episode, actor)
    errors: dict[str, Any] = {}
    interviewer = _text(errors, "interviewer", interviewer, 200, required=True)
    present = _text(errors, "present", present, 500, required=True)
    if not 1 <= minutes <= 24 * 60:
        errors["minutes"] = _("From 1 to %(count)s.") % {"count": 24 * 60}
    _when(errors, "held_at", held_at, episode)
    _raise(errors)
    policy = episode.agency.female_officer_for_girls and is_girl(episode)
    interview = Interview.objects.create(
        episode=episode,
        held_at=held_at,
        minutes=minutes,
        interviewer=interviewer,
        present=present,
        female_officer=female_officer,
        policy_met=female_officer or not policy,
        recorded_by=actor,
    )
    add_event(
        episode.case,
        actor=actor,
        kind=EventKind.INTERVIEWED,
        section=S,
        occurred_at=held_at,
        access=access,
    )
    record(actor, Action.CREATE, [item(access, interview, "interview", episode.case_id)])
    if not interview.policy_met and episode.supervisor_id != actor.pk:
        from casebridge.notifications.actions import notify
        from casebridge.notifications.models import Kind

        notify(
            [episode.supervisor],
            Kind.INTERVIEW_POLICY,
            data={"number": episode.case.number},
            case=episode.case,
            link=reverse("crisis:episode", args=[episode.pk]),
        )
    return interview


@transaction.atomic
def do_guardian_decision(episode: Episode, *, actor: User, decision: str, reason: str) -> Episode:
    """Decide whether her parents or guardian are told, always with the reason (a parent may be
    part of the exploitation). A later decision replaces it; each is on her timeline."""
    episode, access = _open(episode, actor)
    errors: dict[str, Any] = {}
    if decision not in GuardianDecision.values:
        errors["decision"] = _("Choose the decision.")
    reason = _text(errors, "reason", reason, 1000, required=True)
    _raise(errors)
    episode.guardian, episode.guardian_reason = decision, reason
    episode.guardian_by, episode.guardian_at = actor, timezone.now()
    episode.save(update_fields=["guardian", "guardian_reason", "guardian_by", "guardian_at"])
    add_event(
        episode.case,
        actor=actor,
        kind=EventKind.GUARDIAN_DECISION,
        section=S,
        body=reason,
        data={"decision": decision},
        access=access,
    )
    record(actor, Action.UPDATE, [item(access, episode, "episode", episode.case_id)])
    return episode
