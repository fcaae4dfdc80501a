"""People who sign in. What they may reach comes from their agency memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from casebridge.lib.compiled import Compiled, Slot

if TYPE_CHECKING:
    from casebridge.agencies.models import Membership


def _build_memberships(shape: None) -> QuerySet[Membership]:
    from casebridge.agencies.models import Membership

    rows = Membership.objects.filter(user_id=Slot("user", models.BigIntegerField()), is_active=True)
    return rows.filter(agency__is_active=True).select_related("agency")


# On every request: compiled once (lib.compiled).
_memberships: Compiled[Membership] = Compiled(_build_memberships)


class User(AbstractUser):
    """A person who signs in with a password and a second factor."""

    # The language of e-mails sent when the user is not at the screen (chosen in the header).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    # Times on pages and in e-mails; blank: the deployment's (settings.TIME_ZONE).
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # The languages the user speaks (ISO 639-2), for duty rosters that need a survivor's language.
    spoken_languages = models.JSONField(_("languages you speak"), default=list, blank=True)

    def active_memberships(self) -> list[Membership]:
        """This user's active memberships, loaded once per request-sized object."""
        cached: list[Membership] | None = getattr(self, "_active_memberships", None)
        if cached is None:
            # in_force(), decided here for the few rows a user has: a simpler query on every request.
            from casebridge.agencies.models import APPROVED_ROLES

            rows = _memberships(user=self.pk)
            cached = [m for m in rows if m.approved_at is not None or m.role not in APPROVED_ROLES]
            for membership in cached:
                membership.user = self
            self._active_memberships = cached
        return cached

    def primary_membership(self) -> Membership | None:
        memberships = self.active_memberships()
        return memberships[0] if memberships else None
