"""Referrals: each move checked against the state machine (``models.TRANSITIONS``) and who may
make it, in one transaction, with its step, its audit event, an entry on her timeline for the
lead agency's case staff and that partner, and a notification to the other side. Sending needs
her consent to share with the partner and creates the grant of the sections shared; every
ending ends the grant at once."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import CaseAccess, case_access
from casebridge.cases.actions import add_event, case_staff, lead_case_workers, lock_case
from casebridge.cases.models import Audience, EventKind, GrantKind, ReferralGrant
from casebridge.cases.sections import Section, from_mask, to_mask
from casebridge.lib.errors import Conflict, NotAllowed
from casebridge.restoration.models import (
    ENDED,
    TRANSITIONS,
    Placement,
    Referral,
    ReferralState,
    ReferralStep,
    Transfer,
    TransferState,
)

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency
    from casebridge.cases.models import Case

S = ReferralState
# Identity and whereabouts are never shared by a referral without being asked for; the medical
# section only to a partner that offers medical care.
SHAREABLE = frozenset(Section) - {Section.INVESTIGATION}


def _item(access: CaseAccess, referral: Referral) -> Item:
    return Item.on(access, "referral", referral.pk, referral.case_id)


def _lead(actor: User, case: Case) -> CaseAccess:
    access = case_access(actor, case)
    if not access.can_manage:
        raise NotAllowed(_("Referrals are made by the lead agency's case staff."))
    return access


def _partner_errors(case: Case, to_agency: Agency, services: list[str], sections: list[str]) -> dict[str, Any]:
    """What is wrong with referring her to ``to_agency`` for ``services`` with ``sections``
    (checked when drafted and again when sent: a partner may have changed in between)."""
    from casebridge.agencies.models import Service

    errors: dict[str, Any] = {}
    if not to_agency.is_active or to_agency.is_platform or to_agency.pk == case.lead_agency_id:
        errors["to_agency"] = _("Refer her to an active partner other than her lead agency.")
    wanted = [s for s in services if s in Service.values]
    if not wanted or len(wanted) != len(services):
        errors["services"] = _("Say what she is referred for (the partner's services).")
    elif not set(wanted) <= set(to_agency.services or []):
        errors["services"] = _("This partner does not offer all of these services.")
    if not sections or not set(sections) <= SHAREABLE:
        errors["sections"] = _("Choose the sections the partner needs.")
    elif Section.MEDICAL in sections and Service.MEDICAL not in (to_agency.services or []):
        errors["sections"] = _("The medical section goes only to a partner that offers medical care.")
    return errors


@transaction.atomic
def do_create_referral(
    case: Case, *, actor: User, to_agency: Agency, services: list[str], sections: list[str], note: str = ""
) -> Referral:
    """A draft: to whom, for what, with which sections of her case."""
    case = lock_case(case)
    access = _lead(actor, case)
    errors = _partner_errors(case, to_agency, services, sections)
    wanted = list(services)
    note = (note or "").strip()
    if len(note) > 2000:
        errors["note"] = _("At most %(count)s characters.") % {"count": 2000}
    if errors:
        raise ValidationError(errors)
    assert access.acting_agency_id is not None
    referral = Referral.objects.create(
        case=case,
        from_agency_id=access.acting_agency_id,
        to_agency=to_agency,
        services=wanted,
        sections=to_mask(sections),
        note=note or None,
        created_by=actor,
    )
    ReferralStep.objects.create(referral=referral, state=S.DRAFT, by=actor)
    record(actor, Action.CREATE, [_item(access, referral)])
    return referral


def _move(
    referral: Referral, to: str, *, actor: User | None, access: CaseAccess | None, note: str = "", tell: list[Any]
) -> Referral:
    if to not in TRANSITIONS.get(ReferralState(referral.state), set()):
        raise Conflict(
            _("A referral that is %(state)s cannot be %(to)s.")
            % {"state": ReferralState(referral.state).label.lower(), "to": ReferralState(to).label.lower()}
        )
    now = timezone.now()
    referral.state = to
    if to in ENDED and referral.grant_id is not None:
        grant = ReferralGrant.objects.select_for_update().get(pk=referral.grant_id)
        if grant.revoked_at is None:
            grant.revoked_at = now  # saved: her case's ways in are rebuilt from it (cases.signals)
            grant.save(update_fields=["revoked_at"])
    if to in (S.DECLINED, S.REVOKED):
        referral.reason = note or None
    referral.save()
    ReferralStep.objects.create(referral=referral, state=to, by=actor, note=note or None)
    # A draft never sent is nothing the partner should learn of, nor why it was dropped.
    was_sent = ReferralStep.objects.filter(referral=referral, state=S.SENT).exists()
    if actor is not None and access is not None and was_sent:
        # On her timeline, for her lead agency's case staff and that partner.
        add_event(
            referral.case,
            actor=actor,
            kind=EventKind.REFERRAL,
            audience=Audience.PARTNER,
            about_agency=referral.to_agency,
            body=note or None,
            data={"state": to},
            access=access,
        )
        record(actor, Action.UPDATE, [_item(access, referral)])
    from casebridge.notifications.actions import notify
    from casebridge.notifications.models import Kind

    notify(
        [person for person in tell if actor is None or person.pk != actor.pk],
        Kind.REFERRAL,
        data={"number": referral.case.number, "state": to},
        case=referral.case,
        link=reverse("cases:detail", args=[referral.case_id]),
    )
    return referral


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().select_related("case", "to_agency", "created_by").get(pk=referral.pk)


@transaction.atomic
def do_send(referral: Referral, *, actor: User) -> Referral:
    """Send it: her consent to share with the partner must be in force (else refused, with what
    to record); the partner gets the sections shared until it ends, at most the configured days."""
    from casebridge.consents.ledger import has_consent
    from casebridge.consents.models import Purpose

    referral = _locked(referral)
    case = lock_case(referral.case)
    access = _lead(actor, case)
    if not has_consent(case.survivor, Purpose.SHARING, referral.to_agency):
        raise ValidationError(
            {
                "consent": _(
                    "She has not consented to share her information with %(agency)s: record her consent "
                    "(Record a consent, on her case) and send it again."
                )
                % {"agency": referral.to_agency.local_name}
            }
        )
    errors = _partner_errors(case, referral.to_agency, referral.services, list(from_mask(referral.sections)))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if referral.state == S.DRAFT:
        referral.answer_by = now + datetime.timedelta(days=settings.REFERRAL_ANSWER_DAYS)
        # Until the answer is due; accepting extends it (do_accept).
        referral.grant = ReferralGrant.objects.create(
            case=case,
            agency=referral.to_agency,
            sections=referral.sections,
            granted_by=actor,
            starts_at=now,
            expires_at=referral.answer_by,
        )
        record(actor, Action.CREATE, [Item.on(access, "referral_grant", referral.grant.pk, case.pk)])
    from casebridge.restoration.tasks import schedule_on_commit

    schedule_on_commit()
    return _move(referral, S.SENT, actor=actor, access=access, tell=case_staff(referral.to_agency_id))


def _receiver(referral: Referral, actor: User) -> CaseAccess:
    access = case_access(actor, referral.case)
    if referral.to_agency_id not in access.agency_ids or not access.can_write:
        raise NotAllowed(_("The partner it was sent to answers a referral."))
    if referral.state == S.SENT and referral.answer_by is not None and referral.answer_by <= timezone.now():
        raise Conflict(_("The time to answer this referral is over."))
    return access


@transaction.atomic
def do_accept(referral: Referral, *, actor: User, note: str = "") -> Referral:
    """The partner accepts. Beyond its places, only with the reason."""
    from casebridge.restoration.directory import occupancy

    referral = _locked(referral)
    access = _receiver(referral, actor)
    agency = referral.to_agency
    note = (note or "").strip()
    if agency.capacity is not None and occupancy([agency]).get(agency.pk, 0) >= agency.capacity and not note:
        raise ValidationError({"note": _("Your places are all taken: say why you accept her all the same.")})
    if referral.grant_id is not None:  # accepted: the sections stay readable while it serves her
        grant = ReferralGrant.objects.select_for_update().get(pk=referral.grant_id)
        grant.expires_at = timezone.now() + datetime.timedelta(days=settings.REFERRAL_GRANT_DAYS)
        grant.save(update_fields=["expires_at"])
    return _move(referral, S.ACCEPTED, actor=actor, access=access, note=note, tell=lead_case_workers(referral.case))


@transaction.atomic
def do_decline(referral: Referral, *, actor: User, reason: str) -> Referral:
    referral = _locked(referral)
    access = _receiver(referral, actor)
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise ValidationError({"reason": _("Say why you decline (at most 1000 characters).")})
    return _move(referral, S.DECLINED, actor=actor, access=access, note=reason, tell=lead_case_workers(referral.case))


@transaction.atomic
def do_complete(referral: Referral, *, actor: User) -> Referral:
    """The services were given: by either side; the partner's grant ends."""
    referral = _locked(referral)
    access = case_access(actor, referral.case)
    if not (access.can_manage or referral.to_agency_id in access.agency_ids) or not access.can_write:
        raise NotAllowed(_("A referral is completed by her lead agency's case staff or the partner."))
    tell = [*lead_case_workers(referral.case), *case_staff(referral.to_agency_id)]
    return _move(referral, S.COMPLETED, actor=actor, access=access, tell=tell)


