"""The case: one survivor, one lead agency, a team, and a timeline that later capabilities
(crisis care, referrals, care plans, proceedings) add to."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casebridge.cases import sections as sec
from casebridge.cases.sections import Section
from casebridge.lib.fields import EncryptedTextField
from casebridge.lib.places import PROVINCE_CHOICES

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.cases.access import CaseAccess


class CaseStatus(models.TextChoices):
    """HTCDS ``cas_Status`` values."""

    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow-up")
    CLOSED = "Closed", _("Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed — referred")


CLOSED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED})


class ClosureReason(models.TextChoices):
    REINTEGRATED = "reintegrated", _("Reintegrated and safe")
    REFERRED = "referred", _("Referred to another agency")
    DECLINED = "declined", _("Survivor declined further services")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    REPATRIATED = "repatriated", _("Returned to country of origin")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim of trafficking")
    DUPLICATE = "duplicate", _("Duplicate record")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User, section: Section | None = None) -> CaseQuerySet:
        """The cases ``user`` reaches (any section, or ``section``). The one way to read cases."""
        from casebridge.cases.access import case_q

        return self.filter(case_q(user, section))

    def update(self, **kwargs: Any) -> int:
        """A bulk change of lead agency moves the lead's way in too (see WayInQuerySet); any bulk
        change gives the cases' measures a new stamp (``lib.measures``: signals see only saves)."""
        from casebridge.indicators.tally import mark
        from casebridge.lib.measures import changed as measured

        measured("cases")
        case_ids = list(self.values_list("pk", flat=True))
        mark(f"case:{pk}" for pk in case_ids)  # (the indicators' tallies take them in again)
        if "lead_agency" not in kwargs and "lead_agency_id" not in kwargs:
            return super().update(**kwargs)
        from casebridge.cases.access import sync_reach

        changed = super().update(**kwargs)
        for case_id in case_ids:
            sync_reach(case_id)
        return changed


class AgeBand(models.TextChoices):
    """The survivor's age when the case was opened, in the global counter-trafficking dataset's
    bands, with 9-17 split at 15 (the law's age for a young minor): merged, they are the
    dataset's; below 15, the law's."""

    UNKNOWN = "", _("age unknown")
    B0_8 = "0-8", "0-8"
    B9_14 = "9-14", "9-14"
    B15_17 = "15-17", "15-17"
    B18_20 = "18-20", "18-20"
    B21_23 = "21-23", "21-23"
    B24_26 = "24-26", "24-26"
    B27_29 = "27-29", "27-29"
    B30_38 = "30-38", "30-38"
    B39_47 = "39-47", "39-47"
    B48 = "48+", "48+"


def age_band(age: int | None) -> str:
    if age is None:
        return AgeBand.UNKNOWN
    for band in AgeBand.values[1:]:
        low, _sep, high = band.rstrip("+").partition("-")
        if age >= int(low) and (not high or age <= int(high)):
            return band
    return AgeBand.UNKNOWN


def intake_facets(survivor: Any, opened_on: datetime.date) -> dict[str, str]:
    """What a case's lists are filtered and counted by, from the survivor's identity when it was
    opened: coarse and kept in plain columns (decision 0007), never a name, a date or a place
    smaller than a province."""
    from casebridge.people.models import Person

    nationalities = survivor.nationalities or []
    return {
        "age_band": age_band(Person.age_on(survivor, opened_on)),
        "sex": survivor.gender or "",
        "nationality": nationalities[0] if nationalities else "",
    }


# What a correction of the survivor's identity may change, as the timeline names it (which
# fields changed, never their values: the timeline's facts are not encrypted).
CORRECTABLE = {
    "family_name": _("family name"),
    "given_name": _("given name"),
    "family_name_latin": _("family name in Latin letters"),
    "given_name_latin": _("given name in Latin letters"),
    "aliases": _("other names"),
    "birth_date": _("birth date"),
    "estimated_age": _("estimated age"),
    "age_method": _("how the age was established"),
}


class Case(models.Model):
    """One survivor's case, led by one agency."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("case number"), max_length=32, unique=True, editable=False)
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="led_cases")
    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases_as_survivor")
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    closure_reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = EncryptedTextField(_("closure note"), max_length=2000, blank=True, null=True)
    province = models.CharField(_("province"), max_length=6, choices=PROVINCE_CHOICES)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases", verbose_name=_("case worker")
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Coarse facts of the survivor at intake, for lists and counts (intake_facets).
    age_band = models.CharField(_("age band at intake"), max_length=5, choices=AgeBand.choices, blank=True, default="")
    sex = models.CharField(_("sex / gender"), max_length=30, blank=True, default="")
    nationality = models.CharField(_("nationality"), max_length=2, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-created_at"]
        verbose_name = _("case")
        indexes = [
            models.Index(fields=["lead_agency", "status"], name="case_lead_status"),
            models.Index(fields=["-opened_on", "-created_at"], name="case_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=sorted(CLOSED_STATUSES)) | ~models.Q(closure_reason=""),
                name="case_closed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def province_name(self) -> str:
        from casebridge.lib.places import province_name

        return province_name(self.province)


class CaseNumberSequence(models.Model):
    """The last case number an agency issued in a year (row-locked while a number is taken)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="case_sequence_unique")]


