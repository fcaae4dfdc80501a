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
from casebridge.cases.models import EventKind
from casebridge.cases.sections import Section
from casebridge.crisis.models import Episode, EpisodeOutcome, Incident, IncidentKind, PlaceKind, Shift, StaffRole
from casebridge.lib.codes import language_code
from casebridge.lib.errors import Conflict, NotAllowed

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.cases.models import Case

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
    hours = DEFAULT_WINDOW_HOURS if window_hours is None else window_hours
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


@transaction.atomic
def do_close_episode(
    episode: Episode, *, actor: User, outcome: str, note: str = "", placement: str = "", ended_at: Any = None
) -> Episode:
    """End her crisis care: placed (where, in the whereabouts section) or another outcome with
    its reason. Before the minimum window is over, the reason is needed even for a placement."""
    episode, access = _open(episode, actor)
    ended_at = ended_at or timezone.now()
    errors: dict[str, Any] = {}
    note, placement = (note or "").strip(), (placement or "").strip()
    if outcome not in EpisodeOutcome.values:
        errors["outcome"] = _("Choose how her crisis care ended.")
    elif outcome == EpisodeOutcome.PLACED and not placement:
        errors["placement"] = _("Say where she is placed.")
    elif outcome != EpisodeOutcome.PLACED and not note:
        errors["note"] = _("Give the reason.")
    elif outcome != EpisodeOutcome.PLACED and placement:
        errors["placement"] = _("A place is given only when she is placed.")
    if len(note) > 1000 or len(placement) > 500:
        errors["note"] = _("At most %(count)s characters.") % {"count": 1000}
    if ended_at < episode.starts_at and outcome != EpisodeOutcome.NOT_NEEDED:
        errors["ended_at"] = _("Crisis care cannot end before it started.")
    elif ended_at < episode.window_ends_at and not note and "note" not in errors:
        errors["note"] = _("The minimum window is not over: say why it ends early.")
    if placement and not access.can_write_in(Section.WHEREABOUTS):
        errors["placement"] = _("Where she is placed is recorded by those who reach her whereabouts.")
    _raise(errors)
    episode.ended_at = ended_at
    episode.outcome = outcome
    episode.outcome_note = note or None
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
    if placement:
        add_event(
            episode.case,
            actor=actor,
            kind=EventKind.PLACED,
            section=Section.WHEREABOUTS,
            body=placement,
            occurred_at=ended_at,
            access=access,
        )
    shown = [S, *([Section.WHEREABOUTS] if placement else [])]
    record(actor, Action.UPDATE, [Item.on(access, "crisis_episode", episode.pk, episode.case_id, shown)])
    return episode


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
