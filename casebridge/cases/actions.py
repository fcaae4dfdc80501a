"""Every write to a case goes through these functions: checked, in one transaction, audited."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency, Membership, privacy_officers
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action, AuditEvent
from casebridge.cases import sections as sec
from casebridge.cases.access import CaseAccess, case_access, ceiling, default_sections
from casebridge.cases.models import (
    CLOSED_STATUSES,
    CORRECTABLE,
    Audience,
    BreakGlass,
    Case,
    CaseNumberSequence,
    CaseParticipant,
    CaseStatus,
    ClosureReason,
    ContactAnswer,
    ContactRequest,
    EventKind,
    ParticipantRole,
    ReferralGrant,
    ReviewOutcome,
    TeamMember,
    TimelineEvent,
    intake_facets,
)
from casebridge.cases.sections import Section
from casebridge.lib.errors import Conflict, NotAllowed, NotFound
from casebridge.lib.places import PROVINCE_CODES
from casebridge.notifications.actions import notify
from casebridge.notifications.models import Kind as NotificationKind
from casebridge.people.actions import do_register_person
from casebridge.people.models import PersonKind

# No case here concerns events before this year; an earlier date is a typing mistake.
EARLIEST_YEAR = 2000
EARLIEST_DATE = datetime.date(EARLIEST_YEAR, 1, 1)


def case_item(case: Case, sections: Iterable[str] = (), access: CaseAccess | None = None) -> Item:
    if access is None:
        return Item("case", str(case.pk), case.pk, tuple(sections))
    return Item.on(access, "case", case.pk, case.pk, sections)


def add_event(
    case: Case,
    *,
    actor: User,
    kind: str,
    section: str = "",
    audience: str = Audience.SECTION,
    about_agency: Agency | None = None,
    body: str | None = None,
    data: dict[str, Any] | None = None,
    occurred_at: datetime.datetime | None = None,
    access: CaseAccess | None = None,
) -> TimelineEvent:
    """Put an entry on the case timeline (capabilities call this for their own events). The
    entry names the agency and role the actor acts in on this case; ``audience`` and
    ``about_agency`` narrow who sees an entry that says which other agency serves the survivor."""
    access = access or case_access(actor, case)
    event = TimelineEvent(
        case=case,
        kind=kind,
        section=section,
        audience=audience,
        about_agency=about_agency,
        occurred_at=occurred_at or timezone.now(),
        actor=actor,
        agency_id=access.acting_agency_id,
        role=access.acting_role,
        body=body,
        data=data or {},
    )
    event.save()
    return event


def lock_case(case: Case) -> Case:
    """Take the case's row lock: every check-then-act on a case (its team, its consents, its
    status) holds it, so two requests cannot both pass a check that only one of them may."""
    return Case.objects.select_for_update().select_related("lead_agency", "survivor").get(pk=case.pk)


def earliest_date(*others: datetime.date | None) -> datetime.date:
    """The earliest date a record of a case may carry: 2000-01-01, or a later date it cannot precede."""
    return max([EARLIEST_DATE, *(d for d in others if d)])


def check_date(
    errors: dict[str, str], field: str, value: datetime.date | None, *, earliest: datetime.date, future: bool = False
) -> None:
    """One rule for every date a person types: not before ``earliest``, not after today unless ``future``."""
    if value is None:
        return
    if value < earliest:
        errors[field] = _("Check the date: it cannot be before %(date)s.") % {"date": earliest.isoformat()}
    elif not future and value > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")


def _next_number(agency: Agency, year: int) -> str:
    CaseNumberSequence.objects.get_or_create(agency=agency, year=year)
    sequence = CaseNumberSequence.objects.select_for_update().get(agency=agency, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{agency.code}-{year}-{sequence.last:06d}"


def intake_agencies(user: User) -> list[Agency]:
    """Agencies for which ``user`` may register a survivor and open a case."""
    return [m.agency for m in user.active_memberships() if Section.IDENTITY in default_sections(m.role)]


@transaction.atomic
def do_open_case(
    *,
    actor: User,
    agency: Agency,
    identity: dict[str, Any],
    province: str,
    opened_on: datetime.date,
    different_person: bool = False,
) -> Case:
    """Register a survivor and open their case, led by ``agency``. ``different_person``: the
    user was shown possible existing people (or told a record may exist elsewhere) and said
    this is someone else; the case records it."""
    if agency not in intake_agencies(actor):
        raise NotAllowed(_("Your role does not allow opening cases for %(agency)s.") % {"agency": agency.name})
    errors: dict[str, str] = {}
    if province not in PROVINCE_CODES:
        errors["province"] = _("Choose a province from the list.")
    if opened_on > timezone.localdate():
        errors["opened_on"] = _("A case cannot be opened in the future.")
    else:
        check_date(errors, "opened_on", opened_on, earliest=earliest_date(identity.get("birth_date")))
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    survivor = do_register_person(actor=actor, agency=agency, kind=PersonKind.SURVIVOR, identity=identity)
    case = Case(
        number=_next_number(agency, opened_on.year),
        lead_agency=agency,
        survivor=survivor,
        province=province,
        owner=actor,
        opened_on=opened_on,
        created_by=actor,
        **intake_facets(survivor, opened_on),
    )
    case.save()
    # A case entered after the fact is dated on its timeline by the day it was opened.
    when = None
    if opened_on != timezone.localdate():
        when = timezone.make_aware(datetime.datetime.combine(opened_on, datetime.time(9)))
    access = case_access(actor, case)
    add_event(
        case, actor=actor, kind=EventKind.CASE_OPENED, data={"agency": agency.name}, occurred_at=when, access=access
    )
    if different_person:
        add_event(case, actor=actor, kind=EventKind.DIFFERENT_PERSON, audience=Audience.LEAD, access=access)
    record(actor, Action.CREATE, [case_item(case, ["identity"], access)])
    return case


@transaction.atomic
def do_update_case(
    case: Case,
    *,
    actor: User,
    status: str | None = None,
    closure_reason: str | None = None,
    closure_note: str | None = None,
) -> Case:
    """Change the status; closing needs a reason, reopening clears it."""
    case = lock_case(case)
    access = case_access(actor, case)
    if not access.can_manage:
        raise NotAllowed(_("Only the lead agency's case staff can change the case status."))
    new_status = status or case.status
    if new_status not in CaseStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    reason = case.closure_reason if closure_reason is None else closure_reason
    if new_status in CLOSED_STATUSES:
        if not reason:
            raise ValidationError({"closure_reason": _("Give the reason for closing the case.")})
        if reason not in ClosureReason.values:
            raise ValidationError({"closure_reason": _("Choose one of the listed reasons.")})
        if closure_note is not None and len(closure_note) > 2000:
            raise ValidationError({"closure_note": _("At most 2000 characters.")})
    else:
        reason = ""
    changed = new_status != case.status
    case.status = new_status
    case.closure_reason = reason
    if closure_note is not None:
        case.closure_note = closure_note or None
    if new_status in CLOSED_STATUSES and changed:
        case.closed_on = timezone.localdate()
    elif new_status not in CLOSED_STATUSES:
        case.closed_on = None
    case.save()
    if changed:
        data = {"status": new_status, "reason": reason}
        add_event(case, actor=actor, kind=EventKind.STATUS_CHANGED, data=data, access=access)
    record(actor, Action.UPDATE, [case_item(case, (), access)])
    return case


@transaction.atomic
def do_add_note(
    case: Case,
    *,
    actor: User,
    section: str,
    body: str,
    occurred_at: datetime.datetime | None = None,
) -> TimelineEvent:
    access = case_access(actor, case)
    if section in access.sections and not access.can_write_in(section):
        raise NotAllowed(_("Emergency access is for reading: it does not allow writing anything."))
    errors: dict[str, str] = {}
    if section not in Section.values:
        errors["section"] = _("Unknown section.")
    elif not access.can(section):
        errors["section"] = _("You cannot write in a section you cannot read.")
    body = (body or "").strip()
    errors.update(_note_errors(body))
    if occurred_at and occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["occurred_at"] = _("A note cannot describe something in the future.")
    elif occurred_at:
        check_date(
            errors, "occurred_at", timezone.localdate(occurred_at), earliest=earliest_date(case.survivor.birth_date)
        )
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    event = add_event(
        case, actor=actor, kind=EventKind.NOTE, section=section, body=body, occurred_at=occurred_at, access=access
    )
    record(actor, Action.CREATE, [Item.on(access, "note", event.pk, case.pk, [section])])
    _tell_of_partner_note(case, actor=actor, access=access)
    return event


def _tell_of_partner_note(case: Case, *, actor: User, access: CaseAccess) -> None:
    """A partner wrote or corrected a note: the case worker should read it."""
    if not access.can_manage:
        notify(
            [worker for worker in lead_case_workers(case) if worker.pk != actor.pk],
            NotificationKind.PARTNER_NOTE,
            case=case,
            data={"number": case.number, "role": access.acting_role},
            link=reverse("cases:detail", args=[case.pk]),
        )


@transaction.atomic
def do_correct_identity(case: Case, *, actor: User, changes: dict[str, Any]) -> Case:
    """Correct the survivor's names, other names, birth date or estimated age (the lead agency's
    case staff). The whole identity is checked again; the name index follows the change, the
    intake facets of the survivor's cases are worked out again (the intake was wrong, not the
    child older), and the timeline says which fields changed, never to what."""
    from casebridge.people.actions import IDENTITY_FIELDS, clean_identity, write_search_entry

    case = lock_case(case)
    access = case_access(actor, case)
    if not access.can_manage:
        raise NotAllowed(_("Only the lead agency's case staff can correct the survivor's identity."))
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise ValidationError({name: _("This cannot be corrected here.") for name in unknown})
    survivor = case.survivor
    current = {field: getattr(survivor, field) for field in IDENTITY_FIELDS}
    wanted = {**current, **changes}
    opened = list(Case.objects.filter(survivor=survivor).values_list("opened_on", flat=True))
    if wanted.get("estimated_age") != current["estimated_age"]:
        # A corrected estimate is the age as it was when first estimated (at intake): the
        # intake was wrong, not the child older.
        wanted["age_estimated_on"] = current["age_estimated_on"] or min(opened, default=None)
    cleaned = clean_identity(wanted)
    born = cleaned["birth_date"]
    if born is not None and opened and born > min(opened):
        raise ValidationError({"birth_date": _("The birth date is after the day the case was opened.")})
    changed = [f for f in CORRECTABLE if cleaned[f] != current[f]]
    if not changed:
        raise ValidationError({"given_name": _("Nothing was changed.")})
    for field in (*CORRECTABLE, "age_estimated_on"):
        setattr(survivor, field, cleaned[field])
    survivor.save()
    write_search_entry(survivor)
    for each in Case.objects.filter(survivor=survivor):
        facets = intake_facets(survivor, each.opened_on)
        Case.objects.filter(pk=each.pk).update(**facets)
    add_event(
        case,
        actor=actor,
        kind=EventKind.IDENTITY_CORRECTED,
        section=Section.IDENTITY,
        data={"fields": changed},
        access=access,
    )
    record(
        actor,
        Action.UPDATE,
        [Item.on(access, "person", survivor.pk, case.pk, [Section.IDENTITY])],
        reason="identity corrected: " + ", ".join(changed),
    )
    case.refresh_from_db()
    return case


def _note_errors(body: str) -> dict[str, str]:
    if not body:
        return {"body": _("The note is empty.")}
    if len(body) > 10000:
        return {"body": _("At most 10,000 characters.")}
    return {}


@transaction.atomic
def do_correct_note(note: TimelineEvent, *, actor: User, body: str) -> TimelineEvent:
    """Correct a note: only its author, while they may still write in its section, and only its
    newest version. The correction is a new entry naming the one it corrects, at the same time
    on the timeline; the old text stays, as the note's history."""
    case = lock_case(note.case)
    access = case_access(actor, case)
    note = TimelineEvent.objects.select_for_update().get(pk=note.pk)
    if note.kind != EventKind.NOTE or not access.can(note.section):
        raise NotFound(_("No such note on this case."))
    if note.actor_id != actor.pk:
        raise NotAllowed(_("Only the note's author can correct it."))
    if not access.can_write_in(note.section):
        raise NotAllowed(_("You can no longer write in this section."))
    if corrected_since(note):
        raise Conflict(_("This note has been corrected since; correct its newest version."))
    body = (body or "").strip()
    errors = _note_errors(body)
    if not errors and body == note.body:
        errors = {"body": _("The correction is the same as the note.")}
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    event = add_event(
        case,
        actor=actor,
        kind=EventKind.NOTE,
        section=note.section,
        body=body,
        occurred_at=note.occurred_at,
        access=access,
    )
    event.corrects = note
    event.save(update_fields=["corrects"])
    record(actor, Action.UPDATE, [Item.on(access, "note", event.pk, case.pk, [note.section])], reason="note corrected")
    _tell_of_partner_note(case, actor=actor, access=access)
    return event


