"""Who works in crisis care: reading an episode is reaching its case's crisis-care section
(``Episode.objects.visible_to``); the pages are offered to the roles whose own sections include it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from casebridge.cases.access import ceiling
from casebridge.cases.sections import Section

if TYPE_CHECKING:
    from casebridge.accounts.models import User


def works_in_crisis_care(user: User) -> bool:
    """Whether the user's roles may reach a case's crisis care at all (by its lead, a team place
    or a referral): the board is theirs, empty or not."""
    return any(Section.CRISIS_CARE in ceiling(m.role) for m in user.active_memberships())
