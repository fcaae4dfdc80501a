"""Panels a capability adds to the case page: a function of the reader, the case and the reader's
access that returns a panel (title and lines) or None. Each reads through its own scopes, so a
panel never shows what the reader may not see.

    from casebridge.cases.panels import Panel, register

    @register
    def court(user, case, access): return Panel(title, [line, ...]) or None
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.cases.access import CaseAccess
    from casebridge.cases.models import Case


@dataclass(frozen=True)
class Panel:
    title: str
    lines: list[str] = field(default_factory=list)
    warning: bool = False


Provider = Callable[["User", "Case", "CaseAccess"], Any]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def panels_for(user: User, case: Case, access: CaseAccess) -> list[Panel]:
    return [panel for provider in PROVIDERS if (panel := provider(user, case, access)) is not None]