def corrected_since(note: TimelineEvent) -> bool:
    return TimelineEvent.objects.filter(corrects=note).exists()


def note_history(note: TimelineEvent) -> list[TimelineEvent]:
    """The earlier versions of a note, newest first."""
    versions = []
    while note.corrects_id is not None:
        note = TimelineEvent.objects.select_related("actor").get(pk=note.corrects_id)
        versions.append(note)
    return versions


@transaction.atomic
def do_add_participant(case: Case, *, actor: User, role: str, identity: dict[str, Any]) -> CaseParticipant:
    """Add a guardian, family member or witness to the case (lead case staff; ``identity`` as
    ``people.actions.clean_identity`` returns it)."""
    case = lock_case(case)
    access = case_access(actor, case)
    if not access.can_manage:
        raise NotAllowed(_("Only the lead agency's case staff can add people to the case."))
    if role not in ParticipantRole.values:
        raise ValidationError({"role": _("Choose one of the listed roles.")})
    if not any(identity.get(f) for f in ("given_name", "family_name", "given_name_latin", "family_name_latin")):
        raise ValidationError({"given_name": _("Give at least one name.")})
    from casebridge.people.actions import refresh_ways

    kind = PersonKind.WITNESS if role == ParticipantRole.WITNESS else PersonKind.FAMILY
    person = do_register_person(actor=actor, agency=case.lead_agency, kind=kind, identity=identity)
    participant = CaseParticipant.objects.create(case=case, person=person, role=role, added_by=actor)
    refresh_ways(case.pk)  # found by search by those who reach the case
    record(actor, Action.CREATE, [Item.on(access, "participant", participant.pk, case.pk, [Section.IDENTITY])])
    return participant


