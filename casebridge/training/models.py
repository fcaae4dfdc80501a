"""Training of officials: events, their topics and participants, attendance and test scores.

The seeds count the system's transformation partly in people trained (a workshop of 130 police,
social workers and NGO staff learning to work together); donors ask who was trained, in what,
and whether they learnt. A training event belongs to the agency that organises it and is reached
only through :mod:`.access`: participants are officials, not survivors, but a list of the
anti-trafficking police of a province is still worth something to a trafficker.
"""

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


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    COURSE = "course", _("Course")
    MENTORING = "mentoring", _("Mentoring")
    REFRESHER = "refresher", _("Refresher")


class Topic(models.TextChoices):
    TRAUMA_INTERVIEWING = "trauma_informed_interviewing", _("Trauma-informed interviewing")
    VICTIM_IDENTIFICATION = "victim_identification", _("Victim identification")
    EVIDENCE_HANDLING = "evidence_handling", _("Evidence handling")
    COURT_SUPPORT = "court_support", _("Supporting survivors in court")
    ACROSS_AGENCIES = "working_across_agencies", _("Working across agencies")
    LAW = "law", _("The 2008 trafficking law and child protection")
    AFTERCARE = "aftercare", _("Aftercare and reintegration")
    OTHER = "other", _("Other")


class OfficialRole(models.TextChoices):
    """What the participant does: the roles the model brings together."""

    POLICE = "police", _("Police officer")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    JUDGE = "judge", _("Judge")
    SOCIAL_WORKER = "social_worker", _("Government social worker")
    NGO_STAFF = "ngo_staff", _("NGO staff")
    HEALTH = "health", _("Health worker")
    LAWYER = "lawyer", _("Lawyer")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNSAID = "unsaid", _("Not said")


class EventQuerySet(models.QuerySet["TrainingEvent"]):
    def visible_to(self, user: User) -> EventQuerySet:
        from casebridge.training.access import training_agencies

        return self.filter(agency_id__in=training_agencies(user))


class TrainingEvent(models.Model):
    """One training: what, when, where, by whom, on which topics."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="training_events")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200)
    facilitators = models.CharField(_("facilitators"), max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="training_period")]

    def __str__(self) -> str:
        return self.title

    def topic_labels(self) -> list[str]:
        return [str(Topic(t.topic).label) for t in self.topics.all()]


class InEventQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> InEventQuerySet:
        return self.filter(event__in=TrainingEvent.objects.visible_to(user))


class EventTopic(models.Model):
    """A topic an event covers."""

    event = models.ForeignKey(TrainingEvent, models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=40, choices=Topic.choices)

    objects = InEventQuerySet.as_manager()

    class Meta:
        ordering = ["topic"]
        constraints = [models.UniqueConstraint(fields=["event", "topic"], name="one_topic_per_event")]


class Participant(models.Model):
    """One official at one event: who, from where, in what role; attendance and test scores
    (0 to 100), before and after. The same person at two events is two participants."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(TrainingEvent, models.PROTECT, related_name="participants")
    number = models.PositiveIntegerField(_("number"))
    name = EncryptedTextField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    role = models.CharField(_("role"), max_length=20, choices=OfficialRole.choices)
    agency = models.ForeignKey(
        "agencies.Agency", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("agency")
    )
    organisation = models.CharField(_("organisation (when not an agency here)"), max_length=200, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    pre_score = models.DecimalField(_("score before"), max_digits=4, decimal_places=1, null=True, blank=True)
    post_score = models.DecimalField(_("score after"), max_digits=4, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InEventQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="participant_number_per_event"),
            models.CheckConstraint(
                condition=Q(pre_score__gte=0, pre_score__lte=100) | Q(pre_score__isnull=True), name="pre_score_range"
            ),
            models.CheckConstraint(
                condition=Q(post_score__gte=0, post_score__lte=100) | Q(post_score__isnull=True),
                name="post_score_range",
            ),
        ]

    @property
    def organisation_name(self) -> str:
        return self.agency.name if self.agency_id and self.agency else self.organisation

    @property
    def change(self) -> object:
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score
