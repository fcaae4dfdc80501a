"""Who reaches the legal compartment: the lawyers of a proceeding's lead legal agency, and a
lawyer explicitly granted one proceeding. Nobody else, whatever else they may see: care roles,
clinics, police, managers, trainers, administrators and privacy officers get 404, as for a
proceeding that does not exist. A survivor's case learns only that a proceeding exists, by its
pseudonymous reference, for those who reach its legal section.

This is the compartment's access module: each model's ``visible_to`` is built from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from casebridge.agencies.models import Role
from casebridge.lib.records import get_visible as get_visible

if TYPE_CHECKING:
    from casebridge.accounts.models import User

LEGAL_ROLES = frozenset({Role.LAWYER})


def legal_agencies(user: User) -> set[int]:
    """The agencies whose proceedings the user's lawyer memberships reach."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return {m.agency_id for m in user.active_memberships() if m.role in LEGAL_ROLES}


def practises(user: User) -> bool:
    return bool(legal_agencies(user))


def proceeding_q(user: User, field: str = "pk") -> Q:
    """A filter on Proceeding (``field="pk"``) or on a model with a proceeding: those of the
    user's legal agencies, and those granted to the user (a lawyer of another agency) in force."""
    from casebridge.legal.models import Counsel

    if not practises(user):
        return Q(pk__in=[])
    granted = Counsel.objects.in_force().filter(user_id=user.pk)
    prefix = "" if field == "pk" else f"{field}__"
    return Q(**{f"{prefix}lead_agency_id__in": legal_agencies(user)}) | Q(
        **{f"{field}__in" if field == "pk" else f"{field}_id__in": granted.values("proceeding_id")}
    )