@transaction.atomic
def do_assign_case_worker(case: Case, *, actor: User, owner: User | None) -> Case:
    """Give the case to another of the lead agency's case staff (they are told)."""
    case = lock_case(case)
    access = case_access(actor, case)
    if not access.can_manage:
        raise NotAllowed(_("Only the lead agency's case staff can give the case to another case worker."))
    if owner is None or owner.pk not in {person.pk for person in case_staff(case.lead_agency_id)}:
        raise ValidationError({"case_worker": _("Choose one of the lead agency's case staff.")})
    if owner.pk == case.owner_id:
        return case
    case.owner = owner
    case.save(update_fields=["owner", "updated_at"])
    add_event(
        case,
        actor=actor,
        kind=EventKind.ASSIGNED,
        data={"name": owner.get_full_name() or owner.get_username()},
        access=access,
    )
    record(actor, Action.UPDATE, [Item.on(access, "case", case.pk, case.pk)], reason="case worker changed")
    if owner.pk != actor.pk:
        notify(
            [owner],
            NotificationKind.ASSIGNED,
            case=case,
            data={"number": case.number, "by": actor.get_username()},
            link=reverse("cases:detail", args=[case.pk]),
        )
    return case


def change_lead(case: Case, *, actor: User, agency: Agency, owner: User) -> Case:
    """The case's lead agency becomes ``agency``, its case worker ``owner`` (one of that agency's
    case staff), inside the caller's transaction (a transfer, accepted by the receiving agency:
    restoration.actions). Its ways in are rebuilt at once; the old lead keeps only its grants."""
    if owner.pk not in {person.pk for person in case_staff(agency.pk)}:
        raise ValidationError({"case_worker": _("Choose one of the receiving agency's case staff.")})
    old = case.lead_agency_id
    case.lead_agency = agency
    case.owner = owner
    case.save(update_fields=["lead_agency", "owner", "updated_at"])
    # The old lead's own people on her team (added by name) leave with it: it keeps only its grant.
    colleagues = Membership.objects.in_force().filter(agency_id=old).values_list("user_id", flat=True)
    for member in TeamMember.objects.filter(case=case, removed_at__isnull=True, user_id__in=list(colleagues)):
        member.removed_at, member.removed_by = timezone.now(), actor
        member.save(update_fields=["removed_at", "removed_by"])
    access = case_access(actor, case)
    add_event(case, actor=actor, kind=EventKind.TRANSFERRED, data={"agency": agency.local_name}, access=access)
    record(
        actor, Action.UPDATE, [Item.on(access, "case", case.pk, case.pk)], reason=f"lead agency {old} -> {agency.pk}"
    )
    return case


