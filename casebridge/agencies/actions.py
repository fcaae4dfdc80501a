"""Memberships change hands through these functions: an administrator sets one up, a privacy
officer approves it (for a role that reaches case data), and the agency's privacy officers are
told of every membership created, changed or ended and of every change of e-mail address."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casebridge.agencies.models import (
    Agency,
    Membership,
    MembershipQuerySet,
    Role,
    platform_privacy_officers,
    privacy_officers,
)
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.lib.errors import Conflict, NotAllowed
from casebridge.notifications.actions import notify
from casebridge.notifications.models import Kind

if TYPE_CHECKING:
    from casebridge.accounts.models import User

# A change to these fields of a membership that needs approval needs approval again.
APPROVAL_FIELDS = frozenset({"user", "agency", "role", "team", "is_active"})


def _in_force(user: User, role: str) -> MembershipQuerySet:
    return Membership.objects.in_force().filter(user=user, role=role)


def is_platform_administrator(user: User) -> bool:
    """Manages every agency: an administrator at the agency that operates the platform (or a
    superuser, made on the command line)."""
    return user.is_superuser or _in_force(user, Role.ADMINISTRATOR).filter(agency__is_platform=True).exists()


def administered_agencies(user: User) -> list[int] | None:
    """The agencies ``user`` may manage in the admin: their own as administrator, or every one
    (None) for a platform administrator."""
    if is_platform_administrator(user):
        return None
    return list(_in_force(user, Role.ADMINISTRATOR).values_list("agency_id", flat=True))


def manageable_users(user: User) -> Any:
    """The accounts ``user`` may change in the admin: for an agency's administrator, those whose
    active memberships are all at agencies they administer (accounts in no agency included, but
    never a superuser); for a platform administrator, every one."""
    from casebridge.accounts.models import User as Account

    agencies = administered_agencies(user)
    if agencies is None:
        return Account.objects.all()
    elsewhere = Membership.objects.filter(is_active=True).exclude(agency_id__in=agencies).values("user_id")
    return Account.objects.exclude(pk__in=elsewhere).exclude(is_superuser=True)


def _pending() -> MembershipQuerySet:
    return Membership.objects.filter(
        is_active=True, agency__is_active=True, approved_at__isnull=True, role__in=sorted(_roles_needing_approval())
    )


def _roles_needing_approval() -> frozenset[str]:
    from casebridge.agencies.models import APPROVED_ROLES

    return APPROVED_ROLES


def awaiting_approval(user: User) -> MembershipQuerySet:
    """Memberships waiting for ``user``'s approval: at agencies where they are privacy officer, or,
    for a platform privacy officer, at agencies with no privacy officer of their own; never their
    own, and never one they set up themselves."""
    officer_at = list(_in_force(user, Role.PRIVACY_OFFICER).values_list("agency_id", flat=True))
    wanted = Q(agency_id__in=officer_at)
    if _in_force(user, Role.PRIVACY_OFFICER).filter(agency__is_platform=True).exists():
        own_officer = (
            Membership.objects.in_force()
            .filter(agency_id=OuterRef("agency_id"), role=Role.PRIVACY_OFFICER)
            .exclude(user_id=OuterRef("user_id"))
            .exclude(user_id=OuterRef("changed_by_id"))
        )
        wanted |= Q(~Exists(own_officer))
    return (
        _pending()
        .filter(wanted)
        .exclude(user=user)
        .exclude(changed_by=user)
        .select_related("user", "agency", "changed_by")
        .order_by("created_at", "id")
    )


def _approvers(membership: Membership) -> list[User]:
    """Who may approve: the agency's privacy officers, or the platform's where none of the
    agency's own may (none, or only the member or whoever set it up)."""
    others = {membership.user_id, membership.changed_by_id}
    own = [officer for officer in privacy_officers(membership.agency) if officer.pk not in others]
    return own or [officer for officer in platform_privacy_officers() if officer.pk not in others]


def _facts(membership: Membership, actor: User, change: str) -> dict[str, str]:
    return {
        "user": membership.user.get_username(),
        "agency": membership.agency.code,
        "role": membership.role,
        "by": actor.get_username(),
        "change": change,
    }


