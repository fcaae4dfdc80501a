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
from typing import TYPE_CHECKING, Any

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


class GuardianDecision(models.TextChoices):
    NOTIFIED = "notified", _("Her parents or guardian were told")
    NOT_NOTIFIED = "not_notified", _("Not told")
    DEFERRED = "deferred", _("Not yet: decided later")


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
    # Whether the roster left no gap in her minimum window (or until she left), set when crisis
    # care ends (its shifts are fixed from then on): what the indicators count.
    covered = models.BooleanField(null=True, editable=False)
    # Whether her parents or guardian are told she is here, and why (a parent may be part of
    # the exploitation).
    guardian = models.CharField(
        _("her parents or guardian"), max_length=12, choices=GuardianDecision.choices, blank=True
    )
    guardian_reason = EncryptedTextField(_("why"), max_length=1000, blank=True, null=True)
    guardian_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    guardian_at = models.DateTimeField(null=True, blank=True)
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


class EpisodeRecordQuerySet(models.QuerySet[Any]):
    """An episode's shifts, incidents, assessments, care items, interviews, alerts: those of the
    episodes the user reaches."""

    def visible_to(self, user: User) -> Any:
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

    objects = EpisodeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start")
        ]


class IncidentKind(models.TextChoices):
    """What must never happen to her in crisis care: each one alerts at once."""

    HELD_IN_CELL = "held_in_cell", _("Held in a cell")
    SUSPECT_CONTACT = "suspect_contact", _("In sight or hearing of a suspect")


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

    objects = EpisodeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]


class Assessment(models.Model):
    """Her needs as assessed in crisis care. Never changed: a new assessment is a new version,
    and every version stays."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, models.PROTECT, related_name="assessments")
    version = models.PositiveSmallIntegerField()
    emotional = EncryptedTextField(_("emotional needs"), max_length=2000, blank=True, null=True)
    physical = EncryptedTextField(_("physical needs"), max_length=2000, blank=True, null=True)
    urgent_medical = models.BooleanField(_("needs urgent medical care"), default=False)
    translation = EncryptedTextField(_("translation needs"), max_length=1000, blank=True, null=True)
    safety_risks = EncryptedTextField(_("safety risks"), max_length=2000, blank=True, null=True)
    family_risk = models.BooleanField(_("risk from her family"), default=False)
    family_contact = EncryptedTextField(
        _("her wishes on contact with her family"), max_length=1000, blank=True, null=True
    )
    immediate_needs = EncryptedTextField(_("immediate needs"), max_length=2000, blank=True, null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["episode", "version"], name="assessment_version_once")]


class CareItemKind(models.TextChoices):
    FOOD = "food", _("Food")
    WATER = "water", _("Water")
    TOILETRIES = "toiletries", _("Toiletries")
    SANITARY = "sanitary", _("Sanitary pads")
    CLOTHES = "clothes", _("Clothes")
    BLANKET = "blanket", _("Blanket or mat")
    OTHER = "other", _("Other")


class CareItem(models.Model):
    """Something from the care package handed to her: what, how many, when, by whom."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, models.PROTECT, related_name="care_items")
    kind = models.CharField(_("item"), max_length=12, choices=CareItemKind.choices)
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    handed_at = models.DateTimeField(_("when"))
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-handed_at"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="care_item_quantity_positive")]


class Interview(models.Model):
    """An interview she went through (by the police, most often): when, how long, by whom, who
    was present, and whether a female officer was there (an agency's policy for girls)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, models.PROTECT, related_name="interviews")
    held_at = models.DateTimeField(_("when"))
    minutes = models.PositiveSmallIntegerField(_("how long (minutes)"))
    interviewer = EncryptedTextField(_("by whom"), max_length=200)
    present = EncryptedTextField(_("who was present"), max_length=500)
    female_officer = models.BooleanField(_("a female officer was present"), default=False)
    # Whether the agency's policy (a female officer for girls) was met, decided when recorded.
    policy_met = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-held_at"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gte=1), name="interview_minutes_positive")]


class PlacementRule(models.Model):
    """Where a survivor should go first: conditions on her (each blank one matches anyone) and
    what she needs from the receiving partner. Every rule she meets fires, by priority; the
    suggestion is the partners that satisfy them all (or, when none does, the most rules first).
    Administered by administrators, every change audited."""

    name = models.CharField(_("name"), max_length=120)
    priority = models.PositiveSmallIntegerField(_("priority"), default=10, help_text=_("Lower comes first."))
    under_age = models.PositiveSmallIntegerField(
        _("she is under (age)"),
        null=True,
        blank=True,
        help_text=_("A survivor whose age is unknown is taken to be a child."),
    )
    sex = models.CharField(_("her sex"), max_length=30, blank=True)
    nationality = models.CharField(_("her nationality"), max_length=2, blank=True, help_text=_("ISO 3166 code: VN"))
    language = models.CharField(_("her language"), max_length=3, blank=True, help_text=_("ISO 639-3 code: vie"))
    urgent_medical = models.BooleanField(
        _("only when she needs urgent medical care"), default=False, help_text=_("From her latest needs assessment.")
    )
    service = models.CharField(_("a partner offering"), max_length=20, blank=True)
    staff_language = models.CharField(
        _("with staff who speak"), max_length=3, blank=True, help_text=_("ISO 639-3 code: vie")
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("this partner"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("placement rule")
        verbose_name_plural = _("placement rules")
        constraints = [
            models.CheckConstraint(
                condition=~Q(service="") | ~Q(staff_language="") | Q(agency__isnull=False),
                name="placement_rule_says_something",
            )
        ]

    def __str__(self) -> str:
        return self.name


# What a placement rule says, as administrators edit it and the API shows it.
RULE_FIELDS = [
    "name",
    "priority",
    "under_age",
    "sex",
    "nationality",
    "language",
    "urgent_medical",
    "service",
    "staff_language",
    "agency",
]


class AlertKind(models.TextChoices):
    GAP_SOON = "gap_soon", _("A gap starts soon")
    GAP_NOW = "gap_now", _("A gap now")
    WINDOW = "window", _("The window ends without a placement")


class Alert(models.Model):
    """An alert sent to an episode's supervisor: kept so that each is sent once, whatever the
    restarts (the key says which gap: its reason and start)."""

    episode = models.ForeignKey(Episode, models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    key = models.CharField(max_length=64)
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeRecordQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["episode", "kind", "key"], name="alert_once")]