def _sharing_agencies(case: Case, user: User | None, agency: Agency | None) -> list[Agency]:
    if agency is not None:
        return [] if agency.pk == case.lead_agency_id else [agency]
    assert user is not None
    return [m.agency for m in user.active_memberships() if m.agency_id != case.lead_agency_id]


def case_staff(agency_id: int) -> list[User]:
    """An agency's people in a role that works on cases (its members who would act on a case)."""
    staff = [m.user_id for m in Membership.objects.in_force().filter(agency_id=agency_id) if default_sections(m.role)]
    return list(User.objects.filter(pk__in=staff))


def lead_case_workers(case: Case) -> list[User]:
    """Who to tell of something a partner did on the case: its case worker while they are still
    the lead agency's case staff, else the lead agency's case staff (never a former owner who has
    moved to another agency)."""
    if case.owner.is_active and case_access(case.owner, case).can_manage:
        return [case.owner]
    return case_staff(case.lead_agency_id)


def _member_agency(case: Case, user: User) -> Agency | None:
    """The agency a colleague added by name serves the case from (the one a team entry is about)."""
    memberships = user.active_memberships()
    others = [m.agency for m in memberships if m.agency_id != case.lead_agency_id]
    return others[0] if others else (memberships[0].agency if memberships else None)


@transaction.atomic
def do_add_team_member(
    case: Case,
    *,
    actor: User,
    sections: Iterable[str],
    user: User | None = None,
    agency: Agency | None = None,
) -> TeamMember:
    """Share sections of the case with a colleague or an agency. Sharing outside the lead agency
    needs the survivor's consent to share with that agency."""
    from casebridge.consents.ledger import require_consent
    from casebridge.consents.models import Purpose

    case = lock_case(case)  # the consent checked below cannot be withdrawn until this commits
    access = case_access(actor, case)
    if not access.can_manage:
        raise NotAllowed(_("Only the lead agency's case staff can change the case team."))
    if (user is None) == (agency is None):
        raise ValidationError({"user": _("Add either a person or an agency.")})
    chosen = list(dict.fromkeys(sections))
    if not chosen or any(s not in Section.values for s in chosen):
        raise ValidationError({"sections": _("Choose at least one section.")})
    if user is not None and (not user.is_active or not user.active_memberships()):
        # Consent to share is given per agency: a colleague without an agency cannot be checked.
        raise ValidationError({"user": _("This account is not active.")})
    if agency is not None and agency.pk == case.lead_agency_id:
        raise ValidationError({"agency": _("The lead agency already has access through its roles.")})
    for target in _sharing_agencies(case, user, agency):
        require_consent(case.survivor, Purpose.SHARING, agency=target)
    # Asked only once consent is there (the answer names what the roles there may see).
    allowed = ever_seen(user, agency)
    beyond = [s for s in sec.ordered(chosen) if s not in allowed]
    if allowed and beyond:
        raise ValidationError(
            {
                "sections": _("Their role never sees: %(sections)s. Choose only sections it may see.")
                % {"sections": ", ".join(str(s.label) for s in beyond)}
            }
        )
    member = TeamMember(case=case, user=user, agency=agency, sections=sec.to_mask(chosen), added_by=actor)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise Conflict(_("Already on the case team. Remove them first to change what they see.")) from None
    name = agency.name if agency else user.get_full_name() or user.get_username()  # type: ignore[union-attr]
    # Who is on the team (a shelter, a clinic) can say where the child is: the lead agency's case
    # staff and the agency concerned see the entry, nobody else.
    add_event(
        case,
        actor=actor,
        kind=EventKind.TEAM_ADDED,
        audience=Audience.PARTNER,
        about_agency=agency or _member_agency(case, user),  # type: ignore[arg-type]
        data={"name": name, "sections": chosen},
        access=access,
    )
    record(actor, Action.UPDATE, [Item.on(access, "team_member", member.pk, case.pk, chosen)])
    # The agency (or colleague) learns the case is theirs to work on too.
    told = case_staff(agency.pk) if agency is not None else [user] if user is not None else []
    code = agency.code if agency is not None else getattr(_member_agency(case, user), "code", "")  # type: ignore[arg-type]
    notify(
        told,
        NotificationKind.SHARED,
        case=case,
        data={"number": case.number, "agency": code},
        link=reverse("cases:detail", args=[case.pk]),
    )
    return member


