"""Crisis care: the first hours after an operation, at the police station, day and night.

An episode is one survivor's crisis care, from the moment aftercare takes her in until her first
placement (or another outcome), with a minimum window (48 hours by default) during which someone
is with her at every moment. The duty roster's shifts say who; what is not covered (no social
worker on shift, or nobody who speaks her language when she needs an interpreter) is computed
(:mod:`.coverage`), never typed. Everything here is the case's crisis-care section, read through
``cases.access.case_q``."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casebridge.lib.fields import EncryptedTextField

if TYPE_CHECKING:
    from casebridge.accounts.models import User

DEFAULT_WINDOW_HOURS = 48


class PlaceKind(models.TextChoices):
    POLICE_STATION = "police_station", _("Police station")
    ASSESSMENT_CENTRE = "assessment_centre", _("Assessment centre")
    HOSPITAL = "hospital", _("Hospital or clinic")
    OTHER = "other", _("Other place")


class EpisodeOutcome(models.TextChoices):
    PLACED = "placed", _("Placed")
    RETURNED_HOME = "returned_home", _("Returned to her family")
    LEFT = "left", _("Left of her own will")
    NOT_A_VICTIM = "not_a_victim", _("Found not to be a victim")
    NOT_NEEDED = "not_needed", _("Not needed (she did not come)")
    OTHER = "other", _("Other")


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def visible_to(self, user: User) -> EpisodeQuerySet:
        """Episodes of the cases where the user reaches the crisis-care section."""
        from casebridge.cases.access import case_q
        from casebridge.cases.sections import Section

        return self.filter(case_q(user, Section.CRISIS_CARE, outer="case_id"))

    def open(self) -> EpisodeQuerySet:
        return self.filter(ended_at__isnull=True)


class Episode(models.Model):
    """One survivor's crisis care: where, since when, for at least how long, who supervises,
    whether she needs an interpreter and in which language, and how it ended."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    place_kind = models.CharField(_("kind of place"), max_length=20, choices=PlaceKind.choices)
    place = EncryptedTextField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("from"))
    window_hours = models.PositiveSmallIntegerField(_("minimum window (hours)"), default=DEFAULT_WINDOW_HOURS)
    language = models.CharField(_("her language"), max_length=3, blank=True)
    interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=EpisodeOutcome.choices, blank=True)
    outcome_note = EncryptedTextField(_("reason"), max_length=1000, blank=True, null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["ended_at", "-starts_at"], name="episode_open_recent")]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True), name="one_open_episode"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(outcome=""), name="episode_ended_has_outcome"
            ),
            models.CheckConstraint(condition=Q(window_hours__gte=1), name="episode_window_positive"),
        ]

    def __str__(self) -> str:
        return f"episode {self.pk}"

    @property
    def window_ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(hours=self.window_hours)

    @property
    def covered_until(self) -> datetime.datetime:
        """The end of the window a roster must cover: the minimum window, or her leaving first."""
        return min(self.window_ends_at, self.ended_at) if self.ended_at else self.window_ends_at


class StaffRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    INTERPRETER = "interpreter", _("Interpreter")
    SUPERVISOR = "supervisor", _("Supervisor")


# Roles that count as someone with her (an interpreter alone does not).
WITH_HER = frozenset({StaffRole.SOCIAL_WORKER, StaffRole.SUPERVISOR})


class ShiftQuerySet(models.QuerySet["Shift"]):
    def visible_to(self, user: User) -> ShiftQuerySet:
        return self.filter(episode__in=Episode.objects.visible_to(user))


class Shift(models.Model):
    """Someone on duty with the survivor from ``starts_at`` to ``ends_at``, with the languages
    they speak (from their profile, when the shift was set)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, models.PROTECT, related_name="shifts")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # The agency the staff member serves her for: who else serves her is need-to-know.
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=14, choices=StaffRole.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    languages = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start")
        ]


class IncidentKind(models.TextChoices):
    """What must never happen to her in crisis care: each one alerts at once."""

    HELD_IN_CELL = "held_in_cell", _("Held in a cell")
    SUSPECT_CONTACT = "suspect_contact", _("In sight or hearing of a suspect")


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user: User) -> IncidentQuerySet:
        return self.filter(episode__in=Episode.objects.visible_to(user))


class Incident(models.Model):
    """A safeguard broken: she was held in a cell, or was in sight or hearing of a suspect. Data,
    not a note: the supervisor and the lead agency's privacy officers are alerted at once, and
    the measurement counts them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, models.PROTECT, related_name="incidents")
    kind = models.CharField(_("what happened"), max_length=16, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    note = EncryptedTextField(_("what happened, in words"), max_length=2000)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
