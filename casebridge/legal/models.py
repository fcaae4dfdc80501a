"""The legal compartment: prosecutions of those who traffic and exploit children.

A proceeding belongs to its lead legal agency; its lawyers (and lawyers granted it by name) are
the only ones who read it (:mod:`.access`). It links survivors' cases (as victims or civil
parties), names its defendants (encrypted), their charges by article of the 2008 law, and moves
through the stages of the 2007 Code of Criminal Procedure (``TRANSITIONS``), each step kept. A
survivor's case learns only that a proceeding exists, by its reference."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casebridge.lib.fields import EncryptedTextField

if TYPE_CHECKING:
    from casebridge.accounts.models import User


class ChargeCode(models.Model):
    """An offence of the Law on Suppression of Human Trafficking and Sexual Exploitation (2008),
    by article: a descriptive title in English and Khmer, the penalty, and whether a minor victim
    aggravates it. Administered by platform administrators; every change audited."""

    article = models.CharField(_("article"), max_length=10, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_km = models.CharField(_("title in Khmer"), max_length=200, blank=True)
    penalty = models.CharField(_("penalty"), max_length=200, blank=True)
    minor_aggravates = models.BooleanField(_("a minor victim aggravates it"), default=False)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["article"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        local = self.title_km if (get_language() or "en").startswith("km") and self.title_km else self.title
        return str(_("Article %(article)s: %(title)s") % {"article": self.article, "title": local})


class Stage(models.TextChoices):
    """The stages of criminal procedure (2007 Code), in order."""

    COMPLAINT = "complaint", _("Complaint")
    POLICE = "police", _("Judicial police investigation")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    INVESTIGATING_JUDGE = "investigating_judge", _("Investigating judge")
    TRIAL = "trial", _("Trial at first instance")
    VERDICT = "verdict", _("Verdict")
    APPEAL = "appeal", _("Appeal")
    SUPREME_COURT = "supreme_court", _("Supreme Court")
    FINAL = "final", _("Final")


class Closure(models.TextChoices):
    DISMISSED = "dismissed", _("Dismissed")
    SETTLED = "settled", _("Settled out of court")
    CHARGES_DROPPED = "charges_dropped", _("Charges dropped")
    AT_LARGE = "at_large", _("Defendant at large")
    ACQUITTED = "acquitted", _("Acquitted")
    CONVICTED = "convicted", _("Convicted")


S = Stage
# Where each stage may go next (legal.actions.do_move_stage): the next stage; after a verdict or
# an appeal, the judgment may become final without a further appeal.
TRANSITIONS: dict[str, set[str]] = {
    S.COMPLAINT: {S.POLICE},
    S.POLICE: {S.PROSECUTOR},
    S.PROSECUTOR: {S.INVESTIGATING_JUDGE, S.TRIAL},
    S.INVESTIGATING_JUDGE: {S.TRIAL},
    S.TRIAL: {S.VERDICT},
    S.VERDICT: {S.APPEAL, S.FINAL},
    S.APPEAL: {S.SUPREME_COURT, S.FINAL},
    S.SUPREME_COURT: {S.FINAL},
    S.FINAL: set(),
}
# The stages from which each closure may be recorded: a judgment only once there is one.
JUDGED: set[str] = {S.VERDICT, S.APPEAL, S.SUPREME_COURT, S.FINAL}
CLOSES_FROM: dict[str, set[str]] = {
    Closure.DISMISSED: {S.PROSECUTOR, S.INVESTIGATING_JUDGE, S.TRIAL},
    Closure.SETTLED: {S.COMPLAINT, S.POLICE, S.PROSECUTOR, S.INVESTIGATING_JUDGE, S.TRIAL},
    Closure.CHARGES_DROPPED: {S.POLICE, S.PROSECUTOR, S.INVESTIGATING_JUDGE, S.TRIAL},
    Closure.AT_LARGE: {S.COMPLAINT, S.POLICE, S.PROSECUTOR, S.INVESTIGATING_JUDGE, S.TRIAL},
    Closure.ACQUITTED: JUDGED,
    Closure.CONVICTED: JUDGED,
}


class ProceedingQuerySet(models.QuerySet["Proceeding"]):
    def visible_to(self, user: User) -> ProceedingQuerySet:
        from casebridge.legal.access import proceeding_q

        return self.filter(proceeding_q(user))


class Proceeding(models.Model):
    """A prosecution: its reference, the police file and court references, the court, prosecutor
    and investigating judge, its stage (since when) and, once it ends, how."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    lead_agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    police_file = EncryptedTextField(_("police file reference"), max_length=100, blank=True, null=True)
    court_reference = EncryptedTextField(_("court reference"), max_length=100, blank=True, null=True)
    court = models.CharField(_("court"), max_length=200, blank=True)
    prosecutor = EncryptedTextField(_("prosecutor"), max_length=200, blank=True, null=True)
    investigating_judge = EncryptedTextField(_("investigating judge"), max_length=200, blank=True, null=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.COMPLAINT)
    stage_since = models.DateField(_("since"))
    closed_as = models.CharField(_("closed as"), max_length=16, choices=Closure.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProceedingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]


