"""The investigations compartment: where children are exploited and who the players are.

Establishments, subjects (suspects and other players, whose identities are people of the people
app, encrypted and found by its search), their identifiers, the links between them, intelligence
reports, operations, and the screening of every person an operation encounters. Every record
belongs to an owning agency and is read only through :mod:`.access` (its investigation roles,
and those explicitly granted); nothing here is a section of a case. A survivor's case learns
only that a linked investigation exists, by a pseudonymous reference (:class:`CaseLink`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casebridge.lib.fields import EncryptedJSONField, EncryptedTextField
from casebridge.lib.places import PROVINCE_CHOICES

if TYPE_CHECKING:
    from casebridge.accounts.models import User


class OwnedQuerySet(models.QuerySet[Any]):
    """Records of the agencies whose investigation roles the user holds (``access``)."""

    def visible_to(self, user: User) -> OwnedQuerySet:
        from casebridge.investigations.access import investigating_agencies

        return self.filter(agency_id__in=investigating_agencies(user))


class EstablishmentType(models.TextChoices):
    BROTHEL = "brothel", _("Brothel")
    KARAOKE = "karaoke", _("Karaoke bar")
    MASSAGE = "massage", _("Massage parlour")
    BEER_GARDEN = "beer_garden", _("Beer garden")
    GUESTHOUSE = "guesthouse", _("Guesthouse")
    STREET = "street", _("Street location")
    RESIDENCE = "residence", _("Private residence")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class EstablishmentStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    CLOSED = "closed", _("Closed by the authorities")
    MOVED = "moved", _("Moved")


class Establishment(models.Model):
    """A place where people may be exploited. Its name, address and coordinates are encrypted; a
    keyed token of the address and of the coordinates' cell lets a second entry of the same place
    be noticed without reading either."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=20, choices=EstablishmentType.choices)
    name = EncryptedTextField(_("name"), max_length=200)
    aliases = EncryptedJSONField(_("other names"), blank=True, null=True)
    address = EncryptedTextField(_("address"), max_length=500, blank=True, null=True)
    address_key = models.BigIntegerField(null=True, blank=True, db_index=True)
    province = models.CharField(_("province"), max_length=6, choices=PROVINCE_CHOICES, blank=True)
    district = models.CharField(_("district"), max_length=4, blank=True)
    commune = models.CharField(_("commune"), max_length=6, blank=True)
    latitude = EncryptedTextField(_("latitude"), max_length=20, blank=True, null=True)
    longitude = EncryptedTextField(_("longitude"), max_length=20, blank=True, null=True)
    cell_key = models.BigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EstablishmentStatus.choices, default=EstablishmentStatus.OPERATING
    )
    notes = EncryptedTextField(_("notes"), max_length=5000, blank=True, null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "-created_at"], name="establishment_agency_recent")]

    def __str__(self) -> str:
        return f"establishment {self.pk}"


class StatusChangeQuerySet(models.QuerySet["StatusChange"]):
    def visible_to(self, user: User) -> StatusChangeQuerySet:
        return self.filter(establishment__in=Establishment.objects.visible_to(user))


