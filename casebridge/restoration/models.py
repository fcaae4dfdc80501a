"""Restoration: where a survivor lives after crisis care, the partners she is referred to, her
care plan and the services, medical care, counselling, schooling and livelihood that restore
her. A placement is her whereabouts: only those who reach that section ever see where she is.
Every other record belongs to one section of her case (``SECTION``) and is read through it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Service
from casebridge.cases.sections import Section
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

    SECTION = Section.WHEREABOUTS
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


class CaseRecordQuerySet(models.QuerySet[Any]):
    """Records of a case's section ``SECTION`` (set on the model): those of the cases where the
    user reaches that section."""

    def visible_to(self, user: User) -> Any:
        from casebridge.cases.access import case_q

        return self.filter(case_q(user, self.model.SECTION, outer="case_id"))


class CareDomain(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    PLACEMENT = "placement", _("Placement")
    ECONOMIC = "economic", _("Economic empowerment")
    EDUCATION = "education", _("Education, vocational training and life skills")
    LEGAL = "legal", _("Support through the legal process")
    TRANSITION = "transition", _("Transition to a safe and sustainable home")
    FAMILY = "family", _("Family and community")


class CarePlan(models.Model):
    """Her individual care plan, built with her: goals by domain, the services delivered, and
    reviews on a schedule (every ``review_every_days``). A closed plan takes no more reviews."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField("cases.Case", models.PROTECT, related_name="+")
    # How she took part in building it: her own words on what she wants.
    her_participation = EncryptedTextField(_("how she took part"), max_length=2000, blank=True, null=True)
    review_every_days = models.PositiveSmallIntegerField(_("review every (days)"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["next_review_on"], name="care_plan_review_due")]


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    DROPPED = "dropped", _("No longer wanted")


class Goal(models.Model):
    """One goal of her plan: in which domain, by when, who answers for it, and how it stands."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    plan = models.ForeignKey(CarePlan, models.PROTECT, related_name="goals")
    domain = models.CharField(_("domain"), max_length=12, choices=CareDomain.choices)
    text = EncryptedTextField(_("goal"), max_length=1000)
    target_on = models.DateField(_("target date"))
    agency = models.ForeignKey(
        "agencies.Agency", models.PROTECT, related_name="+", verbose_name=_("responsible agency")
    )
    person = models.CharField(_("responsible person"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["domain", "target_on"]


class ServiceDelivery(models.Model):
    """A service delivered to her: when, by which agency, what, how long, towards which goal."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    plan = models.ForeignKey(CarePlan, models.PROTECT, related_name="services")
    goal = models.ForeignKey(Goal, models.PROTECT, related_name="services", null=True, blank=True)
    domain = models.CharField(_("domain"), max_length=12, choices=CareDomain.choices)
    delivered_on = models.DateField(_("date"))
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+", verbose_name=_("provider"))
    kind = models.CharField(_("service"), max_length=16, choices=Service.choices)
    minutes = models.PositiveSmallIntegerField(_("how long (minutes)"))
    note = EncryptedTextField(_("notes"), max_length=2000, blank=True, null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-delivered_on", "-recorded_at"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gte=1), name="service_minutes_positive")]


class Review(models.Model):
    """A review of her plan: when, whether she took part, what was found, and the next date."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    plan = models.ForeignKey(CarePlan, models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("held on"))
    she_took_part = models.BooleanField(_("she took part"), default=True)
    summary = EncryptedTextField(_("what was found"), max_length=4000)
    next_review_on = models.DateField(_("next review"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-recorded_at"]


class MedicalKind(models.TextChoices):
    VISIT = "visit", _("Clinic visit")
    TEST = "test", _("Test")
    TREATMENT = "treatment", _("Treatment")
    APPOINTMENT = "appointment", _("Appointment")


class MedicalTest(models.TextChoices):
    STI = "sti", _("STI test")
    HIV = "hiv", _("HIV test")
    PREGNANCY = "pregnancy", _("Pregnancy test")
    OTHER = "other", _("Other test")


class MedicalRecord(models.Model):
    """Medical care: a clinic visit, a test and its result, a treatment, an appointment to come.
    Everything said is encrypted, and read only by those who reach the medical section."""

    SECTION = Section.MEDICAL
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=MedicalKind.choices)
    on = models.DateField(_("date"))
    clinic = EncryptedTextField(_("clinic"), max_length=200)
    test = models.CharField(_("test"), max_length=10, choices=MedicalTest.choices, blank=True)
    result = EncryptedTextField(_("result"), max_length=1000, blank=True, null=True)
    note = EncryptedTextField(_("notes"), max_length=2000, blank=True, null=True)
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-recorded_at"]


class Instrument(models.Model):
    """A wellbeing instrument counsellors score sessions with (e.g. WHO-5, 0 to 25), configured by
    platform administrators."""

    code = models.SlugField(unique=True, max_length=30)
    name = models.CharField(_("name"), max_length=120)
    name_km = models.CharField(_("name in Khmer"), max_length=120, blank=True)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=120, blank=True)
    min_score = models.SmallIntegerField(_("lowest score"), default=0)
    max_score = models.SmallIntegerField(_("highest score"))
    higher_is_better = models.BooleanField(_("a higher score is better"), default=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(max_score__gt=F("min_score")), name="instrument_range")]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        local = {"km": self.name_km, "vi": self.name_vi}.get((get_language() or "en")[:2], "")
        return f"{local or self.name} ({self.min_score}-{self.max_score})"


class SessionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")
    FAMILY = "family", _("With her family")


class CounsellingSession(models.Model):
    """A counselling session: when, how long, by whom, her wellbeing score on an instrument, and
    notes restricted to the counsellor's own agency (encrypted)."""

    SECTION = Section.COUNSELLING
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=10, choices=SessionKind.choices, default=SessionKind.INDIVIDUAL)
    minutes = models.PositiveSmallIntegerField(_("how long (minutes)"))
    instrument = models.ForeignKey(Instrument, models.PROTECT, related_name="+", null=True, blank=True)
    score = models.SmallIntegerField(_("wellbeing score"), null=True, blank=True)
    notes = EncryptedTextField(_("restricted notes"), max_length=4000, blank=True, null=True)
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1), name="session_minutes_positive"),
            models.CheckConstraint(
                condition=Q(instrument__isnull=True, score__isnull=True)
                | Q(instrument__isnull=False, score__isnull=False),
                name="session_score_with_instrument",
            ),
        ]