@transaction.atomic
def do_revoke(referral: Referral, *, actor: User, reason: str = "") -> Referral:
    """The lead agency withdraws it, at any time before it ends; the partner's grant ends."""
    referral = _locked(referral)
    access = _lead(actor, referral.case)
    tell = case_staff(referral.to_agency_id) if referral.state != S.DRAFT else []
    return _move(referral, S.REVOKED, actor=actor, access=access, note=(reason or "").strip()[:1000], tell=tell)


def start_service(case: Case, agency_id: int, *, actor: User, access: CaseAccess) -> None:
    """The partner has begun to serve her (its first service recorded): its accepted referrals
    of her case are now in service."""
    waiting = Referral.objects.select_for_update().filter(case=case, to_agency_id=agency_id, state=S.ACCEPTED)
    for referral in waiting.select_related("case", "to_agency", "created_by"):
        _move(referral, S.IN_SERVICE, actor=actor, access=access, tell=lead_case_workers(referral.case))


def expire_due(now: datetime.datetime | None = None) -> int:
    """Referrals sent and handovers proposed and not answered in time expire, their grants ended;
    returns how many."""
    now = now or timezone.now()
    count = 0
    late = Transfer.objects.filter(state=TransferState.PROPOSED, grant__expires_at__lte=now)
    for pk in late.values_list("pk", flat=True):
        with transaction.atomic():
            transfer = Transfer.objects.select_for_update().select_related("case").get(pk=pk)
            if transfer.state != TransferState.PROPOSED:
                continue
            transfer.state, transfer.answered_at = TransferState.EXPIRED, now
            transfer.save(update_fields=["state", "answered_at"])
            _end_grant(transfer)
            expired = Item("transfer", str(transfer.pk), transfer.case_id, via=("system",))
            record(None, Action.UPDATE, [expired], reason="expired without an answer")
            _tell_transfer(transfer, [transfer.proposed_by], None)
            count += 1
    for pk in Referral.objects.filter(state=S.SENT, answer_by__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            referral = _locked(Referral(pk=pk))
            if referral.state != S.SENT:
                continue
            tell = [*lead_case_workers(referral.case), *case_staff(referral.to_agency_id)]
            _move(referral, S.EXPIRED, actor=None, access=None, tell=tell)
            # By the system, not a person: the audit says so, and why.
            expired = Item("referral", str(referral.pk), referral.case_id, via=("system",))
            record(None, Action.UPDATE, [expired], reason="expired without an answer")
            count += 1
    return count


def shared_sections(referral: Referral) -> list[Section]:
    return [s for s in Section if s in from_mask(referral.sections)]


# Handing her case over ---------------------------------------------------------------------------

# What the receiving agency reads (and only reads) while it decides whether to take her case.
TRANSFER_SECTIONS = (Section.IDENTITY, Section.CARE_PLAN)
# Who may lead her case: an NGO or a government office, never the police, a clinic or a law firm;
# and who there takes it: a role that works on her care plan and where she lives.
LEADS = frozenset({"NGO", "CentralGovernmentOrganisation", "LocalGovernmentOrganisation"})


def takes_over(role: str) -> bool:
    from casebridge.cases.access import default_sections

    return {Section.CARE_PLAN, Section.WHEREABOUTS} <= default_sections(role)


def _case_takers(agency_id: int) -> list[User]:
    from casebridge.agencies.models import Membership

    found = Membership.objects.in_force().filter(agency_id=agency_id)
    return [m.user for m in found.select_related("user") if takes_over(m.role)]


def _tell_transfer(transfer: Transfer, people: list[Any], actor: User | None) -> None:
    from casebridge.notifications.actions import notify
    from casebridge.notifications.models import Kind

    notify(
        [person for person in people if actor is None or person.pk != actor.pk],
        Kind.TRANSFER,
        data={"number": transfer.case.number, "state": transfer.state},
        case=transfer.case,
        link=reverse("cases:detail", args=[transfer.case_id]),
    )


@transaction.atomic
def do_propose_transfer(
    case: Case,
    *,
    actor: User,
    to_agency: Agency,
    reason: str,
    keep_sections: list[str] | None = None,
    keep_days: int = 90,
) -> Transfer:
    """Her lead agency proposes to hand her case to ``to_agency``, with her consent to share with
    it; until it answers (within the referral answer time), that agency reads her identity and
    care plan. ``keep_sections``: what the old lead keeps reading afterwards, for ``keep_days``."""
    from casebridge.consents.ledger import has_consent
    from casebridge.consents.models import Purpose

    case = lock_case(case)
    access = case_access(actor, case)
    if not access.can_manage:
        raise NotAllowed(_("A case is handed over by its lead agency's case staff."))
    if Transfer.objects.filter(case=case, state=TransferState.PROPOSED).exists():
        raise Conflict(_("A handover of this case is already proposed."))
    errors: dict[str, Any] = {}
    if not to_agency.is_active or to_agency.is_platform or to_agency.pk == case.lead_agency_id:
        errors["to_agency"] = _("Choose an active agency other than her lead agency.")
    elif to_agency.org_type not in LEADS:
        errors["to_agency"] = _("Her case is led by an NGO or a government office, not by this kind of agency.")
    elif not _case_takers(to_agency.pk):
        errors["to_agency"] = _("This agency has no social worker or caseworker to take her case.")
    why = (reason or "").strip()
    if not why or len(why) > 1000:
        errors["reason"] = _("Say why her case is handed over (at most 1000 characters).")
    kept = list(keep_sections or [])
    if not set(kept) <= SHAREABLE:
        errors["keep_sections"] = _("Choose among the sections of her case.")
    if not 1 <= keep_days <= 366:
        errors["keep_days"] = _("From 1 to 366 days.")
    if not errors and not has_consent(case.survivor, Purpose.SHARING, to_agency):
        errors["consent"] = _(
            "She has not consented to share her information with %(agency)s: record her consent "
            "(Record a consent, on her case) and propose it again."
        ) % {"agency": to_agency.local_name}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    grant = ReferralGrant.objects.create(
        case=case,
        agency=to_agency,
        sections=to_mask(TRANSFER_SECTIONS),
        kind=GrantKind.PREVIEW,
        granted_by=actor,
        starts_at=now,
        expires_at=now + datetime.timedelta(days=settings.REFERRAL_ANSWER_DAYS),
    )
    assert access.acting_agency_id is not None
    transfer = Transfer.objects.create(
        case=case,
        from_agency_id=access.acting_agency_id,
        to_agency=to_agency,
        reason=why,
        keep_sections=to_mask(kept),
        keep_days=keep_days,
        grant=grant,
        proposed_by=actor,
    )
    record(
        actor,
        Action.CREATE,
        [Item.on(access, "transfer", transfer.pk, case.pk), Item.on(access, "referral_grant", grant.pk, case.pk)],
    )
    _tell_transfer(transfer, _case_takers(to_agency.pk), actor)
    from casebridge.restoration.tasks import schedule_on_commit

    schedule_on_commit()  # the answer time is checked with the referrals'
    return transfer


def _proposed(transfer: Transfer) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update().select_related("case", "to_agency", "proposed_by").get(pk=transfer.pk)
    )
    if transfer.state != TransferState.PROPOSED:
        raise Conflict(_("This handover has already been answered."))
    return transfer


