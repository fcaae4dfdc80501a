"""Who reaches the investigations compartment: the investigation roles (police and NGO
investigators) of a record's owning agency; for an operation, also those of its lead police unit
and participating agencies; and a user explicitly granted one subject or operation (a lawyer on a
linked proceeding). Nobody else, whatever else they may see: care roles, clinics, managers,
trainers, administrators and privacy officers get 404, as for a record that does not exist.

This is the compartment's access module: each model's ``visible_to`` is built from it, and the
few reads it makes across models (the people behind subjects, the cases a link may name) are
the compartment's doors, in the scoping lint's core."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from casebridge.agencies.models import Role
from casebridge.lib.records import get_visible as get_visible

if TYPE_CHECKING:
    from casebridge.accounts.models import User

INVESTIGATION_ROLES = frozenset({Role.POLICE_INVESTIGATOR, Role.NGO_INVESTIGATOR})


def investigating_agencies(user: User) -> set[int]:
    """The agencies whose investigation records the user reaches."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return {m.agency_id for m in user.active_memberships() if m.role in INVESTIGATION_ROLES}


def investigates(user: User) -> bool:
    return bool(investigating_agencies(user))


def granted_q(user: User, field: str) -> Q:
    """A filter on Subject or Operation (``field``): those granted to the user, in force now."""
    from casebridge.investigations.models import Grant

    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    now = timezone.now()
    grants = Grant.objects.filter(user_id=user.pk, revoked_at__isnull=True, **{f"{field}__isnull": False}).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    return Q(pk__in=grants.values(f"{field}_id"))


def acting_role(user: User, agency_id: int | None) -> str:
    """The role the user acts in for a record of ``agency_id`` (for the audit trail)."""
    roles = [m.role for m in user.active_memberships() if m.role in INVESTIGATION_ROLES]
    here = [m.role for m in user.active_memberships() if m.agency_id == agency_id and m.role in INVESTIGATION_ROLES]
    return (here or roles or [""])[0]


def subject_people(user: User) -> Any:
    """The people behind the subjects the user reaches: what the people search looks among."""
    from casebridge.investigations.models import Subject
    from casebridge.people.models import Person

    return Person.objects.filter(pk__in=Subject.objects.visible_to(user).values("person_id"))


def reachable_cases(user: User) -> Any:
    """The cases an investigator may link to and see in the network: those where the user
    reaches the case's investigation link section."""
    from casebridge.cases.models import Case
    from casebridge.cases.sections import Section

    return Case.objects.visible_to(user, Section.INVESTIGATION)
