"""Who reaches a prevalence study: the owning agency's research leads (programme managers, who
design it, draw the sample and read the estimate) and its investigators (who visit). Nobody else,
whatever else they may see: the frame is a list of places where children may be sold."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.http import Http404

from casebridge.agencies.models import Role

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.prevalence.models import Study

LEAD_ROLES = frozenset({Role.PROGRAMME_MANAGER})
FIELD_ROLES = frozenset({Role.NGO_INVESTIGATOR, Role.POLICE_INVESTIGATOR})


def _agencies(user: User, roles: frozenset[str]) -> set[int]:
    return {m.agency_id for m in user.active_memberships() if m.role in roles}


def study_agencies(user: User) -> set[int]:
    """The agencies whose studies the user reaches."""
    return _agencies(user, LEAD_ROLES | FIELD_ROLES)


def lead_agencies(user: User) -> set[int]:
    """The agencies for which the user may open and design studies."""
    return _agencies(user, LEAD_ROLES)


def can_design(user: User, study: Study) -> bool:
    return study.agency_id in lead_agencies(user)


def can_visit(user: User, study: Study) -> bool:
    return study.agency_id in study_agencies(user)


def get_study(user: User, study_id: UUID | str) -> Study:
    """The study, if the user reaches it; 404 whether it is missing or out of reach."""
    from casebridge.prevalence.models import Study

    study = Study.objects.visible_to(user).filter(pk=study_id).select_related("agency").first()
    if study is None:
        raise Http404
    return study


def sees_whole_frame(user: User, study: Study) -> bool:
    """Research leads see every establishment's name; investigators only those in the drawn
    sample, the places they are to visit."""
    return can_design(user, study)


def study_people(study: Study) -> Any:
    """The accounts that may record a study's visits: its agency's investigators and leads."""
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Membership

    members = Membership.objects.in_force().filter(agency_id=study.agency_id, role__in=sorted(LEAD_ROLES | FIELD_ROLES))
    return User.objects.filter(pk__in=members.values("user_id")).order_by("username")