def _end_grant(transfer: Transfer) -> None:
    if transfer.grant_id is not None:
        grant = ReferralGrant.objects.select_for_update().get(pk=transfer.grant_id)
        if grant.revoked_at is None:
            grant.revoked_at = timezone.now()  # saved: her ways in are rebuilt (cases.signals)
            grant.save(update_fields=["revoked_at"])


def _answer(transfer: Transfer, actor: User) -> CaseAccess:
    """The receiving agency's social workers and caseworkers answer, while the time to answer
    lasts (its read-only grant is in force)."""
    lock_case(transfer.case)
    access = case_access(actor, transfer.case)
    takers = {m.agency_id for m in actor.active_memberships() if takes_over(m.role)}
    if transfer.to_agency_id not in takers:
        raise NotAllowed(_("The agency it is handed to answers, by one of its social workers or caseworkers."))
    grant = transfer.grant
    if grant is None or grant.revoked_at is not None or (grant.expires_at and grant.expires_at <= timezone.now()):
        raise Conflict(_("The time to answer this handover is over."))
    return access


@transaction.atomic
def do_accept_transfer(transfer: Transfer, *, actor: User, note: str = "") -> Transfer:
    """The receiving agency takes her case: it becomes the lead, with the actor as her case
    worker; the old lead keeps only the sections it chose, for the days it chose."""
    from casebridge.cases.actions import change_lead
    from casebridge.consents.ledger import has_consent
    from casebridge.consents.models import Purpose

    transfer = _proposed(transfer)
    _answer(transfer, actor)
    if not has_consent(transfer.case.survivor, Purpose.SHARING, transfer.to_agency):
        raise Conflict(
            _("Her consent to share with your agency is no longer in force: her case cannot be handed over.")
        )
    _end_grant(transfer)
    case = change_lead(transfer.case, actor=actor, agency=transfer.to_agency, owner=actor)
    now = timezone.now()
    if transfer.keep_sections:
        ReferralGrant.objects.create(
            case=case,
            agency_id=transfer.from_agency_id,
            sections=transfer.keep_sections,
            kind=GrantKind.FORMER_LEAD,  # never more than its members' roles had as lead
            granted_by=actor,
            starts_at=now,
            expires_at=now + datetime.timedelta(days=transfer.keep_days),
        )
    transfer.state, transfer.answered_by, transfer.answered_at = TransferState.ACCEPTED, actor, now
    transfer.answer = (note or "").strip()[:1000] or None
    transfer.save()
    record(actor, Action.UPDATE, [Item.on(case_access(actor, case), "transfer", transfer.pk, case.pk)])
    _tell_transfer(transfer, case_staff(transfer.from_agency_id), actor)
    return transfer


