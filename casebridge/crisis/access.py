"""Who works in crisis care: reading an episode is reaching its case's crisis-care section
(``Episode.objects.visible_to``); the pages are offered to the roles whose own sections include it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from casebridge.cases.access import default_sections
from casebridge.cases.sections import Section

if TYPE_CHECKING:
    from casebridge.accounts.models import User


def works_in_crisis_care(user: User) -> bool:
    return any(Section.CRISIS_CARE in default_sections(m.role) for m in user.active_memberships())