class ParticipantRole(models.TextChoices):
    GUARDIAN = "guardian", _("Guardian")
    FAMILY = "family", _("Family member")
    WITNESS = "witness", _("Witness")


class CaseParticipant(models.Model):
    """Another person in the survivor's case: a guardian, a family member, a witness. (Suspects
    live in the investigations compartment and link to cases through pseudonymous references.)"""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="participant_unique")]


class WayInQuerySet(models.QuerySet[Any]):
    """For the records a case's ways in (``Reach``) are derived from: a bulk ``update`` or
    ``bulk_create`` keeps them in step too, as ``save`` does through cases.signals."""

    def update(self, **kwargs: Any) -> int:
        from casebridge.cases.access import sync_reach

        case_ids = set(self.values_list("case_id", flat=True))
        changed = super().update(**kwargs)
        for case_id in case_ids:
            sync_reach(case_id)
        return changed

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        from casebridge.cases.access import sync_reach

        created = super().bulk_create(objs, *args, **kwargs)
        for case_id in {obj.case_id for obj in created}:
            sync_reach(case_id)
        return created


class TeamMemberQuerySet(WayInQuerySet):
    def visible_to(self, user: User) -> TeamMemberQuerySet:
        """Active team places the user may know of (``cases.access.team_q``)."""
        from casebridge.cases.access import team_q

        return self.filter(team_q(user))


class TeamMember(models.Model):
    """A user, or a whole agency, on a case's team with the sections granted to them."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="case_teams"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="case_teams"
    )
    sections = models.PositiveIntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=True, agency__isnull=False)
                | models.Q(user__isnull=False, agency__isnull=True),
                name="team_member_user_xor_agency",
            ),
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(removed_at__isnull=True), name="team_unique_active_user"
            ),
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=models.Q(removed_at__isnull=True),
                name="team_unique_active_agency",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "case"], name="team_user_case"),
            models.Index(fields=["agency", "case"], name="team_agency_case"),
        ]

    @property
    def section_list(self) -> list[Section]:
        return sec.ordered(sec.from_mask(self.sections))


class GrantQuerySet(WayInQuerySet):
    def active(self, now: datetime.datetime) -> GrantQuerySet:
        return self.filter(starts_at__lte=now, revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class GrantKind(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    FORMER_LEAD = "former_lead", _("Kept by a former lead agency")
    PREVIEW = "preview", _("Read while deciding on a handover")


class ReferralGrant(models.Model):
    """Access for a receiving agency to the sections a referral needs, while it is active.
    The referral workflow creates and revokes these; enforcement lives in cases.access. A former
    lead agency's grant gives its members no more than their roles had as lead; a preview grant
    only reads."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referral_grants")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="referral_grants")
    sections = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=GrantKind.choices, default=GrantKind.REFERRAL)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["agency", "case"], name="grant_agency_case")]


class BreakGlassQuerySet(WayInQuerySet):
    def active(self, now: datetime.datetime) -> BreakGlassQuerySet:
        return self.filter(expires_at__gt=now)

    def reviewable_by(self, user: User) -> BreakGlassQuerySet:
        """Emergency access that ``user`` reviews: to cases led by an agency where they are privacy
        officer, and, for a platform privacy officer, to cases led by an agency with no privacy
        officer but the one who broke the glass (agencies.models.privacy_officers). Never one's own."""
        from casebridge.agencies.models import Membership, Role

        officer = [m for m in user.active_memberships() if m.role == Role.PRIVACY_OFFICER]
        if not officer:
            return self.none()
        reviewed = models.Q(case__lead_agency_id__in=[m.agency_id for m in officer])
        if any(m.agency.is_platform for m in officer):
            own = (
                Membership.objects.in_force()
                .filter(agency_id=models.OuterRef("case__lead_agency_id"), role=Role.PRIVACY_OFFICER)
                .exclude(user_id=models.OuterRef("user_id"))
            )
            reviewed |= models.Q(~models.Exists(own))
        return self.filter(reviewed).exclude(user_id=user.pk)


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", _("Justified")
    NOT_JUSTIFIED = "not_justified", _("Not justified")


