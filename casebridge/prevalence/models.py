"""Prevalence studies: how many of the people available for commercial sex are minors.

Venue-based time-space sampling (../shared/DOMAIN.md): a frame of establishments stratified by
type and area, a seeded draw per stratum with replacements recorded, investigators' visits that
count the people available and judge how many are minors, and audit visits that check those
judgements. A study belongs to one agency and is reached only through :mod:`.access`.
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


class EstablishmentType(models.TextChoices):
    BROTHEL = "brothel", _("Brothel")
    KARAOKE = "karaoke", _("Karaoke bar")
    MASSAGE = "massage", _("Massage parlour")
    BEER_GARDEN = "beer_garden", _("Beer garden")
    STREET = "street", _("Street location")
    OTHER = "other", _("Other")


class StudyQuerySet(models.QuerySet["Study"]):
    def visible_to(self, user: User) -> StudyQuerySet:
        from casebridge.prevalence.access import study_agencies

        return self.filter(agency_id__in=study_agencies(user))


class Study(models.Model):
    """One prevalence study: where, when, how. Its design is fixed once the sample is drawn."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="prevalence_studies")
    title = models.CharField(_("title"), max_length=200)
    areas = models.CharField(_("areas"), max_length=500)
    starts_on = models.DateField(_("first day of fieldwork"))
    ends_on = models.DateField(_("last day of fieldwork"))
    method_notes = models.TextField(_("method notes"), max_length=5000, blank=True)
    seed = models.BigIntegerField(_("sample seed"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("sample drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudyQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="study_period")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_drawn(self) -> bool:
        return self.drawn_at is not None


class InStudyQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """The rows of the studies the user may see."""

    def visible_to(self, user: User) -> InStudyQuerySet:
        return self.filter(study__in=Study.objects.visible_to(user))


class Stratum(models.Model):
    """Establishments of one type in one area: N_h in the frame, n_h to be drawn."""

    study = models.ForeignKey(Study, models.PROTECT, related_name="strata")
    establishment_type = models.CharField(_("type of establishment"), max_length=20, choices=EstablishmentType.choices)
    area = models.CharField(_("area"), max_length=100)
    frame_size = models.PositiveIntegerField(_("establishments in the frame (N)"))
    sample_size = models.PositiveIntegerField(_("establishments to draw (n)"))

    objects = InStudyQuerySet.as_manager()

    class Meta:
        ordering = ["establishment_type", "area"]
        constraints = [
            models.UniqueConstraint(fields=["study", "establishment_type", "area"], name="one_stratum_per_type_area"),
            models.CheckConstraint(condition=Q(sample_size__gte=1, frame_size__gte=1), name="stratum_sizes"),
            models.CheckConstraint(
                condition=Q(sample_size__lte=models.F("frame_size")), name="stratum_sample_in_frame"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_establishment_type_display()} · {self.area}"


class Establishment(models.Model):
    """A place in the frame. Its name and location are encrypted: a list of where children may be
    sold is what a trafficker would most like to read, and what an undercover visit depends on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    study = models.ForeignKey(Study, models.PROTECT, related_name="establishments")
    stratum = models.ForeignKey(Stratum, models.PROTECT, related_name="establishments")
    code = models.CharField(_("code"), max_length=20)
    name = EncryptedTextField(_("name"), max_length=200)
    location = EncryptedTextField(_("location"), max_length=500, blank=True, null=True)

    objects = InStudyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["study", "code"], name="establishment_code_per_study")]

    def __str__(self) -> str:
        return self.code


class SelectionStatus(models.TextChoices):
    SELECTED = "selected", _("In the sample")
    RESERVE = "reserve", _("Reserve")
    REPLACED = "replaced", _("Replaced")


class Selection(models.Model):
    """An establishment's place in its stratum's drawn order: the first n are the sample, the rest
    reserves taken in order when a sampled one cannot be visited (the replacement is recorded)."""

    study = models.ForeignKey(Study, models.PROTECT, related_name="selections")
    stratum = models.ForeignKey(Stratum, models.PROTECT, related_name="selections")
    establishment = models.OneToOneField(Establishment, models.PROTECT, related_name="selection")
    rank = models.PositiveIntegerField(_("order drawn"))
    status = models.CharField(_("status"), max_length=10, choices=SelectionStatus.choices)
    replaces = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="replaced_by", verbose_name=_("replaces")
    )
    replaced_reason = EncryptedTextField(_("why it was replaced"), max_length=500, blank=True, null=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    objects = InStudyQuerySet.as_manager()

    class Meta:
        ordering = ["stratum", "rank"]
        constraints = [models.UniqueConstraint(fields=["stratum", "rank"], name="one_rank_per_stratum")]


class VisitKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    AUDIT = "audit", _("Audit visit")


class Visit(models.Model):
    """What an investigator observed in one visit. An audit visit repeats one visit with another
    observer to check the judgements; it is not counted in the estimate."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    study = models.ForeignKey(Study, models.PROTECT, related_name="visits")
    establishment = models.ForeignKey(Establishment, models.PROTECT, related_name="visits")
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.VISIT)
    checks = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="audits", verbose_name=_("visit checked")
    )
    investigator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    visited_on = models.DateField(_("date"))
    from_time = models.TimeField(_("start time"))
    to_time = models.TimeField(_("end time"))
    persons = models.PositiveIntegerField(_("people available"))
    minors = models.PositiveIntegerField(_("of whom minors"))
    under_16 = models.PositiveIntegerField(_("of whom 15 or under"))
    borderline = models.PositiveIntegerField(_("borderline (possibly minors, not counted as minors)"), default=0)
    notes = EncryptedTextField(_("notes"), max_length=2000, blank=True, null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    void_reason = EncryptedTextField(_("why it was voided"), max_length=500, blank=True, null=True)

    objects = InStudyQuerySet.as_manager()

    class Meta:
        ordering = ["visited_on", "from_time"]
        constraints = [
            # The same visit entered twice would count its people twice.
            models.UniqueConstraint(
                fields=["establishment", "visited_on", "from_time"],
                condition=Q(kind="visit", voided_at__isnull=True),
                name="one_visit_per_establishment_and_time",
            ),
            models.CheckConstraint(condition=Q(minors__lte=models.F("persons")), name="visit_minors_le_persons"),
            models.CheckConstraint(condition=Q(under_16__lte=models.F("minors")), name="visit_under16_le_minors"),
            models.CheckConstraint(
                condition=Q(borderline__lte=models.F("persons") - models.F("minors")), name="visit_borderline_fits"
            ),
            models.CheckConstraint(
                condition=Q(kind="visit", checks__isnull=True) | Q(kind="audit", checks__isnull=False),
                name="audit_checks_a_visit",
            ),
        ]