def ever_seen(user: User | None, agency: Agency | None) -> frozenset[Section]:
    """The sections a team place could ever show: what the person's roles, or the roles held at
    the agency, may see at most (cases.access.ROLE_CEILING). Empty for an agency with nobody
    approved yet: then nothing is refused here, and each reader's role still caps what they see
    (cases.access.path_sections)."""
    if user is not None:
        roles = {m.role for m in user.active_memberships()}
    else:
        roles = set(Membership.objects.in_force().filter(agency=agency).values_list("role", flat=True))
    return frozenset().union(*(ceiling(role) for role in roles))


def _team_removed(case: Case, member: TeamMember, *, actor: User, access: CaseAccess) -> None:
    name = member.agency.name if member.agency else member.user.get_username()  # type: ignore[union-attr]
    about = member.agency if member.agency else _member_agency(case, member.user)  # type: ignore[arg-type]
    add_event(
        case,
        actor=actor,
        kind=EventKind.TEAM_REMOVED,
        audience=Audience.PARTNER,
        about_agency=about,
        data={"name": name},
        access=access,
    )


def end_sharing_with(case: Case, agency: Agency, *, actor: User, access: CaseAccess) -> None:
    """Consent to share with ``agency`` was refused or withdrawn: its team places, its people's
    places and its referral grants on this case end now (called inside the consent's transaction,
    which holds the case's lock)."""
    now = timezone.now()
    affected = TeamMember.objects.filter(case=case, removed_at__isnull=True).filter(
        Q(agency=agency) | Q(user__memberships__agency=agency, user__memberships__is_active=True)
    )
    ids = set(affected.values_list("pk", flat=True))
    for member in (
        TeamMember.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("agency", "user")
    ):
        member.removed_at, member.removed_by = now, actor
        member.save(update_fields=["removed_at", "removed_by"])
        _team_removed(case, member, actor=actor, access=access)
        record(actor, Action.UPDATE, [Item.on(access, "team_member", member.pk, case.pk)], via=["consent"])
    for grant in ReferralGrant.objects.active(now).select_for_update().filter(case=case, agency=agency):
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
        record(actor, Action.UPDATE, [Item.on(access, "referral_grant", grant.pk, case.pk)], via=["consent"])


