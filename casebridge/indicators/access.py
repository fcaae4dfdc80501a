"""Who reads the indicators: programme managers (M&E), of any agency. They see aggregates
only, with no cell under 11 (:mod:`.disclosure`), never a record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from casebridge.agencies.models import Role

if TYPE_CHECKING:
    from casebridge.accounts.models import User


def reads_indicators(user: User) -> bool:
    return any(m.role == Role.PROGRAMME_MANAGER for m in user.active_memberships())