@transaction.atomic
def do_decline_transfer(transfer: Transfer, *, actor: User, reason: str) -> Transfer:
    transfer = _proposed(transfer)
    access = _answer(transfer, actor)
    why = (reason or "").strip()
    if not why or len(why) > 1000:
        raise ValidationError({"reason": _("Say why you decline (at most 1000 characters).")})
    _end_grant(transfer)
    transfer.state, transfer.answered_by, transfer.answered_at = TransferState.DECLINED, actor, timezone.now()
    transfer.answer = why
    transfer.save()
    record(actor, Action.UPDATE, [Item.on(access, "transfer", transfer.pk, transfer.case_id)])
    _tell_transfer(transfer, [transfer.proposed_by], actor)
    return transfer


@transaction.atomic
def do_withdraw_transfer(transfer: Transfer, *, actor: User, reason: str = "") -> Transfer:
    transfer = _proposed(transfer)
    access = case_access(actor, lock_case(transfer.case))
    if not access.can_manage:
        raise NotAllowed(_("A handover is withdrawn by her lead agency's case staff."))
    _end_grant(transfer)
    transfer.state, transfer.answered_by, transfer.answered_at = TransferState.WITHDRAWN, actor, timezone.now()
    transfer.answer = (reason or "").strip()[:1000] or None
    transfer.save()
    record(actor, Action.UPDATE, [Item.on(access, "transfer", transfer.pk, transfer.case_id)])
    _tell_transfer(transfer, case_staff(transfer.to_agency_id), actor)
    return transfer


