"""Restoration: where a survivor lives after crisis care, and (to come) the partners, referrals
and care plans that restore her. A placement is her whereabouts: only those who reach that
section ever see where she is."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casebridge.lib.fields import EncryptedTextField

if TYPE_CHECKING:
    from casebridge.accounts.models import User


class PlacementQuerySet(models.QuerySet["Placement"]):
    def visible_to(self, user: User) -> PlacementQuerySet:
        """Placements of the cases where the user reaches the whereabouts section."""
        from casebridge.cases.access import case_q
        from casebridge.cases.sections import Section

        return self.filter(case_q(user, Section.WHEREABOUTS, outer="case_id"))

    def current(self) -> PlacementQuerySet:
        return self.filter(ended_at__isnull=True)


class Placement(models.Model):
    """She lives with ``agency`` (a partner: assessment centre, shelter) from ``started_at``,
    until ``ended_at``; why she was placed there; what was suggested and, when the decision
    differs, why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+", verbose_name=_("placed with"))
    place = EncryptedTextField(_("place"), max_length=500, blank=True, null=True)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    reason = EncryptedTextField(_("reason"), max_length=1000, blank=True, null=True)
    # The first placement is decided at the end of crisis care, with a suggestion from the rules.
    episode = models.OneToOneField("crisis.Episode", models.PROTECT, related_name="placement", null=True, blank=True)
    rules = models.JSONField(default=list, blank=True)  # the rules that fired: [{"id", "name"}]
    suggested = models.JSONField(default=list, blank=True)  # the agencies suggested (codes)
    override_reason = EncryptedTextField(_("why not a suggested partner"), max_length=1000, blank=True, null=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True), name="one_current_placement")
        ]