class BreakGlass(models.Model):
    """Emergency access to a case outside the user's grants: a written reason, a time limit, an
    alert to the lead agency's privacy officers, and a review."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField(_("reason"), max_length=1000)
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField(_("review note"), max_length=1000, blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "case", "expires_at"], name="breakglass_user_case")]


class ReachPath(models.TextChoices):
    LEAD = "lead", _("Lead agency")
    TEAM = "team", _("Case team")
    REFERRAL = "referral", _("Referral")
    FORMER_LEAD = "former_lead", _("Former lead agency")
    PREVIEW = "preview", _("Deciding on a handover")
    BREAK_GLASS = "break_glass", _("Emergency access")


_REACH_ORDER = ["-opened_on", "-case_created_at", "-case", "sections", "starts_at", "expires_at"]


class Reach(models.Model):
    """One way into a case, kept where an index can answer "which cases can this user reach":
    the members of an agency, or one user; the sections the path opens at most; its time window.

    Derived data: ``cases.access.sync_reach`` rebuilds a case's rows from its lead agency, team,
    referral grants and emergency access whenever one of them is saved, and nothing else writes
    them. What a member gets from a row (their role's share of it) is decided in cases.access."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reaches")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    path = models.CharField(max_length=12, choices=ReachPath.choices)
    sections = models.PositiveIntegerField()
    starts_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)
    # The case's own order (Case.Meta.ordering), so that a list page is read off an index.
    opened_on = models.DateField()
    case_created_at = models.DateTimeField()

    class Meta:
        # Every column a list page filters or counts on is in the index: pages and counts are
        # index-only scans, in the order the list shows.
        indexes = [
            models.Index(fields=["agency", "path", *_REACH_ORDER], name="reach_agency_order"),
            models.Index(fields=["user", "path", *_REACH_ORDER], name="reach_user_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=True, agency__isnull=False)
                | models.Q(user__isnull=False, agency__isnull=True),
                name="reach_user_xor_agency",
            ),
        ]


class Audience(models.TextChoices):
    """Who may see a timeline entry beyond its section. Which other agencies serve a survivor
    is need-to-know in itself (docs/access-rules.md)."""

    SECTION = "", _("Everyone who reaches its section")
    PARTNER = "partner", _("The lead agency's case staff and the agency it is about")
    LEAD = "lead", _("The lead agency's case staff and privacy officer")


# Codes a capability puts in a timeline entry's ``data``, with the choices that name them in the
# reader's language (registered by the capability's AppConfig.ready).
FACT_LABELS: dict[str, type[models.TextChoices]] = {}


class EventKind(models.TextChoices):
    CASE_OPENED = "case_opened", _("Case opened")
    STATUS_CHANGED = "status_changed", _("Status changed")
    NOTE = "note", _("Note")
    CONSENT = "consent", _("Consent recorded")
    TEAM_ADDED = "team_added", _("Added to the case team")
    TEAM_REMOVED = "team_removed", _("Removed from the case team")
    BREAK_GLASS = "break_glass", _("Emergency access")
    ASSIGNED = "assigned", _("Case worker changed")
    IDENTITY_CORRECTED = "identity_corrected", _("Identity corrected")
    CONTACT_REQUESTED = "contact_requested", _("Contact request from another agency")
    CONTACT_ANSWERED = "contact_answered", _("Contact request answered")
    DIFFERENT_PERSON = "different_person", _("Registered as a different person")
    INVESTIGATION_LINKED = "investigation_linked", _("A linked investigation exists")
    CRISIS_CARE_STARTED = "crisis_care_started", _("Crisis care started")
    CRISIS_CARE_ENDED = "crisis_care_ended", _("Crisis care ended")
    PLACED = "placed", _("Placed")
    SAFEGUARD_INCIDENT = "safeguard_incident", _("Safeguard incident")
    NEEDS_ASSESSED = "needs_assessed", _("Needs assessed")
    INTERVIEWED = "interviewed", _("Interviewed")
    GUARDIAN_DECISION = "guardian_decision", _("Decision on telling her parents or guardian")
    REFERRAL = "referral", _("Referral")
    CARE_PLAN_MADE = "care_plan_made", _("Care plan made")
    CARE_PLAN_REVIEWED = "care_plan_reviewed", _("Care plan reviewed")
    CARE_PLAN_CLOSED = "care_plan_closed", _("Care plan closed")
    REINTEGRATION = "reintegration", _("Reintegration stage")
    TRANSFERRED = "transferred", _("Lead agency changed")
    LEFT_CARE = "left_care", _("Left care")
    PROCEEDING_LINKED = "proceeding_linked", _("A proceeding exists")


