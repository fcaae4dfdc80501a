"""Who reaches a training event: the organising agency's trainers (who record it) and programme
managers (who read it and its figures). Nobody else: 404."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.http import Http404

from casebridge.agencies.models import Role

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.training.models import TrainingEvent

RECORDING_ROLES = frozenset({Role.TRAINER})
READING_ROLES = frozenset({Role.TRAINER, Role.PROGRAMME_MANAGER})


def _agencies(user: User, roles: frozenset[str]) -> set[int]:
    return {m.agency_id for m in user.active_memberships() if m.role in roles}


def training_agencies(user: User) -> set[int]:
    return _agencies(user, READING_ROLES)


def trainer_agencies(user: User) -> set[int]:
    return _agencies(user, RECORDING_ROLES)


def can_record(user: User, event: TrainingEvent) -> bool:
    return event.agency_id in trainer_agencies(user)


def get_event(user: User, event_id: UUID | str) -> TrainingEvent:
    from casebridge.training.models import TrainingEvent

    event = TrainingEvent.objects.visible_to(user).filter(pk=event_id).select_related("agency").first()
    if event is None:
        raise Http404
    return event