class EnrolmentKind(models.TextChoices):
    SCHOOL = "school", _("School")
    VOCATIONAL = "vocational", _("Vocational course")
    LITERACY = "literacy", _("Literacy")
    LIFE_SKILLS = "life_skills", _("Life skills")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Left before the end")


class Enrolment(models.Model):
    """She is enrolled at a school or on a course: where (encrypted: it is where she is every
    day), since when, how she attends, and how it ended."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=EnrolmentKind.choices)
    institution = EncryptedTextField(_("school or course"), max_length=200)
    started_on = models.DateField(_("from"))
    attendance = models.PositiveSmallIntegerField(_("attendance (%)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    ended_on = models.DateField(_("until"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        constraints = [models.CheckConstraint(condition=Q(attendance__lte=100), name="enrolment_attendance_percent")]


class Currency(models.TextChoices):
    USD = "USD", _("US dollars")
    KHR = "KHR", _("Riel")
    VND = "VND", _("Dong")


class Livelihood(models.Model):
    """Her livelihood in one month: her work (encrypted: where she works locates her), what she
    earned, and her savings at the month's end."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month
    work = EncryptedTextField(_("work"), max_length=200, blank=True, null=True)
    income = models.DecimalField(_("income this month"), max_digits=12, decimal_places=2)
    savings = models.DecimalField(_("savings"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.USD)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["case", "month"], name="livelihood_month_once"),
            models.CheckConstraint(condition=Q(income__gte=0) & Q(savings__gte=0), name="livelihood_not_negative"),
        ]


class Stage(models.TextChoices):
    """The reintegration stages of the 2022 ministry circular, in order."""

    PRE_INTEGRATION = "pre_integration", _("Pre-integration")
    INTEGRATION = "integration", _("Integration")
    MONITORING = "monitoring", _("Monitoring")
    CLOSURE = "closure", _("Closure")


STAGES = list(Stage)
# What each stage needs done before she moves on (restoration.care.do_advance).
CHECKLIST: dict[str, list[tuple[str, Any]]] = {
    Stage.PRE_INTEGRATION: [
        ("family_assessment", _("Family and community assessment")),
        ("home_visit", _("Home visit")),
        ("safety_plan", _("Safety plan")),
        ("her_wish", _("She wishes to return")),
    ],
    Stage.INTEGRATION: [
        ("accompanied", _("Her return accompanied")),
        ("community_support", _("Support in her community arranged")),
        ("school_or_work", _("School or work arranged")),
    ],
    Stage.MONITORING: [
        ("follow_ups", _("Follow-up visits held")),
        ("safe_at_home", _("No risk found at the last visit")),
    ],
    Stage.CLOSURE: [],
}
CHECK_LABELS = {key: label for items in CHECKLIST.values() for key, label in items}
CHECK_STAGE = {key: stage for stage, items in CHECKLIST.items() for key, _label in items}