@transaction.atomic
def membership_saved(membership: Membership, *, actor: User, created: bool, changed: Iterable[str]) -> None:
    """After an administrator saved ``membership``: a new or changed membership with a role that
    reaches case data waits for a privacy officer's approval; the agency's privacy officers hear
    of every change."""
    changed = set(changed)
    if not created and not changed:
        return
    membership.changed_by, membership.changed_at = actor, timezone.now()
    fields = ["changed_by", "changed_at"]
    if membership.needs_approval and (created or changed & APPROVAL_FIELDS) and membership.is_active:
        membership.approved_at = membership.approved_by = None
        fields += ["approved_at", "approved_by"]
    membership.save(update_fields=fields)
    change = "created" if created else ("ended" if "is_active" in changed and not membership.is_active else "changed")
    record(actor, Action.UPDATE, [Item("membership", str(membership.pk))], via=["admin"], reason=change)
    facts = _facts(membership, actor, change)
    link = reverse("audit:memberships")
    notify(privacy_officers(membership.agency), Kind.MEMBERSHIP_CHANGED, data=facts, link=link)
    if membership.pending:
        notify(_approvers(membership), Kind.MEMBERSHIP_PENDING, data=facts, link=link)


@transaction.atomic
def email_changed(user: User, *, actor: User, old: str) -> None:
    """Someone changed ``user``'s e-mail address: the privacy officers of their agencies are told,
    and so is the old address (the way an account is taken over is by changing where its mail goes)."""
    from django.core.mail import send_mail

    record(actor, Action.UPDATE, [Item("user", str(user.pk))], via=["admin"], reason="email changed")
    agencies = Agency.objects.filter(memberships__user=user, memberships__is_active=True).distinct()
    officers = {officer.pk: officer for agency in agencies for officer in privacy_officers(agency)}
    facts = {"user": user.get_username(), "by": actor.get_username()}
    notify(officers.values(), Kind.EMAIL_CHANGED, data=facts, link=reverse("audit:memberships"))
    if old:
        message = _("%(by)s changed the e-mail address of %(user)s.") % facts
        transaction.on_commit(lambda: send_mail("[casebridge] " + message, message, None, [old], fail_silently=True))


@transaction.atomic
def password_set_by_admin(user: User, *, actor: User) -> None:
    """An administrator set ``user``'s password: the privacy officers of their agencies are told,
    and so is the user (a new password they did not ask for means someone else may sign in)."""
    from django.core.mail import send_mail

    record(actor, Action.UPDATE, [Item("user", str(user.pk))], via=["admin"], reason="password set")
    agencies = Agency.objects.filter(memberships__user=user, memberships__is_active=True).distinct()
    officers = {officer.pk: officer for agency in agencies for officer in privacy_officers(agency)}
    facts = {"user": user.get_username(), "by": actor.get_username()}
    notify(officers.values(), Kind.PASSWORD_SET, data=facts, link=reverse("audit:memberships"))
    if user.email:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            message = _("%(by)s set a new password for your casebridge account %(user)s.") % facts
        transaction.on_commit(
            lambda: send_mail("[casebridge] " + message, message, None, [user.email], fail_silently=True)
        )


def _decide(membership: Membership, actor: User, seen: datetime.datetime | None) -> Membership:
    if not awaiting_approval(actor).filter(pk=membership.pk).exists():
        raise NotAllowed(
            _(
                "Only a privacy officer of the agency (or of the platform, where the agency has none) approves "
                "a membership, and never their own or one they set up."
            )
        )
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if not locked.pending:
        raise Conflict(_("This membership has already been decided."))
    if locked.changed_at != seen:
        # Approve what the officer saw, not what it has become since (a swapped person or role).
        raise Conflict(_("This membership was changed after you saw it. Look at it again before deciding."))
    return locked


@transaction.atomic
def do_approve_membership(membership: Membership, *, actor: User, seen: datetime.datetime | None) -> Membership:
    """Approve ``membership`` as the officer saw it (``seen``: its ``changed_at`` then)."""
    membership = _decide(membership, actor, seen)
    membership.approved_at, membership.approved_by = timezone.now(), actor
    membership.save(update_fields=["approved_at", "approved_by"])
    record(actor, Action.REVIEW, [Item("membership", str(membership.pk))], reason="approved")
    return membership


@transaction.atomic
def do_refuse_membership(membership: Membership, *, actor: User, seen: datetime.datetime | None) -> Membership:
    membership = _decide(membership, actor, seen)
    membership.is_active = False
    membership.changed_by, membership.changed_at = actor, timezone.now()
    membership.save(update_fields=["is_active", "changed_by", "changed_at"])
    record(actor, Action.REVIEW, [Item("membership", str(membership.pk))], reason="refused")
    return membership
