"""The consent ledger: per survivor and purpose, every decision with its history. The current
state is derived (the latest decision), never stored."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casebridge.lib.fields import EncryptedTextField

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.cases.access import CaseAccess
    from casebridge.cases.models import Case


class Purpose(models.TextChoices):
    SERVICES = "services", _("Receiving services")
    SHARING = "sharing", _("Sharing information with a named agency")
    TESTIMONY = "testimony", _("Taking part in the prosecution / testifying")
    RESEARCH = "research", _("Research")
    MEDIA = "media", _("Media")
    FAMILY_TRACING = "family_tracing", _("Family tracing")


class Decision(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GivenBy(models.TextChoices):
    SURVIVOR = "survivor", _("The survivor")
    GUARDIAN = "guardian", _("A parent or guardian")


class ConsentQuerySet(models.QuerySet["ConsentRecord"]):
    def visible_to(self, user: User) -> ConsentQuerySet:
        """Consent records the user may see (``cases.access.consent_q``)."""
        from casebridge.cases.access import consent_q

        return self.filter(consent_q(user))

    def on_case(self, case: Case, access: CaseAccess) -> ConsentQuerySet:
        """One case's records as ``access`` (``case_access(user, case)``) may see them."""
        from casebridge.cases.access import case_consent_q

        return self.filter(case_consent_q(case, access))


class ConsentRecord(models.Model):
    """One consent decision. Never edited: a change of mind is a new record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    shared_with = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency it may be shared with"),
    )
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    given_by = models.CharField(_("decided by"), max_length=12, choices=GivenBy.choices)
    child_assent = models.BooleanField(_("the child agrees (assent)"), null=True, blank=True)
    decided_on = models.DateField(_("date"))
    language = models.CharField(_("language of the explanation"), max_length=3)
    note = EncryptedTextField(_("note"), max_length=2000, blank=True, null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-recorded_at"]
        indexes = [models.Index(fields=["survivor", "purpose", "-decided_on"], name="consent_current")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose="sharing", shared_with__isnull=False)
                | (~models.Q(purpose="sharing") & models.Q(shared_with__isnull=True)),
                name="consent_sharing_names_agency",
            )
        ]