class Reintegration(models.Model):
    """Her reintegration: the stage she is at (each in turn, none skipped), since when, and, once
    at closure, when it closed. Its checks, follow-up visits and outcome scores hang off it."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField("cases.Case", models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.PRE_INTEGRATION)
    stage_since = models.DateField(_("since"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()


class ReintegrationStep(models.Model):
    """One stage entered: which, on what day, by whom, with what note."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    reintegration = models.ForeignKey(Reintegration, models.PROTECT, related_name="steps")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    note = EncryptedTextField(max_length=1000, blank=True, null=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["at"]


class ReintegrationCheck(models.Model):
    """An item of a stage's checklist done: when, by whom, with what finding."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    reintegration = models.ForeignKey(Reintegration, models.PROTECT, related_name="checks")
    item = models.CharField(_("item"), max_length=24)
    done_on = models.DateField(_("done on"))
    note = EncryptedTextField(_("finding"), max_length=2000, blank=True, null=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["done_on"]
        constraints = [models.UniqueConstraint(fields=["reintegration", "item"], name="reintegration_check_once")]


class FollowUp(models.Model):
    """A follow-up visit on the schedule set when she went home (monthly, then quarterly, by
    default): when it is due, and when it was held, with what was found."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    reintegration = models.ForeignKey(Reintegration, models.PROTECT, related_name="follow_ups")
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("held on"), null=True, blank=True)
    note = EncryptedTextField(_("what was found"), max_length=2000, blank=True, null=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    cancelled = models.BooleanField(default=False)  # still due at closure

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["due_on"], name="follow_up_due")]


class OutcomeMoment(models.TextChoices):
    INTAKE = "intake", _("At intake")
    REINTEGRATION = "reintegration", _("At reintegration")
    CLOSURE = "closure", _("At closure")


class Outcome(models.Model):
    """Her outcome measures at one moment, each scored 1 (poor) to 5 (good), and whether she was
    trafficked again."""

    SECTION = Section.CARE_PLAN
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    reintegration = models.ForeignKey(Reintegration, models.PROTECT, related_name="outcomes")
    moment = models.CharField(_("when"), max_length=14, choices=OutcomeMoment.choices)
    scored_on = models.DateField(_("scored on"))
    safety = models.PositiveSmallIntegerField(_("safety"))
    wellbeing = models.PositiveSmallIntegerField(_("wellbeing"))
    education_income = models.PositiveSmallIntegerField(_("education or income"))
    legal_status = models.PositiveSmallIntegerField(_("legal status"))
    retrafficked = models.BooleanField(_("trafficked again"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["scored_on"]
        constraints = [
            models.UniqueConstraint(fields=["reintegration", "moment"], name="outcome_moment_once"),
            models.CheckConstraint(
                condition=Q(safety__range=(1, 5))
                & Q(wellbeing__range=(1, 5))
                & Q(education_income__range=(1, 5))
                & Q(legal_status__range=(1, 5)),
                name="outcome_scores_1_to_5",
            ),
        ]


class TransferState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired without an answer")


class TransferQuerySet(models.QuerySet["Transfer"]):
    def visible_to(self, user: User) -> TransferQuerySet:
        """The handovers of the cases the user's agency leads (for its case staff and privacy
        officer), and those from or to the user's agency, while the user reaches the case."""
        from casebridge.cases.access import CASE_HEADER_ROLES, case_q, is_case_staff

        memberships = user.active_memberships()
        staff = [m.agency_id for m in memberships if is_case_staff(m.role) or m.role in CASE_HEADER_ROLES]
        mine = Q(case__lead_agency_id__in=staff) | Q(from_agency_id__in=staff) | Q(to_agency_id__in=staff)
        return self.filter(mine & case_q(user, outer="case_id"))


class Transfer(models.Model):
    """Her case handed from its lead agency to another (an NGO to the provincial social-affairs
    office): proposed with her consent, accepted by the receiving agency (which becomes the lead),
    or declined or withdrawn. The old lead keeps only the sections it chose, for a time, by grant."""

    SECTION = Section.IDENTITY
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    from_agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+", verbose_name=_("to"))
    reason = EncryptedTextField(_("why"), max_length=1000)
    keep_sections = models.PositiveIntegerField(_("sections your agency keeps"), default=0)
    keep_days = models.PositiveSmallIntegerField(_("for (days)"), default=90)
    state = models.CharField(_("state"), max_length=10, choices=TransferState.choices, default=TransferState.PROPOSED)
    answer = EncryptedTextField(_("answer"), max_length=1000, blank=True, null=True)
    # The receiving agency reads her identity and care plan while it decides.
    grant = models.OneToOneField("cases.ReferralGrant", models.PROTECT, null=True, blank=True, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="proposed"), name="one_proposed_transfer_per_case"
            )
        ]