class PartQuerySet(models.QuerySet[Any]):
    """A proceeding's parts (cases, defendants, charges, steps, counsel): those of the proceedings
    the user reaches."""

    def visible_to(self, user: User) -> Any:
        return self.filter(proceeding__in=Proceeding.objects.visible_to(user))


class CounselQuerySet(PartQuerySet):
    def in_force(self) -> Any:
        from django.utils import timezone

        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class Counsel(models.Model):
    """A lawyer of another agency granted one proceeding (a legal-aid lawyer for a civil party),
    until revoked or expired."""

    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="counsel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CounselQuerySet.as_manager()


class PartyRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    CIVIL_PARTY = "civil_party", _("Civil party")


class ProceedingCase(models.Model):
    """A survivor's case linked to a proceeding, as a victim or a civil party. Her case carries
    only the proceeding's reference."""

    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="cases")
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    role = models.CharField(_("as"), max_length=12, choices=PartyRole.choices, default=PartyRole.VICTIM)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proceeding", "case"], name="proceeding_case_once")]


class Defendant(models.Model):
    """A person prosecuted: name (encrypted), sex, year of birth if known, and, where the
    investigations compartment knows him, the subject it is."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="defendants")
    name = EncryptedTextField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=10, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    subject = models.ForeignKey("investigations.Subject", models.PROTECT, null=True, blank=True, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["added_at"]


class Charge(models.Model):
    """A charge against one defendant, by article: when filed, amended, dropped."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="charges")
    defendant = models.ForeignKey(Defendant, models.PROTECT, related_name="charges")
    code = models.ForeignKey(ChargeCode, models.PROTECT, related_name="+", verbose_name=_("article"))
    filed_on = models.DateField(_("filed on"))
    amended_on = models.DateField(_("amended on"), null=True, blank=True)
    dropped_on = models.DateField(_("dropped on"), null=True, blank=True)
    note = EncryptedTextField(_("note"), max_length=1000, blank=True, null=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["filed_on", "added_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dropped_on__isnull=True) | Q(dropped_on__gte=models.F("filed_on")),
                name="charge_dropped_after_filed",
            )
        ]


class StageStep(models.Model):
    """One stage entered, or the proceeding closed: which, on what day, by whom, why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="steps")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    closed_as = models.CharField(max_length=16, choices=Closure.choices, blank=True)
    on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    note = EncryptedTextField(max_length=1000, blank=True, null=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["on", "at"]


class HearingKind(models.TextChoices):
    INVESTIGATION = "investigation", _("Before the investigating judge")
    TRIAL = "trial", _("Trial hearing")
    VERDICT = "verdict", _("Reading of the verdict")
    APPEAL = "appeal", _("Appeal hearing")
    OTHER = "other", _("Other hearing")


class Measure(models.TextChoices):
    """Protective measures for a survivor who attends: she must never face the defendant."""

    WAITING_AREA = "waiting_area", _("Separate waiting area")
    SCREEN = "screen", pgettext_lazy("protective measure", "Screen")
    VIDEO = "video", _("Video testimony")
    SUPPORT_PERSON = "support_person", _("Support person present")
    CLOSED = "closed", _("Closed hearing")


# The measures that keep her out of the defendant's sight; without one, a hearing she attends
# with the defendant present is a confrontation, flagged and alerted.
SHIELDS: frozenset[str] = frozenset({Measure.WAITING_AREA, Measure.SCREEN, Measure.VIDEO})


class Hearing(models.Model):
    """A hearing of a proceeding: when, which court and room, what kind, whether the defendants
    attend; cancelled, not deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="hearings")
    at = models.DateTimeField(_("when"))
    court = models.CharField(_("court"), max_length=200)
    room = models.CharField(_("room"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=14, choices=HearingKind.choices)
    defendants_attend = models.BooleanField(_("the defendants attend"), default=True)
    note = EncryptedTextField(_("note"), max_length=1000, blank=True, null=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # those who attend were reminded
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["at"], name="hearing_at")]


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    def visible_to(self, user: User) -> AttendanceQuerySet:
        """A survivor's attendances: for the proceeding's lawyers, and for those who work on her
        care plan (who prepare and accompany her; they learn when and where, never the
        defendants)."""
        from casebridge.cases.access import case_q
        from casebridge.cases.sections import Section
        from casebridge.legal.access import proceeding_q

        return self.filter(proceeding_q(user, "proceeding") | case_q(user, Section.CARE_PLAN, outer="case_id"))