class StatusChange(models.Model):
    """One dated change of an establishment's status: its history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    establishment = models.ForeignKey(Establishment, models.PROTECT, related_name="history")
    status = models.CharField(_("status"), max_length=12, choices=EstablishmentStatus.choices)
    since = models.DateField(_("since"))
    note = EncryptedTextField(_("note"), max_length=1000, blank=True, null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-since", "-recorded_at"]


class SubjectRole(models.TextChoices):
    """HTCDS ``per_RoleInProcess`` values, and the buyer HTCDS lacks."""

    TRAVELLING_PARTNER = "TravellingPartner", _("Travelling partner")
    TRANSPORTER = "Transporter", _("Transporter")
    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker or travel agent")
    TRANSFERRED = "TransferredIndividual", _("Transferred the person")
    HARBOURED = "HarbouredIndividual", _("Harboured the person")
    SOLD = "SoldIndividual", _("Sold the person")
    BOUGHT = "BoughtIndividual", _("Bought the person")
    RECEIVED = "ReceivedIndividual", _("Received the person")
    CONTROLLED = "ControlledIndividual", _("Controlled the person")
    SMUGGLER = "Smuggler", _("Smuggler")
    ABUSER = "Abuser", _("Abuser")
    KIDNAPPER = "Kidnapper", _("Kidnapper")
    EXPLOITER = "Exploiter", _("Exploiter")
    BUYER = "Buyer", _("Buyer of sex")
    OTHER = "Other", _("Other")


class SubjectQuerySet(models.QuerySet["Subject"]):
    def visible_to(self, user: User) -> SubjectQuerySet:
        """The owning agencies' investigation roles, and those granted this subject."""
        from casebridge.investigations.access import granted_q, investigating_agencies

        return self.filter(Q(agency_id__in=investigating_agencies(user)) | granted_q(user, "subject"))


class Subject(models.Model):
    """A suspect or another player. Who they are is a person of the people app (kind suspect):
    encrypted, and found by name through the people search, never a second index."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    person = models.OneToOneField("people.Person", models.PROTECT, related_name="subject")
    roles = models.JSONField(_("role in the process"), default=list, blank=True)
    notes = EncryptedTextField(_("notes"), max_length=5000, blank=True, null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"subject {self.pk}"

    def role_labels(self) -> list[str]:
        return [str(SubjectRole(r).label) for r in self.roles if r in SubjectRole.values]


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    VEHICLE = "vehicle", _("Vehicle plate")
    SOCIAL = "social", _("Social-media handle")
    BANK = "bank", _("Bank or mobile-money account")
    EMAIL = "email", _("E-mail address")
    OTHER = "other", _("Other")


class Identifier(models.Model):
    """A phone, a plate, a handle, an account: stored once per agency, however it was typed (a
    keyed token of its normalised form is unique), and linked to whoever used it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=IdentifierKind.choices)
    value = EncryptedTextField(_("value"), max_length=200)
    key = models.BigIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "kind", "key"], name="identifier_once_per_agency")]

    def __str__(self) -> str:
        return f"identifier {self.pk}"


class Reliability(models.TextChoices):
    """The admiralty grading of a source."""

    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class Credibility(models.TextChoices):
    """The admiralty grading of a piece of information."""

    C1 = "1", _("1 — confirmed by other sources")
    C2 = "2", _("2 — probably true")
    C3 = "3", _("3 — possibly true")
    C4 = "4", _("4 — doubtful")
    C5 = "5", _("5 — improbable")
    C6 = "6", _("6 — truth cannot be judged")


class Handling(models.TextChoices):
    INVESTIGATORS = "investigators", _("The agency's investigators only")
    ORIGINATOR = "originator", _("Not to be passed on without the originator's approval")
    SHAREABLE = "shareable", _("May be shared with the operation's police unit")


