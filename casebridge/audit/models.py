"""The audit trail: one event per read or write of case data, append-only and hash-chained."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.cases.models import BreakGlass


class Action(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Listed")
    SEARCH = "search", _("Found in a search")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")
    BREAK_GLASS = "break_glass", _("Emergency access")
    REVIEW = "review", _("Reviewed")
    CONTACT_REQUEST = "contact_request", _("Asked to be contacted")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: User) -> AuditEventQuerySet:
        """Events on the cases the user reaches whose lead agency they are case staff or privacy
        officer of ("who has looked at this case" names every partner: cases.access)."""
        from casebridge.cases.access import CASE_HEADER_ROLES, is_case_staff
        from casebridge.cases.models import Case

        lead_agencies = [
            m.agency_id for m in user.active_memberships() if is_case_staff(m.role) or m.role in CASE_HEADER_ROLES
        ]
        cases = Case.objects.visible_to(user).filter(lead_agency_id__in=lead_agencies)
        return self.filter(case_id__in=cases.values("pk"))

    def reviewable_by(self, user: User, glass: BreakGlass) -> AuditEventQuerySet:
        """What the user who broke the glass did on that case since, for the one reviewing it.
        The start is the chain's own record of the emergency access (``glass`` is a plain row a
        database administrator could move); without one, there is nothing to show (see
        :meth:`anchors`)."""
        from casebridge.cases.models import BreakGlass

        if not BreakGlass.objects.reviewable_by(user).filter(pk=glass.pk).exists():
            return self.none()
        anchor = self._anchor(glass)
        if anchor is None:
            return self.none()
        return self.filter(case_id=glass.case_id, actor_id=glass.user_id, at__gte=anchor.at)

    def anchors(self, user: User, glass: BreakGlass) -> bool:
        """Whether the audit chain holds this emergency access as its row says (same person, same
        case, the same moment): if not, the row was altered after the fact."""
        from casebridge.cases.models import BreakGlass

        return BreakGlass.objects.reviewable_by(user).filter(pk=glass.pk).exists() and self._anchor(glass) is not None

    def _anchor(self, glass: BreakGlass) -> AuditEvent | None:
        window = datetime.timedelta(seconds=5)
        return (
            self.filter(
                case_id=glass.case_id,
                actor_id=glass.user_id,
                action=Action.BREAK_GLASS,
                at__range=(glass.started_at - window, glass.started_at + window),
            )
            .order_by("id")
            .first()
        )


class AuditEvent(models.Model):
    """Who did what to which object, when, from where, and why (for emergency access).

    Rows are never changed or removed (a database trigger refuses it). ``hash`` is an HMAC over
    the previous event's hash and this event's canonical form, so a changed, removed or
    inserted row breaks the chain at that point; ``verify_audit`` finds it."""

    at = models.DateTimeField()
    # Indexed by audit_actor_time (actor first); every index costs each of the many appends. No
    # foreign-key constraint in the database (PROTECT still holds in the application): its check
    # at commit locks the user's and the agency's rows (FOR KEY SHARE) for every event, a row
    # lock written to the log, shared by all of a user's concurrent requests. The username is
    # stored beside the id, and a rewritten id breaks the chain.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    actor_username = models.CharField(max_length=150)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+", db_index=False, db_constraint=False
    )
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    case_id = models.UUIDField(null=True, blank=True)
    sections = models.CharField(max_length=200, blank=True)
    via = models.CharField(max_length=60, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["case_id", "-at"], name="audit_case_time"),
            models.Index(fields=["actor", "-at"], name="audit_actor_time"),
        ]


class AuditChainHead(models.Model):
    """The newest event's hash. Locked while an event is appended, so the chain stays linear."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(default=0)