# Where she lives -------------------------------------------------------------------------------


@transaction.atomic
def do_move(
    case: Case,
    *,
    actor: User,
    at: datetime.datetime,
    reason: str,
    agency: Agency | None = None,
    place: str = "",
) -> Placement | None:
    """She moves: her current placement ends at ``at`` and, with ``agency`` (a partner that takes
    survivors in), a new one begins, each move with its reason; without, she leaves care (home,
    or on her own). Decided by her lead agency's case staff, who reach her whereabouts."""
    from casebridge.crisis.actions import takes_in
    from casebridge.restoration.directory import occupancy

    case = lock_case(case)
    access = case_access(actor, case)
    if not (access.can_manage and access.can_write_in(Section.WHEREABOUTS)):
        raise NotAllowed(_("Where she lives is decided by her lead agency's case staff."))
    current = Placement.objects.visible_to(actor).current().select_for_update().filter(case=case).first()
    errors: dict[str, Any] = {}
    why = (reason or "").strip()
    if not why or len(why) > 1000:
        errors["reason"] = _("Say why she moves (at most 1000 characters).")
    if at > timezone.now() + datetime.timedelta(minutes=5):
        errors["at"] = _("The date cannot be in the future.")
    elif current is not None and at < current.started_at:
        errors["at"] = _("Not before her current placement began.")
    if agency is None and current is None:
        errors["agency"] = _("She has no current placement: say where she goes.")
    elif agency is not None and not (agency.is_active and takes_in(agency)):
        errors["agency"] = _("Choose a partner that takes survivors in (an assessment centre or a shelter).")
    elif agency is not None and current is not None and agency.pk == current.agency_id:
        errors["agency"] = _("She already lives there.")
    elif (
        agency is not None and agency.capacity is not None and occupancy([agency]).get(agency.pk, 0) >= agency.capacity
    ):
        errors["agency"] = _("This partner's places are all taken.")
    where = (place or "").strip()
    if len(where) > 500:
        errors["place"] = _("At most %(count)s characters.") % {"count": 500}
    if errors:
        raise ValidationError(errors)
    if current is not None:
        current.ended_at = at
        current.save(update_fields=["ended_at"])
        record(actor, Action.UPDATE, [Item.on(access, "placement", current.pk, case.pk, [Section.WHEREABOUTS])])
    placement = None
    if agency is not None:
        placement = Placement.objects.create(
            case=case, agency=agency, place=where or None, started_at=at, reason=why, decided_by=actor
        )
        record(actor, Action.CREATE, [Item.on(access, "placement", placement.pk, case.pk, [Section.WHEREABOUTS])])
    about = agency or (current.agency if current is not None else None)
    add_event(
        case,
        actor=actor,
        kind=EventKind.PLACED if agency is not None else EventKind.LEFT_CARE,
        section=Section.WHEREABOUTS,
        audience=Audience.PARTNER,  # which partner serves her: the lead's case staff and that partner
        about_agency=about,
        body=why,
        occurred_at=at,
        access=access,
    )
    return placement
