"""Who may reach which case, and which of its sections. The single place these rules live.

A user reaches a section of a case through:
(a) membership of the case's lead agency, with a role whose defaults include the section;
(b) the case team, as a named user or as a member of a named agency, for the sections granted;
(c) an active referral grant to their agency, for the sections granted;
(d) break-the-glass, for a limited time, for their role's default sections.
Grants (b, c) never exceed the role's ceiling: a police investigator is never shown medical
records, whatever is granted, and administrators, trainers and managers never read case content.
A lead-agency privacy officer reaches the case itself (number, status, access log), no section.

Everything that reads cases or their content filters through :func:`case_q` / :func:`content_q`
via the models' ``visible_to`` managers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from casebridge.agencies.models import Role
from casebridge.cases import sections as sec
from casebridge.cases.sections import Section

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.cases.models import Case, TeamMember

S = Section
ROLE_DEFAULT: dict[str, frozenset[Section]] = {
    Role.POLICE_INVESTIGATOR: frozenset({S.IDENTITY, S.INVESTIGATION}),
    Role.NGO_INVESTIGATOR: frozenset({S.IDENTITY, S.INVESTIGATION}),
    Role.AFTERCARE_SOCIAL_WORKER: frozenset({S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN, S.COUNSELLING}),
    Role.GOVERNMENT_SOCIAL_WORKER: frozenset({S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN}),
    Role.PARTNER_CASEWORKER: frozenset({S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN, S.COUNSELLING}),
    Role.MEDICAL_STAFF: frozenset({S.IDENTITY, S.MEDICAL}),
    Role.LAWYER: frozenset({S.IDENTITY, S.LEGAL, S.INVESTIGATION}),
}
ROLE_CEILING: dict[str, frozenset[Section]] = {
    Role.POLICE_INVESTIGATOR: frozenset({S.IDENTITY, S.INVESTIGATION, S.LEGAL, S.CRISIS_CARE}),
    Role.NGO_INVESTIGATOR: frozenset({S.IDENTITY, S.INVESTIGATION, S.LEGAL}),
    Role.AFTERCARE_SOCIAL_WORKER: sec.ALL,
    Role.GOVERNMENT_SOCIAL_WORKER: sec.ALL - {S.INVESTIGATION},
    Role.PARTNER_CASEWORKER: sec.ALL - {S.INVESTIGATION},
    Role.MEDICAL_STAFF: frozenset({S.IDENTITY, S.MEDICAL, S.CRISIS_CARE, S.CARE_PLAN, S.COUNSELLING}),
    Role.LAWYER: sec.ALL,
}
# Roles that see a lead-agency case exist (and its access log) without any section.
CASE_HEADER_ROLES = frozenset({Role.PRIVACY_OFFICER})


def default_sections(role: str) -> frozenset[Section]:
    return ROLE_DEFAULT.get(role, frozenset())


def ceiling(role: str) -> frozenset[Section]:
    return ROLE_CEILING.get(role, frozenset())


def can_hold_content(user: User) -> bool:
    return any(ceiling(m.role) for m in user.active_memberships())


def _wanted(section: Section | None, allowed: frozenset[Section]) -> int:
    """The bit mask to test a grant against: the one section asked for, if allowed, or any."""
    if section is None:
        return sec.to_mask(allowed)
    return sec.BIT[section] if section in allowed else 0


def _grant_case_ids(queryset: QuerySet[Any], mask: int) -> QuerySet[Any]:
    return queryset.alias(hit=F("sections").bitand(mask)).exclude(hit=0).values("case_id")


def case_q(user: User, section: Section | None = None) -> Q:
    """A filter on Case: the cases where ``user`` reaches ``section`` (or the case at all)."""
    from casebridge.cases.models import BreakGlass, ReferralGrant, TeamMember

    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    now = timezone.now()
    memberships = user.active_memberships()
    q = Q(pk__in=[])

    lead_agencies = [
        m.agency_id
        for m in memberships
        if (section in default_sections(m.role))
        or (section is None and (default_sections(m.role) or m.role in CASE_HEADER_ROLES))
    ]
    if lead_agencies:
        q |= Q(lead_agency_id__in=lead_agencies)

    user_ceiling = frozenset().union(*(ceiling(m.role) for m in memberships))
    user_mask = _wanted(section, user_ceiling)
    if user_mask:
        q |= Q(pk__in=_grant_case_ids(TeamMember.objects.filter(user=user, removed_at__isnull=True), user_mask))

    for m in memberships:
        mask = _wanted(section, ceiling(m.role))
        if not mask:
            continue
        team = TeamMember.objects.filter(agency_id=m.agency_id, removed_at__isnull=True)
        grants = ReferralGrant.objects.active(now).filter(agency_id=m.agency_id)
        q |= Q(pk__in=_grant_case_ids(team, mask)) | Q(pk__in=_grant_case_ids(grants, mask))

    glass_sections = frozenset().union(*(default_sections(m.role) for m in memberships))
    if glass_sections and (section is None or section in glass_sections):
        q |= Q(pk__in=BreakGlass.objects.active(now).filter(user=user).values("case_id"))
    return q


def content_q(user: User, prefix: str = "case") -> Q:
    """A filter on a model with ``case`` and ``section`` fields: rows whose section the user
    reaches on their case. Rows with an empty section belong to the case as a whole."""
    from casebridge.cases.models import Case

    q = Q(**{"section": "", f"{prefix}__in": Case.objects.filter(case_q(user)).values("pk")})
    for section in Section:
        q |= Q(**{"section": section.value, f"{prefix}__in": Case.objects.filter(case_q(user, section)).values("pk")})
    return q


@dataclass(frozen=True)
class CaseAccess:
    """What one user may see of one case, and through which paths."""

    sections: frozenset[Section] = frozenset()
    via: frozenset[str] = frozenset()
    is_lead: bool = False
    header_only: bool = False
    break_glass: bool = False
    lead_roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def reaches(self) -> bool:
        return bool(self.sections) or self.header_only

    def can(self, section: str) -> bool:
        return section in self.sections

    @property
    def can_manage(self) -> bool:
        """Change status and team: lead-agency staff who hold content."""
        return self.is_lead and any(default_sections(r) for r in self.lead_roles)

    @property
    def can_see_access_log(self) -> bool:
        return self.is_lead

    def sections_list(self) -> list[Section]:
        return sec.ordered(self.sections)


def case_access(user: User, case: Case) -> CaseAccess:
    """Everything ``user`` reaches on ``case``, computed from the same rules as :func:`case_q`."""
    from casebridge.cases.models import BreakGlass, ReferralGrant, TeamMember

    if not user.is_authenticated or not user.is_active:
        return CaseAccess()
    now = timezone.now()
    memberships = user.active_memberships()
    sections: set[Section] = set()
    via: set[str] = set()
    lead_roles = {m.role for m in memberships if m.agency_id == case.lead_agency_id}
    header = False
    for role in lead_roles:
        if default_sections(role):
            sections |= default_sections(role)
            via.add("lead")
        if role in CASE_HEADER_ROLES:
            header = True
            via.add("lead")

    user_ceiling = frozenset().union(*(ceiling(m.role) for m in memberships))
    for member in TeamMember.objects.filter(case=case, user=user, removed_at__isnull=True):
        granted = sec.from_mask(member.sections) & user_ceiling
        if granted:
            sections |= granted
            via.add("team")
    agency_ids = {m.agency_id for m in memberships}
    agency_grants: list[tuple[int | None, int, str]] = [
        (m.agency_id, m.sections, "team")
        for m in TeamMember.objects.filter(case=case, agency_id__in=agency_ids, removed_at__isnull=True)
    ] + [
        (g.agency_id, g.sections, "referral")
        for g in ReferralGrant.objects.active(now).filter(case=case, agency_id__in=agency_ids)
    ]
    for agency_id, mask, path in agency_grants:
        for m in memberships:
            if m.agency_id == agency_id:
                granted = sec.from_mask(mask) & ceiling(m.role)
                if granted:
                    sections |= granted
                    via.add(path)
    glass = False
    if BreakGlass.objects.active(now).filter(case=case, user=user).exists():
        glass_sections = frozenset().union(*(default_sections(m.role) for m in memberships))
        if glass_sections:
            sections |= glass_sections
            via.add("break_glass")
            glass = True
    return CaseAccess(
        sections=frozenset(sections),
        via=frozenset(via),
        is_lead=bool(lead_roles),
        header_only=header and not sections,
        break_glass=glass,
        lead_roles=frozenset(lead_roles),
    )


def visible_team(case: Case, access: CaseAccess) -> list[TeamMember]:
    """The case team as ``access`` may see it: lead-agency case staff see everyone; others see
    only members whose granted sections they reach themselves (a member's grant says what kind
    of work goes on, e.g. an investigation, and an agency on the team may say where the child is)."""
    from casebridge.cases.models import TeamMember

    if not access.sections:
        return []
    members = TeamMember.objects.filter(case=case, removed_at__isnull=True).select_related("user", "agency")
    if access.can_manage:
        return list(members)
    return [m for m in members if sec.from_mask(m.sections) <= access.sections]
