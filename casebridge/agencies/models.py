"""Agencies (HTCDS organisations), their teams, and who works in them with which role."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from casebridge.lib.places import PROVINCE_CHOICES


class OrgType(models.TextChoices):
    """HTCDS ``org_Type`` values."""

    NGO = "NGO", _("NGO")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH = "HealthServiceOrganisation", _("Health service organisation")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organisation")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organisation")
    IMMIGRATION = "ImmigrationService", _("Immigration service")
    LEGAL = "LegalService", _("Legal service")
    CORPORATE = "CorporateBusiness", _("Corporate business")
    SCHOOL = "SchoolOrCollege", _("School or college")


class Role(models.TextChoices):
    """What a person does in an agency; access to case sections follows from it (cases.access)."""

    POLICE_INVESTIGATOR = "police_investigator", _("Police investigator")
    NGO_INVESTIGATOR = "ngo_investigator", _("NGO investigator")
    AFTERCARE_SOCIAL_WORKER = "aftercare_social_worker", _("Aftercare social worker")
    GOVERNMENT_SOCIAL_WORKER = "government_social_worker", _("Government social worker")
    PARTNER_CASEWORKER = "partner_caseworker", _("Partner caseworker")
    MEDICAL_STAFF = "medical_staff", _("Medical staff")
    LAWYER = "lawyer", _("Lawyer")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager / M&E")
    TRAINER = "trainer", _("Trainer")
    ADMINISTRATOR = "administrator", _("Administrator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer / auditor")


class Service(models.TextChoices):
    """What a partner offers a survivor (the partner directory, and placement rules)."""

    ASSESSMENT = "assessment", _("Assessment centre")
    SHELTER = "shelter", _("Residential shelter")
    MEDICAL = "medical", _("Medical care")
    COUNSELLING = "counselling", _("Counselling")
    EDUCATION = "education", _("Education")
    VOCATIONAL = "vocational", _("Vocational training")
    LITERACY = "literacy", _("Life skills and literacy")
    LEGAL_AID = "legal_aid", _("Legal aid")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    REINTEGRATION = "reintegration", _("Reintegration support")
    ECONOMIC = "economic", _("Economic empowerment")


class SpecialNeed(models.TextChoices):
    """What a partner is equipped for beyond its services (the partner directory)."""

    DISABILITY = "disability", _("Disability")
    PREGNANCY = "pregnancy", _("Pregnancy or a baby")
    MENTAL_HEALTH = "mental_health", _("Mental health care")
    SUBSTANCE_USE = "substance_use", _("Substance use")


class Agency(models.Model):
    """An organisation that takes part in casework: police unit, government office, NGO, shelter,
    clinic. ``code`` prefixes the case numbers it issues."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    # The agency's own name in Khmer and in Vietnamese, shown to those reading in that language.
    name_km = models.CharField(_("name in Khmer"), max_length=200, blank=True)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=200, blank=True)
    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,7}$", _("Use 2 to 8 capital letters or digits."))],
        help_text=_("Prefix of the case numbers this agency issues."),
    )
    org_type = models.CharField(_("organisation type"), max_length=40, choices=OrgType.choices)
    province = models.CharField(_("province"), max_length=6, choices=PROVINCE_CHOICES, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Set from the command line (manage.py set_platform_agency), never in the admin.
    is_platform = models.BooleanField(
        _("operates the platform"),
        default=False,
        help_text=_(
            "The organisation that runs this casebridge: its privacy officers approve and review where an "
            "agency has none of its own; its administrators manage every agency."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What it offers survivors, and the languages its staff speak (ISO 639-3 codes).
    services = models.JSONField(_("services"), default=list, blank=True)
    staff_languages = models.JSONField(_("languages its staff speak"), default=list, blank=True)
    # Whom it can take (the partner directory): empty means anyone.
    min_age = models.PositiveSmallIntegerField(_("youngest it takes (age)"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("oldest it takes (age)"), null=True, blank=True)
    sexes = models.JSONField(_("sexes it takes"), default=list, blank=True)
    nationalities = models.JSONField(_("nationalities it takes"), default=list, blank=True)
    special_needs = models.JSONField(_("special needs it is equipped for"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places (beds)"),
        null=True,
        blank=True,
        help_text=_("How many survivors it can house at once; occupancy is counted from current placements."),
    )
    # Its office's contacts. Never a shelter's address: where survivors live is whereabouts.
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Its crisis-care policy.
    crisis_window_hours = models.PositiveSmallIntegerField(
        _("crisis care: minimum window (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("How long, at least, its staff stay with a survivor before her first placement."),
    )
    crisis_alert_hours = models.PositiveSmallIntegerField(
        _("crisis care: warn of a gap (hours ahead)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text=_("The supervisor is alerted when a gap in the roster starts within this many hours."),
    )
    female_officer_for_girls = models.BooleanField(
        _("a female officer at every interview of a girl"),
        default=True,
        help_text=_("Its policy: an interview of a girl without a female officer present is flagged."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.local_name

    @property
    def service_labels(self) -> list[str]:
        return [str(Service(s).label) for s in self.services or [] if s in Service.values]

    @property
    def local_name(self) -> str:
        """The name in the language of the page (the official name where it has none in it)."""
        from django.utils.translation import get_language

        language = (get_language() or "en").split("-")[0]
        return {"km": self.name_km, "vi": self.name_vi}.get(language) or self.name


# What the partner directory says of an agency, as administrators edit it and the API shows it.
DIRECTORY_FIELDS = [
    "services",
    "staff_languages",
    "min_age",
    "max_age",
    "sexes",
    "nationalities",
    "special_needs",
    "capacity",
    "phone",
    "email",
]


class Team(models.Model):
    """A team inside an agency (investigations, aftercare, legal...)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency.code} / {self.name}"


# Roles that reach case data (content, or a case's record and access log) or a prevalence
# study's frame (programme managers lead studies). A membership with one takes effect only once a
# second person, a privacy officer, has approved it: an administrator alone cannot give anyone
# access to survivors, nor to the list of places where children may be sold. (cases.access
# decides what each role reaches; a test checks that every role it gives anything is listed here.)
APPROVED_ROLES = frozenset(Role) - {Role.TRAINER, Role.ADMINISTRATOR}


class MembershipQuerySet(models.QuerySet["Membership"]):
    def in_force(self) -> MembershipQuerySet:
        """Active, of an active account, at an active agency, and approved where the role needs it."""
        return self.filter(is_active=True, user__is_active=True, agency__is_active=True).filter(
            models.Q(approved_at__isnull=False) | ~models.Q(role__in=sorted(APPROVED_ROLES))
        )


class Membership(models.Model):
    """A user's role in an agency (and optionally in one of its teams). One that reaches case
    data is in force only once approved (``approved_at``) by someone other than who set it up."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.agency.code}"

    @property
    def needs_approval(self) -> bool:
        return self.role in APPROVED_ROLES

    @property
    def pending(self) -> bool:
        return self.is_active and self.needs_approval and self.approved_at is None


def privacy_officers(agency: Agency, *, besides: Iterable[int] = ()) -> list[Any]:
    """Who approves memberships at ``agency`` and reviews emergency access to its cases: its own
    privacy officers, or, if none of them may (there are none, or only those in ``besides``:
    whoever is being approved or reviewed, or set it up), the platform's. The one rule behind
    notifications, ``BreakGlass.objects.reviewable_by``, ``awaiting_approval`` and the check."""
    from casebridge.accounts.models import User

    others = set(besides)
    own = Membership.objects.in_force().filter(agency=agency, role=Role.PRIVACY_OFFICER).exclude(user_id__in=others)
    if own.exists():
        return list(User.objects.filter(memberships__in=own).distinct())
    platform = Membership.objects.in_force().filter(agency__is_platform=True, role=Role.PRIVACY_OFFICER)
    return list(User.objects.filter(memberships__in=platform.exclude(user_id__in=others)).distinct())


def platform_privacy_officers() -> list[Any]:
    from casebridge.accounts.models import User

    platform = Membership.objects.in_force().filter(agency__is_platform=True, role=Role.PRIVACY_OFFICER)
    return list(User.objects.filter(memberships__in=platform).distinct())