class IntelligenceReport(models.Model):
    """A piece of intelligence, graded, with its handling restriction; the entities it mentions
    are linked to it (:class:`Link`). Read only by its agency's investigation roles."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    received_on = models.DateField(_("received on"))
    reliability = models.CharField(_("source reliability"), max_length=1, choices=Reliability.choices)
    credibility = models.CharField(_("information credibility"), max_length=1, choices=Credibility.choices)
    handling = models.CharField(_("handling"), max_length=14, choices=Handling.choices)
    source = EncryptedTextField(_("source"), max_length=200, blank=True, null=True)
    summary = EncryptedTextField(_("summary"), max_length=300)
    body = EncryptedTextField(_("report"), max_length=20000, blank=True, null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-created_at"]

    def __str__(self) -> str:
        return f"intelligence {self.pk}"

    @property
    def grading(self) -> str:
        return f"{self.reliability}{self.credibility}"


class OperationState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    AUTHORISED = "authorised", _("Authorised")
    CARRIED_OUT = "carried_out", _("Carried out")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# The one place an operation's states may follow each other.
TRANSITIONS: dict[str, frozenset[str]] = {
    OperationState.PLANNED: frozenset({OperationState.AUTHORISED, OperationState.CANCELLED}),
    OperationState.AUTHORISED: frozenset({OperationState.CARRIED_OUT, OperationState.CANCELLED}),
    OperationState.CARRIED_OUT: frozenset({OperationState.CLOSED}),
    OperationState.CLOSED: frozenset(),
    OperationState.CANCELLED: frozenset(),
}


class OperationQuerySet(models.QuerySet["Operation"]):
    def visible_to(self, user: User) -> OperationQuerySet:
        """The owning agency's, the lead police unit's and the participating agencies'
        investigation roles, and those granted this operation."""
        from casebridge.investigations.access import granted_q, investigating_agencies

        mine = investigating_agencies(user)
        return self.filter(
            Q(agency_id__in=mine) | Q(lead_unit_id__in=mine) | Q(participants__in=mine) | granted_q(user, "operation")
        ).distinct()


class Operation(models.Model):
    """An operation ("intervention"): planned with the police unit, authorised by the
    prosecutor, carried out, debriefed and closed; aftercare waits on standby."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    planned_for = models.DateTimeField(_("planned for"))
    lead_unit = models.ForeignKey(
        "agencies.Agency", models.PROTECT, related_name="+", verbose_name=_("lead police unit")
    )
    participants = models.ManyToManyField(
        "agencies.Agency", related_name="+", blank=True, verbose_name=_("participating agencies")
    )
    standby = models.ForeignKey(
        "agencies.Agency",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aftercare team on standby"),
    )
    targets = models.ManyToManyField(Establishment, related_name="operations", blank=True)
    state = models.CharField(_("state"), max_length=12, choices=OperationState.choices, default=OperationState.PLANNED)
    authorisation = EncryptedTextField(_("prosecutor's authorisation reference"), max_length=100, blank=True, null=True)
    authorised_on = models.DateField(_("authorised on"), null=True, blank=True)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    debrief = EncryptedTextField(_("debrief notes"), max_length=10000, blank=True, null=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = EncryptedTextField(_("why it was cancelled"), max_length=1000, blank=True, null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_for"]

    def __str__(self) -> str:
        return self.name


class InOperationQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User) -> InOperationQuerySet:
        return self.filter(operation__in=Operation.objects.visible_to(user))


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class Encounter(models.Model):
    """A person the operation encountered, before anyone knows who she is: a number and a short
    description to tell people apart at the scene. Each is screened (:class:`Screening`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operation = models.ForeignKey(Operation, models.PROTECT, related_name="encounters")
    number = models.PositiveIntegerField(_("number"))
    description = EncryptedTextField(_("description"), max_length=300, blank=True, null=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    removed = models.BooleanField(_("removed to safety"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = InOperationQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["operation", "number"], name="encounter_number_once")]

    def __str__(self) -> str:
        return f"P-{self.number}"


class ArrestQuerySet(InOperationQuerySet):
    def standing(self) -> ArrestQuerySet:
        """Arrests not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class Arrest(models.Model):
    """A subject arrested in the operation (never a person screened as a minor). A wrong one is
    withdrawn with its reason, never deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operation = models.ForeignKey(Operation, models.PROTECT, related_name="arrests")
    subject = models.ForeignKey(Subject, models.PROTECT, related_name="arrests")
    encounter = models.ForeignKey(Encounter, models.PROTECT, null=True, blank=True, related_name="arrests")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_reason = EncryptedTextField(_("why it was withdrawn"), max_length=500, blank=True, null=True)

    objects = ArrestQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "subject"], condition=Q(withdrawn_at__isnull=True), name="arrest_once"
            ),
            models.UniqueConstraint(
                fields=["encounter"], condition=Q(withdrawn_at__isnull=True), name="arrest_once_per_person"
            ),
        ]


class SeizedItem(models.Model):
    """Something seized in the operation; the justice capability makes it evidence with its chain
    of custody."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operation = models.ForeignKey(Operation, models.PROTECT, related_name="seized")
    description = EncryptedTextField(_("description"), max_length=500)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = InOperationQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at"]


class Minor(models.TextChoices):
    YES = "yes", _("Yes, under 18")
    NO = "no", _("No, 18 or over")
    BORDERLINE = "borderline", _("Borderline: may be under 18")


class TraffickingStatus(models.TextChoices):
    """HTCDS ``vic_TraffickingStatus``."""

    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class DecidedBy(models.TextChoices):
    """HTCDS ``vic_TraffickingStatusDecisionMakingOrg``."""

    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT = "CourtOrProsecution", _("Court or prosecution")
    GOVERNMENT = "NonPoliceGovernmentalOrganization", _("Non-police government organisation")
    OTHER = "Other", _("Other")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    CASE = "case", _("Survivor case opened")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim")


# What a screening's outcome may be set to directly (a case is opened through the intake).
SCREENING_OUTCOMES = [(Outcome.PENDING, Outcome.PENDING.label), (Outcome.NOT_A_VICTIM, Outcome.NOT_A_VICTIM.label)]


class NotVictimReason(models.TextChoices):
    ADULT_NO_INDICATORS = "adult_no_indicators", _("An adult with no sign of trafficking or control")
    CUSTOMER = "customer", _("A customer or visitor")
    STAFF = "staff", _("Staff or family of the establishment")
    OTHER = "other", _("Other (say why)")


# Reasons that say the person is an adult or one of the establishment's people: never for a
# child (a child found there is a victim, not staff; the law does not punish her).
ADULT_ONLY_REASONS = frozenset({NotVictimReason.ADULT_NO_INDICATORS, NotVictimReason.STAFF})


class ScreeningQuerySet(models.QuerySet["Screening"]):
    def visible_to(self, user: User) -> ScreeningQuerySet:
        return self.filter(encounter__operation__in=Operation.objects.visible_to(user))


class Screening(models.Model):
    """The screening of one person encountered: signs of trafficking, how her age was
    determined, her trafficking status (HTCDS) and who decided, the victim context as far as
    known, her language; and the outcome: a survivor case through the foundation's intake, or
    "not a victim" with its reason. Codes are plain (they are counted); what she said is not."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    encounter = models.OneToOneField(Encounter, models.PROTECT, related_name="screening")
    indicators = models.JSONField(_("signs of trafficking"), default=list, blank=True)
    age_methods = models.JSONField(_("how the age was determined"), default=list, blank=True)
    minor = models.CharField(_("minor"), max_length=10, choices=Minor.choices)
    age_low = models.PositiveSmallIntegerField(_("estimated age, from"), null=True, blank=True)
    age_high = models.PositiveSmallIntegerField(_("estimated age, to"), null=True, blank=True)
    status = models.CharField(_("trafficking status"), max_length=30, choices=TraffickingStatus.choices)
    decided_by = models.CharField(_("decided by"), max_length=40, choices=DecidedBy.choices)
    exploitation = models.JSONField(_("type of exploitation"), default=list, blank=True)
    sexual_exploitation = models.JSONField(_("type of sexual exploitation"), default=list, blank=True)
    control = models.JSONField(_("methods of control"), default=list, blank=True)
    recruitment = models.JSONField(_("method of recruitment"), default=list, blank=True)
    relationship = models.CharField(_("relationship to the recruiter"), max_length=12, blank=True)
    forced_criminality = models.JSONField(_("forced criminality"), default=list, blank=True)
    # Places and dates of recruitment, transit and exploitation (HTCDS hte_), as told.
    history = EncryptedJSONField(_("places and dates"), blank=True, null=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    notes = EncryptedTextField(_("notes"), max_length=5000, blank=True, null=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.CharField(_("why not a victim"), max_length=24, choices=NotVictimReason.choices, blank=True)
    reason_note = EncryptedTextField(_("reason, in words"), max_length=1000, blank=True, null=True)
    case = models.OneToOneField("cases.Case", models.PROTECT, null=True, blank=True, related_name="+")
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["screened_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="case") | Q(case__isnull=False), name="screening_case_outcome_has_case"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="not_a_victim") | ~Q(reason=""), name="screening_not_victim_has_reason"
            ),
        ]

    @property
    def is_minor(self) -> bool:
        """Under 18, or perhaps: a borderline age is treated as a child's (assessment centre first)."""
        return self.minor in (Minor.YES, Minor.BORDERLINE)


class NodeType(models.TextChoices):
    ESTABLISHMENT = "establishment", _("Establishment")
    SUBJECT = "subject", _("Subject")
    IDENTIFIER = "identifier", _("Identifier")
    INTELLIGENCE = "intelligence", _("Intelligence report")
    OPERATION = "operation", _("Operation")
    CASE = "case", _("Survivor case")


class LinkKind(models.TextChoices):
    ASSOCIATE = "associate", _("Associate of")
    FAMILY = "family", _("Family of")
    WORKS_AT = "works_at", _("Works at")
    OWNS = "owns", _("Owns or manages")
    FREQUENTS = "frequents", _("Frequents")
    USES = "uses", _("Uses")
    RECRUITED = "recruited", _("Recruited")
    EXPLOITED = "exploited", _("Exploited")
    MENTIONS = "mentions", _("Mentions")
    BASIS = "basis", _("Basis of")
    TARGET = "target", _("Target of")
    ARRESTED = "arrested", _("Arrested in")
    IDENTIFIED = "identified", _("Identified in")
    OTHER = "other", _("Other")


class LinkSource(models.TextChoices):
    INTELLIGENCE = "intelligence", _("Intelligence")
    OBSERVATION = "observation", _("Observation")
    OPERATION = "operation", _("Operation")
    DOCUMENT = "document", _("Document")
    STATEMENT = "statement", _("Statement")
    OTHER = "other", _("Other")


class Link(models.Model):
    """A dated link between two nodes (``<type>:<id>``) of the network, with its source. The
    agency's own; a link to a case only where the one who made it reached the case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("agencies.Agency", models.PROTECT, related_name="+")
    a_type = models.CharField(max_length=14, choices=NodeType.choices)
    a_id = models.UUIDField()
    kind = models.CharField(_("link"), max_length=12, choices=LinkKind.choices)
    b_type = models.CharField(max_length=14, choices=NodeType.choices)
    b_id = models.UUIDField()
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=14, choices=LinkSource.choices)
    note = EncryptedTextField(_("note"), max_length=1000, blank=True, null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["a_type", "a_id"], name="link_a"),
            models.Index(fields=["b_type", "b_id"], name="link_b"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "a_type", "a_id", "kind", "b_type", "b_id"], name="link_once_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="link_dates_in_order",
            ),
        ]


class CaseLinkQuerySet(models.QuerySet["CaseLink"]):
    def visible_to(self, user: User) -> CaseLinkQuerySet:
        """A reference is followed only by those who reach the operation behind it."""
        return self.filter(operation__in=Operation.objects.visible_to(user))


class CaseLink(models.Model):
    """The pseudonymous reference a survivor's case carries to the operation that found her: a
    random code of its own (two survivors of one operation carry different codes, so the codes
    do not tell who was found together)."""

    reference = models.CharField(max_length=12, unique=True)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+")
    operation = models.ForeignKey(Operation, models.PROTECT, related_name="case_links")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]


class Grant(models.Model):
    """Explicit access to one subject or operation for one user outside the owning agency (a
    lawyer on a linked proceeding: the justice capability grants it), until revoked or expired."""

    subject = models.ForeignKey(Subject, models.PROTECT, null=True, blank=True, related_name="grants")
    operation = models.ForeignKey(Operation, models.PROTECT, null=True, blank=True, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(subject__isnull=True, operation__isnull=False)
                | Q(subject__isnull=False, operation__isnull=True),
                name="grant_one_record",
            )
        ]
