"""What is due for a user: the registry the home page reads and every capability adds to.

A capability registers one function that returns the signed-in user's due items (a crisis-care
shift without cover, a hearing next week, a care-plan review). Each provider reads through its
own ``visible_to`` scopes, so an item is never one the user may not see. The home page lists the
items soonest first and the header counts them.

    from casebridge.notifications.due import DueItem, register

    @register
    def hearings(user): return [DueItem(...), ...]
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casebridge.accounts.models import User


@dataclass(frozen=True)
class DueItem:
    """One thing the user should do: what, where to do it, and by when (None: as soon as possible)."""

    title: str
    link: str
    due_on: datetime.date | None = None
    case_number: str = ""


Provider = Callable[["User"], list[DueItem]]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def due_for(user: User) -> list[DueItem]:
    """Every provider's items for ``user``, soonest first (undated ones first of all)."""
    items = [item for provider in PROVIDERS for item in provider(user)]
    return sorted(items, key=lambda item: (item.due_on is not None, item.due_on or datetime.date.min, item.title))