@transaction.atomic
def do_remove_team_member(member: TeamMember, *, actor: User) -> TeamMember:
    case = lock_case(member.case)
    access = case_access(actor, case)
    if not access.can_manage:
        raise NotAllowed(_("Only the lead agency's case staff can change the case team."))
    member = TeamMember.objects.select_for_update(of=("self",)).select_related("agency", "user").get(pk=member.pk)
    if member.removed_at is not None:
        raise Conflict(_("Already removed from the case team."))
    member.removed_at = timezone.now()
    member.removed_by = actor
    member.save(update_fields=["removed_at", "removed_by"])
    _team_removed(case, member, actor=actor, access=access)
    record(actor, Action.UPDATE, [Item.on(access, "team_member", member.pk, case.pk)])
    return member


MIN_REASON = 20


def can_break_glass(user: User) -> bool:
    return any(default_sections(m.role) for m in user.active_memberships())


@dataclass(frozen=True)
class _LimitReached:
    used: int


def do_break_glass(case_number: str, *, actor: User, reason: str) -> BreakGlass | None:
    """Emergency access to a case the user does not otherwise reach. The attempt is audited
    whether or not the number exists, and when it is refused for the daily limit; None means no
    case has that number."""
    result = _break_glass(case_number, actor=actor, reason=reason)
    if isinstance(result, _LimitReached):
        # Raised after the attempt's transaction has recorded the refusal, so the record stays.
        raise NotAllowed(
            _(
                "You have used emergency access %(n)d times in the last 24 hours. "
                "Ask the lead agency for access, or your privacy officer."
            )
            % {"n": result.used}
        )
    return result