class Attendance(models.Model):
    """A survivor summoned to a hearing (only while her consent to take part is current): the
    protective measures requested and granted; cancelled when her consent is withdrawn."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="+")
    hearing = models.ForeignKey(Hearing, models.PROTECT, related_name="attendances")
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    requested = models.JSONField(_("measures requested"), default=list, blank=True)
    granted = models.JSONField(_("measures granted"), default=list, blank=True)
    confrontation = models.BooleanField(default=False)  # she would face the defendant unshielded
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hearing", "case"], name="attendance_once")]

    def granted_labels(self) -> list[str]:
        return [str(Measure(m).label) for m in self.granted if m in Measure.values]

    def requested_labels(self) -> list[str]:
        return [str(Measure(m).label) for m in self.requested if m in Measure.values]


# Defendant custody --------------------------------------------------------------------------------


class Custody(models.TextChoices):
    POLICE = "police", _("Police custody")
    DETENTION = "detention", _("Pre-trial detention")
    BAIL = "bail", _("Released on bail")
    AT_LARGE = "at_large", _("At large")
    RELEASED = "released", _("Released")


POLICE_CUSTODY_HOURS = 48  # 2007 Code: 48 hours unless the prosecutor extends it


class CustodyStep(models.Model):
    """Where a defendant is held from a moment on: arrested into police custody (which ends
    ``until``: 48 hours later unless the prosecutor extended it), pre-trial detention, bail, at
    large, released. The latest is his custody now; none is changed or deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="+")
    defendant = models.ForeignKey(Defendant, models.PROTECT, related_name="custody")
    status = models.CharField(_("custody"), max_length=10, choices=Custody.choices)
    since = models.DateTimeField(_("since"))
    until = models.DateTimeField(_("police custody ends"), null=True, blank=True)
    extended = models.BooleanField(_("extended by the prosecutor"), default=False)
    note = EncryptedTextField(_("note"), max_length=1000, blank=True, null=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["since", "at"]

    def overdue(self, now: Any = None) -> bool:
        """Held by the police past the end of his custody (48 hours, or the extension)."""
        from django.utils import timezone

        return self.status == Custody.POLICE and self.until is not None and (now or timezone.now()) > self.until


# Evidence and its chain of custody ---------------------------------------------------------------


class EvidenceKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical item")
    DOCUMENT = "document", _("Document")
    DIGITAL = "digital", _("Digital file")


class Evidence(models.Model):
    """An item of evidence: what it is (a digital file by its SHA-256), who collected it and when,
    where it is kept, and, for an item seized in an operation, which. Its first custodian is the
    lawyer who registers it; from then on it moves only by confirmed hand-offs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="evidence")
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    description = EncryptedTextField(_("description"), max_length=500)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    collected_by = EncryptedTextField(_("collected by"), max_length=200)
    collected_on = models.DateField(_("collected on"))
    location = EncryptedTextField(_("kept at"), max_length=200)
    seized = models.ForeignKey("investigations.SeizedItem", models.PROTECT, null=True, blank=True, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["registered_at"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "seized"], name="evidence_seized_once"),
        ]


class Handoff(models.Model):
    """The item passes from its custodian to another person who reaches the proceeding, to be kept
    at a place. Append-only: the database refuses UPDATE and DELETE; it counts once the receiver
    confirms it (:class:`HandoffReceipt`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="+")
    evidence = models.ForeignKey(Evidence, models.PROTECT, related_name="handoffs")
    giver = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    receiver = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    location = EncryptedTextField(_("to be kept at"), max_length=200)
    purpose = EncryptedTextField(_("why"), max_length=500, blank=True, null=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["at"]


class HandoffReceipt(models.Model):
    """The receiver's confirmation that the item reached them. Append-only, once per hand-off."""

    handoff = models.OneToOneField(Handoff, models.PROTECT, primary_key=True, related_name="receipt")
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()


# Outcomes ------------------------------------------------------------------------------------------


class Verdict(models.TextChoices):
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")


class AppealResult(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    VARIED = "varied", _("Varied")
    OVERTURNED = "overturned", _("Overturned")


class Judgment(models.Model):
    """The judgment on one charge: convicted (with the sentence: years, months, a fine in riel) or
    acquitted (no sentence); an appeal filed against it, and its result."""

    charge = models.OneToOneField(Charge, models.PROTECT, primary_key=True, related_name="judgment")
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    on = models.DateField(_("judged on"))
    years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    fine = models.PositiveBigIntegerField(_("fine (riel)"), null=True, blank=True)
    appealed_on = models.DateField(_("appeal filed on"), null=True, blank=True)
    appeal_result = models.CharField(_("appeal result"), max_length=10, choices=AppealResult.choices, blank=True)
    appeal_decided_on = models.DateField(_("appeal decided on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict="convicted") | Q(years__isnull=True, months__isnull=True, fine__isnull=True),
                name="judgment_no_sentence_on_acquittal",
            )
        ]


class Compensation(models.Model):
    """Compensation a defendant is ordered to pay a survivor of the proceeding (riel), and what
    was paid, when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="+")
    defendant = models.ForeignKey(Defendant, models.PROTECT, related_name="compensation")
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("amount ordered (riel)"))
    ordered_on = models.DateField(_("ordered on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["ordered_on", "recorded_at"]

    def paid(self) -> int:
        return sum(p.amount for p in self.payments.all())


class Payment(models.Model):
    """A payment of ordered compensation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proceeding = models.ForeignKey(Proceeding, models.PROTECT, related_name="+")
    compensation = models.ForeignKey(Compensation, models.PROTECT, related_name="payments")
    amount = models.PositiveBigIntegerField(_("amount paid (riel)"))
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["paid_on", "recorded_at"]


# The calendar feed ---------------------------------------------------------------------------------


class CalendarFeed(models.Model):
    """A user's secret calendar address (the SHA-256 of its token is kept, the token shown once);
    a new one, or revoking, ends the old one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True), name="one_calendar_feed")
        ]


# Her testimony: preparation and accompaniment ---------------------------------------------------


class SessionKind(models.TextChoices):
    PREPARATION = "preparation", _("Preparation for testimony")
    ACCOMPANIMENT = "accompaniment", _("Accompanied to court")


class TestimonyQuerySet(models.QuerySet["TestimonySession"]):
    def visible_to(self, user: User) -> TestimonyQuerySet:
        """On her case: for those who work on her care plan or her legal section."""
        from casebridge.cases.access import case_q
        from casebridge.cases.sections import Section

        return self.filter(
            case_q(user, Section.CARE_PLAN, outer="case_id") | case_q(user, Section.LEGAL, outer="case_id")
        )


class TestimonySession(models.Model):
    """A session preparing her to testify (while her consent to take part is current), or her
    accompaniment to a hearing she attended: when, who took part or accompanied her, and her
    readiness notes (encrypted; read only by the recording agency's staff)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=SessionKind.choices)
    on = models.DateField(_("on"))
    attendance = models.ForeignKey(Attendance, models.PROTECT, null=True, blank=True, related_name="+")
    staff = EncryptedTextField(_("with (staff)"), max_length=300)
    readiness = EncryptedTextField(_("readiness notes"), max_length=2000, blank=True, null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = TestimonyQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-recorded_at"]
