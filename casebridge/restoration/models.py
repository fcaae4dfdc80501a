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


class ReferralState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_SERVICE = "in_service", _("In service")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired without an answer")


# Where each state may go, and who moves it (restoration.actions).
TRANSITIONS = {
    ReferralState.DRAFT: {ReferralState.SENT, ReferralState.REVOKED},
    ReferralState.SENT: {ReferralState.ACCEPTED, ReferralState.DECLINED, ReferralState.REVOKED, ReferralState.EXPIRED},
    ReferralState.ACCEPTED: {ReferralState.IN_SERVICE, ReferralState.COMPLETED, ReferralState.REVOKED},
    ReferralState.IN_SERVICE: {ReferralState.COMPLETED, ReferralState.REVOKED},
}
ENDED = frozenset({ReferralState.DECLINED, ReferralState.COMPLETED, ReferralState.REVOKED, ReferralState.EXPIRED})


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User) -> ReferralQuerySet:
        """The referrals the user's agency made, of cases it leads (for its case staff and
        privacy officer), and those made to the user's agency while it reaches the case by them
        (sent and not ended): a declined, revoked or expired referral leaves the partner nothing."""
        from casebridge.cases.access import CASE_HEADER_ROLES, case_q, is_case_staff

        memberships = user.active_memberships()
        mine = [m.agency_id for m in memberships]
        # Who else serves her is the lead agency's case staff's (and privacy officer's) to know.
        lead = [m.agency_id for m in memberships if is_case_staff(m.role) or m.role in CASE_HEADER_ROLES]
        sent = Q(from_agency_id__in=lead, case__lead_agency_id__in=lead)
        waiting = Q(to_agency_id__in=mine) & ~Q(state__in=[ReferralState.DRAFT, *ENDED])
        return self.filter((sent | waiting) & case_q(user, outer="case_id"))


class Referral(models.Model):
    """A survivor referred by her lead agency to a partner, for services, with only the sections
    the partner needs: an explicit state machine (``TRANSITIONS``); sending creates the time-
    limited grant of those sections, and every ending ends it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    from_agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+", verbose_name=_("to"))
    services = models.JSONField(_("for"), default=list)
    sections = models.PositiveIntegerField(_("sections shared"))
    note = EncryptedTextField(_("note"), max_length=2000, blank=True, null=True)
    state = models.CharField(_("state"), max_length=12, choices=ReferralState.choices, default=ReferralState.DRAFT)
    reason = EncryptedTextField(_("reason"), max_length=1000, blank=True, null=True)  # of a decline or revoke
    answer_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    grant = models.OneToOneField("cases.ReferralGrant", models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at"]
        indexes = [models.Index(fields=["state", "answer_by"], name="referral_waiting")]


class ReferralStepQuerySet(models.QuerySet["ReferralStep"]):
    def visible_to(self, user: User) -> ReferralStepQuerySet:
        return self.filter(referral__in=Referral.objects.visible_to(user))


class ReferralStep(models.Model):
    """One move of a referral: to which state, when, by whom (None: by the system), and why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, models.PROTECT, related_name="steps")
    state = models.CharField(max_length=12, choices=ReferralState.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    note = EncryptedTextField(max_length=1000, blank=True, null=True)

    objects = ReferralStepQuerySet.as_manager()

    class Meta:
        ordering = ["at"]