@transaction.atomic
def _break_glass(case_number: str, *, actor: User, reason: str) -> BreakGlass | _LimitReached | None:
    if not can_break_glass(actor):
        raise NotAllowed(_("Your role does not allow emergency access to case content."))
    reason = (reason or "").strip()
    number = (case_number or "").strip().upper()
    if not number or len(number) > 32:
        raise ValidationError({"case_number": _("Enter a case number, e.g. AHTJP-2026-000123.")})
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {"reason": _("Explain in at least %(n)d characters why you need access now.") % {"n": MIN_REASON}}
        )
    if len(reason) > 1000:
        raise ValidationError({"reason": _("At most 1000 characters.")})
    # A limit per day, counting attempts on unknown numbers too: emergencies are rare, and
    # trying number after number is how an insider would go looking. The user's row lock makes
    # the count and the attempt one step: a second attempt waits until this one has committed.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    since = timezone.now() - datetime.timedelta(hours=24)
    used = AuditEvent.objects.filter(actor=actor, action=Action.BREAK_GLASS, at__gte=since).count()
    if used >= settings.BREAK_GLASS_PER_DAY:
        # Refused, and recorded all the same: going on past the limit is when someone is looking.
        record(
            actor,
            Action.BREAK_GLASS,
            [Item("case_number", number)],
            via=["break_glass"],
            reason=f"refused (daily limit): {reason}"[:1000],
        )
        return _LimitReached(used)
    # The one read of a case outside visible_to(): the user asks for access they do not have.
    case = Case.objects.filter(number=number).first()
    if case is None:
        record(actor, Action.BREAK_GLASS, [Item("case_number", number)], via=["break_glass"], reason=reason)
        return None
    case = lock_case(case)  # the ways in are rebuilt under the case's lock: user, then case
    current = case_access(actor, case)
    if current.reaches and not current.header_only:
        raise Conflict(_("You already have access to this case."))
    now = timezone.now()
    glass = BreakGlass.objects.create(
        case=case, user=actor, reason=reason, started_at=now, expires_at=now + settings.BREAK_GLASS_DURATION
    )
    access = case_access(actor, case)
    # Who broke the glass is for the lead agency's case staff and privacy officer only.
    add_event(
        case,
        actor=actor,
        kind=EventKind.BREAK_GLASS,
        audience=Audience.LEAD,
        data={"user": actor.get_username()},
        access=access,
    )
    record(actor, Action.BREAK_GLASS, [case_item(case, (), access)], reason=reason)
    notify(
        break_glass_reviewers(case, actor),
        NotificationKind.BREAK_GLASS,
        case=case,
        data={"number": case.number, "user": actor.get_username()},
        link=reverse("audit:break_glass_list"),
    )
    return glass


def break_glass_reviewers(case: Case, user: User) -> list[User]:
    """Who reviews ``user``'s emergency access to ``case``: the lead agency's privacy officers
    other than ``user``, or, where there are none, the platform's (``manage.py check`` warns of
    agencies with neither); the same people ``BreakGlass.objects.reviewable_by`` lets review it."""
    return privacy_officers(case.lead_agency, besides=[user.pk])


@transaction.atomic
def do_review_break_glass(glass: BreakGlass, *, actor: User, outcome: str, note: str) -> BreakGlass:
    if not BreakGlass.objects.reviewable_by(actor).filter(pk=glass.pk).exists():
        raise NotAllowed(_("Only the lead agency's privacy officer reviews emergency access."))
    lock_case(glass.case)  # ending the access rebuilds the case's ways in, under its lock
    glass = BreakGlass.objects.select_for_update().get(pk=glass.pk)
    if glass.user_id == actor.pk:
        raise NotAllowed(_("Another privacy officer must review your own emergency access."))
    if glass.reviewed_at is not None:
        raise Conflict(_("This emergency access has already been reviewed."))
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if len(note or "") > 1000:
        raise ValidationError({"review_note": _("At most 1000 characters.")})
    glass.reviewed_at = timezone.now()
    glass.reviewed_by = actor
    glass.outcome = outcome
    glass.review_note = note or ""
    if outcome == ReviewOutcome.NOT_JUSTIFIED and glass.expires_at > glass.reviewed_at:
        glass.expires_at = glass.reviewed_at  # access judged unjustified ends now
    glass.save()
    record(actor, Action.REVIEW, [Item("break_glass", str(glass.pk), glass.case_id)])
    return glass


def read_case(actor: User, case: Case, access: CaseAccess, action: str = Action.VIEW) -> None:
    """Audit a read of a case and the sections shown."""
    record(actor, action, [case_item(case, access.sections, access)])


def _contact_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {"reason": _("Explain in at least %(n)d characters why you need to be contacted.") % {"n": MIN_REASON}}
        )
    if len(reason) > 1000:
        raise ValidationError({"reason": _("At most 1000 characters.")})
    return reason


