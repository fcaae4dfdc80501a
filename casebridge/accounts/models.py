"""People who sign in. What they may reach comes from their agency memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser

if TYPE_CHECKING:
    from casebridge.agencies.models import Membership


class User(AbstractUser):
    """A person who signs in with a password and a second factor."""

    def active_memberships(self) -> list[Membership]:
        """This user's active memberships, loaded once per request-sized object."""
        cached: list[Membership] | None = getattr(self, "_active_memberships", None)
        if cached is None:
            cached = list(self.memberships.filter(is_active=True, agency__is_active=True).select_related("agency"))
            self._active_memberships = cached
        return cached

    def primary_membership(self) -> Membership | None:
        memberships = self.active_memberships()
        return memberships[0] if memberships else None