class TimelineQuerySet(models.QuerySet["TimelineEvent"]):
    def visible_to(self, user: User) -> TimelineQuerySet:
        """Entries the user may see, on every case they reach."""
        from casebridge.cases.access import timeline_q

        return self.filter(timeline_q(user))

    def on_case(self, case: Case, access: CaseAccess) -> TimelineQuerySet:
        """One case's entries as ``access`` (``case_access(user, case)``) may see them: the same
        rule as visible_to, answered from the access already computed for the page."""
        from casebridge.cases.access import case_timeline_q

        return self.filter(case_timeline_q(case, access))

    def current(self) -> TimelineQuerySet:
        """Without the versions of notes that have been corrected since."""
        return self.filter(correction__isnull=True)


class TimelineEvent(models.Model):
    """One dated entry on a case's timeline. ``section`` says who may see it (blank: everyone
    who reaches the case), and ``audience`` narrows it further for entries that say which other
    agency serves the survivor (``about_agency``) or who used emergency access; ``body`` holds
    free text, encrypted; ``data`` holds small, non-identifying facts for display."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField(_("kind"), max_length=40)
    section = models.CharField(_("section"), max_length=20, blank=True, choices=Section.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+")
    role = models.CharField(_("role"), max_length=40, blank=True)
    audience = models.CharField(max_length=8, choices=Audience.choices, blank=True, default=Audience.SECTION)
    about_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = EncryptedTextField(_("text"), max_length=10000, blank=True, null=True)
    data = models.JSONField(default=dict, blank=True)
    # A note's correction is a new entry that names the one it corrects; the timeline shows the
    # newest version, and the older ones stay, as its history.
    corrects = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction")

    objects = TimelineQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-recorded_at"]
        indexes = [models.Index(fields=["case", "-occurred_at"], name="timeline_case_time")]

    def role_label(self) -> str:
        """The author's role, for readers who may not learn the author's agency."""
        from casebridge.agencies.models import Role

        return str(Role(self.role).label) if self.role in Role.values else str(_("A partner"))

    def kind_label(self) -> str:
        try:
            return str(EventKind(self.kind).label)
        except ValueError:
            return self.kind

    def facts(self) -> list[str]:
        """``data`` for display, codes turned into labels in the reader's language."""
        from casebridge.consents.models import Decision, Purpose  # consents builds on cases

        labels: dict[str, type[models.TextChoices]] = {
            "status": CaseStatus,
            "reason": ClosureReason,
            "purpose": Purpose,
            "decision": Decision,
            "answer": ContactAnswer,
            **FACT_LABELS,
        }
        facts = []
        for key in ("status", "reason", "purpose", "decision", "answer", *FACT_LABELS, "agency", "name"):
            value = self.data.get(key)
            if not value:
                continue
            choices = labels.get(key)
            facts.append(str(choices(value).label) if choices and value in choices.values else str(value))
        sections = [str(Section(s).label) for s in self.data.get("sections", []) if s in Section.values]
        if sections:
            facts.append(", ".join(sections))
        changed = [str(CORRECTABLE.get(f, f)) for f in self.data.get("fields", [])]
        if changed:
            facts.append(", ".join(changed))
        if self.data.get("reference"):
            facts.append(_("reference %(reference)s") % {"reference": self.data["reference"]})
        if self.data.get("minor") == "assessment_centre":
            facts.append(str(_("a minor: to an assessment centre first")))
        return facts


class ContactAnswer(models.TextChoices):
    WILL_CONTACT = "will_contact", _("We will contact the requester")
    DECLINED = "declined", _("Declined")


# A sent request as its requester sees it: waiting, or the answer.
CONTACT_STATUSES = [("waiting", _("Waiting for an answer")), *ContactAnswer.choices]


class ContactRequestQuerySet(models.QuerySet["ContactRequest"]):
    def visible_to(self, user: User) -> ContactRequestQuerySet:
        """The requests the user sent, and those on cases led by an agency where they are case
        staff or privacy officer (who decide whether to answer, and who review them)."""
        from casebridge.agencies.models import Role
        from casebridge.cases.access import is_case_staff

        leads = [
            m.agency_id for m in user.active_memberships() if is_case_staff(m.role) or m.role == Role.PRIVACY_OFFICER
        ]
        return self.filter(models.Q(requester_id=user.pk) | models.Q(case__lead_agency_id__in=leads))


class ContactRequest(models.Model):
    """At intake, a strong match in records the user may not see: the user asks, with a reason,
    that the matching case's lead agency get in touch. The requester is never told which agency
    or case (that would say where the child is); one request to several cases shares a group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.UUIDField(db_index=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contact_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requester_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.CharField(_("answer"), max_length=16, choices=ContactAnswer.choices, blank=True)
    answer_note = models.TextField(_("note"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ContactRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