def do_request_contact(*, actor: User, agency: Agency, identity: dict[str, Any], reason: str) -> uuid.UUID:
    """At intake, where the survivor strongly matches records the user may not see: ask those
    cases' lead agencies to get in touch. The user learns only that the request was sent; the
    lead agency's case staff decide whether to answer. Limited per day like emergency access."""
    result = _request_contact(actor=actor, agency=agency, identity=identity, reason=reason)
    if isinstance(result, _LimitReached):
        raise NotAllowed(
            _("You have sent %(n)d contact requests in the last 24 hours. Ask your privacy officer.")
            % {"n": result.used}
        )
    return result


@transaction.atomic
def _request_contact(
    *, actor: User, agency: Agency, identity: dict[str, Any], reason: str
) -> uuid.UUID | _LimitReached:
    from casebridge.people.actions import matches_elsewhere

    if agency not in intake_agencies(actor):
        raise NotAllowed(_("Your role does not allow opening cases for %(agency)s.") % {"agency": agency.name})
    reason = _contact_reason(reason)
    User.objects.select_for_update().filter(pk=actor.pk).first()
    since = timezone.now() - datetime.timedelta(hours=24)
    # Counted per sending (one request may reach several cases: that number is not the user's).
    used = ContactRequest.objects.filter(requester=actor, created_at__gte=since).values("group").distinct().count()
    if used >= settings.CONTACT_REQUESTS_PER_DAY:
        record(actor, Action.CONTACT_REQUEST, [Item("contact_request", "")], reason=f"refused (daily limit): {reason}")
        return _LimitReached(used)
    cases = matches_elsewhere(actor, identity)
    if cases is None:
        raise NotAllowed(_("Records elsewhere cannot be checked for you until tomorrow (daily limit)."))
    if not cases:
        raise ValidationError({"reason": _("No record elsewhere matches these details: there is nobody to ask.")})
    group = uuid.uuid4()
    for case in cases:
        ContactRequest.objects.create(group=group, case=case, requester=actor, requester_agency=agency, reason=reason)
        # On the case for its lead agency only: who asks, from where, is theirs to know.
        add_event(
            case, actor=actor, kind=EventKind.CONTACT_REQUESTED, audience=Audience.LEAD, data={"agency": agency.name}
        )
        notify(
            case_staff(case.lead_agency_id),
            NotificationKind.CONTACT_REQUEST,
            case=case,
            data={"agency": agency.name, "number": case.number},
            link=reverse("cases:contact_requests"),
        )
    record(actor, Action.CONTACT_REQUEST, [Item("case", str(c.pk), c.pk) for c in cases], reason=reason)
    return group


@transaction.atomic
def do_answer_contact(request: ContactRequest, *, actor: User, answer: str, note: str) -> ContactRequest:
    """The lead agency's case staff answer a contact request: they will get in touch with the
    requester (whose name and agency they see), or decline. The requester is told the answer,
    never the agency or case."""
    from casebridge.cases.contacts import group_status

    request = ContactRequest.objects.select_for_update().select_related("case", "requester_agency").get(pk=request.pk)
    siblings = ContactRequest.objects.filter(group=request.group).exclude(pk=request.pk)
    before = group_status([request.answer, *siblings.values_list("answer", flat=True)])
    if not case_access(actor, request.case).can_manage:
        raise NotAllowed(_("Only the lead agency's case staff answer contact requests."))
    if request.answered_at is not None:
        raise Conflict(_("This contact request has already been answered."))
    if answer not in ContactAnswer.values:
        raise ValidationError({"answer": _("Choose an answer.")})
    if len(note or "") > 1000:
        raise ValidationError({"note": _("At most 1000 characters.")})
    request.answer, request.answer_note = answer, (note or "").strip()
    request.answered_by, request.answered_at = actor, timezone.now()
    request.save()
    add_event(
        request.case, actor=actor, kind=EventKind.CONTACT_ANSWERED, audience=Audience.LEAD, data={"answer": answer}
    )
    record(actor, Action.UPDATE, [Item("contact_request", str(request.pk), request.case_id)])
    # The requester is told once, when what they may know changes (not once per case asked).
    after = group_status([answer, *siblings.values_list("answer", flat=True)])
    if after != before:
        notify(
            [request.requester],
            NotificationKind.CONTACT_ANSWERED,
            data={"answer": after, "day": request.created_at.date().isoformat()},
            link=reverse("cases:contact_requests"),
        )
    return request
