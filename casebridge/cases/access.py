"""Who may reach which case, which of its sections, and which of its partners. The single place
these rules live.

A user reaches a section of a case through one of its ways in (``Reach`` rows):
(a) ``lead``: membership of the case's lead agency, with a role whose defaults include the section;
(b) ``team``: the case team, as a named user or as a member of a named agency, for the sections granted;
(c) ``referral``: an active referral grant to their agency, for the sections granted;
(d) ``break_glass``: for a limited time, their role's default sections, never the whereabouts.
Grants (b, c) never exceed the role's ceiling: a police investigator is never shown medical
records, whatever is granted, and administrators, trainers and managers never read case content.
A lead-agency privacy officer reaches the case itself (number, status, access log), no section.

Which other agencies serve the survivor is need-to-know in itself: the lead agency's case staff
see the whole team, every sharing consent and every partner's entries; anyone else sees only
what concerns their own agency (see :func:`visible_team`, :func:`timeline_q`, :func:`consent_q`).

The ways in are kept in the ``Reach`` table (:func:`sync_reach` derives them from the lead, team,
grants and emergency access), so that "which cases can this user reach" is one indexed
``EXISTS``. :func:`path_sections` says what one way in gives one role; the SQL of :func:`case_q`
and the Python of :func:`case_access` are both built from it.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from casebridge.agencies.models import Role
from casebridge.cases import sections as sec
from casebridge.cases.sections import Section
from casebridge.lib.compiled import Compiled, Rows, Slot, execute_prepared, fill, slots

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Membership
    from casebridge.cases.models import Case, Reach, TeamMember, TimelineEvent

S = Section
ROLE_DEFAULT: dict[str, frozenset[Section]] = {
    Role.POLICE_INVESTIGATOR: frozenset({S.IDENTITY, S.INVESTIGATION}),
    Role.NGO_INVESTIGATOR: frozenset({S.IDENTITY, S.INVESTIGATION}),
    Role.AFTERCARE_SOCIAL_WORKER: frozenset({S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN, S.COUNSELLING, S.WHEREABOUTS}),
    Role.GOVERNMENT_SOCIAL_WORKER: frozenset({S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN, S.WHEREABOUTS}),
    Role.PARTNER_CASEWORKER: frozenset({S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN, S.COUNSELLING, S.WHEREABOUTS}),
    Role.MEDICAL_STAFF: frozenset({S.IDENTITY, S.MEDICAL}),
    Role.LAWYER: frozenset({S.IDENTITY, S.LEGAL, S.INVESTIGATION}),
}
ROLE_CEILING: dict[str, frozenset[Section]] = {
    Role.POLICE_INVESTIGATOR: frozenset({S.IDENTITY, S.INVESTIGATION, S.LEGAL, S.CRISIS_CARE, S.WHEREABOUTS}),
    Role.NGO_INVESTIGATOR: frozenset({S.IDENTITY, S.INVESTIGATION, S.LEGAL}),
    Role.AFTERCARE_SOCIAL_WORKER: sec.ALL,
    Role.GOVERNMENT_SOCIAL_WORKER: sec.ALL - {S.INVESTIGATION},
    Role.PARTNER_CASEWORKER: sec.ALL - {S.INVESTIGATION},
    Role.MEDICAL_STAFF: frozenset({S.IDENTITY, S.MEDICAL, S.CRISIS_CARE, S.CARE_PLAN, S.COUNSELLING, S.WHEREABOUTS}),
    Role.LAWYER: sec.ALL,
}
# Roles that see a lead-agency case exist (and its access log) without any section.
CASE_HEADER_ROLES = frozenset({Role.PRIVACY_OFFICER})
# Emergency access is for finding out who a child is and what is being done, not where she is:
# where she lives is what a trafficker would bribe an officer to look up.
NEVER_BY_BREAK_GLASS = frozenset({S.WHEREABOUTS})

LEAD, TEAM, REFERRAL, BREAK_GLASS = "lead", "team", "referral", "break_glass"
# A former lead agency keeps, by grant, what it chose of what its own roles had (after handing the
# case over); an agency deciding whether to take a case over reads, and writes nothing.
FORMER_LEAD, PREVIEW = "former_lead", "preview"
_PATH_ORDER = [LEAD, TEAM, REFERRAL, FORMER_LEAD, PREVIEW, BREAK_GLASS]  # the agency one acts for: the lead's first
READ_ONLY = frozenset({PREVIEW, BREAK_GLASS})


def default_sections(role: str) -> frozenset[Section]:
    return ROLE_DEFAULT.get(role, frozenset())


def ceiling(role: str) -> frozenset[Section]:
    return ROLE_CEILING.get(role, frozenset())


def path_sections(path: str, mask: int, role: str) -> frozenset[Section]:
    """What a member with ``role`` gets from one way into a case that grants ``mask``."""
    if path == LEAD:
        return default_sections(role)
    if path == BREAK_GLASS:
        return default_sections(role) - NEVER_BY_BREAK_GLASS
    if path == FORMER_LEAD:
        return sec.from_mask(mask) & default_sections(role)
    return sec.from_mask(mask) & ceiling(role)


def is_case_staff(role: str) -> bool:
    """A role that works on cases at its own agency (and so may manage the lead agency's cases)."""
    return bool(default_sections(role))


def can_hold_content(user: User) -> bool:
    return any(ceiling(m.role) for m in user.active_memberships())


@models.PositiveIntegerField.register_lookup
class AnyBit(models.Lookup):  # type: ignore[type-arg]
    """``sections__anybit=mask``: the stored mask shares a bit with ``mask``."""

    lookup_name = "anybit"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"({lhs} & {rhs}) <> 0", [*lhs_params, *rhs_params]


def _wanted(section: Section | None, sections: Iterable[Section]) -> int:
    """The bit mask to test a way in against: the one section asked for, if among ``sections``, or any."""
    allowed = frozenset(sections)
    if section is None:
        return sec.to_mask(allowed)
    return sec.BIT[section] if section in allowed else 0


def _by_agency(memberships: Iterable[Membership]) -> dict[int, set[str]]:
    roles: dict[int, set[str]] = {}
    for m in memberships:
        roles.setdefault(m.agency_id, set()).add(m.role)
    return roles


def _open_at(now: datetime.datetime) -> Q:
    return (Q(starts_at__isnull=True) | Q(starts_at__lte=now)) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


@dataclass(frozen=True)
class Term:
    """One kind of way in that opens what was asked for: rows of ``path`` held by this agency
    (``column="agency_id"``) or this user (``"user_id"``), sharing a bit with ``mask`` (None: any)."""

    column: str
    principal: int
    path: str
    mask: int | None


def terms(user: User, section: Section | None = None, *, content: bool = False) -> list[Term]:
    """The ways in that give ``user`` ``section``, or the case at all (with ``content``, some
    section of it: not only the case record a privacy officer sees). The SQL filter
    (:func:`reach_q`) and the list pages (:class:`ReachableCases`) are both built from these."""
    if not user.is_authenticated or not user.is_active:
        return []
    memberships = user.active_memberships()
    found = []
    for agency_id, roles in _by_agency(memberships).items():
        lead = _wanted(section, set().union(*(path_sections(LEAD, 0, r) for r in roles)))
        if lead or (section is None and not content and roles & CASE_HEADER_ROLES):
            found.append(Term("agency_id", agency_id, LEAD, None))
        granted = _wanted(section, set().union(*(ceiling(r) for r in roles)))
        if granted:
            found += [Term("agency_id", agency_id, path, granted) for path in (TEAM, REFERRAL, PREVIEW)]
        former = _wanted(section, set().union(*(default_sections(r) for r in roles)))
        if former:
            found.append(Term("agency_id", agency_id, FORMER_LEAD, former))
    roles = {m.role for m in memberships}
    as_member = _wanted(section, set().union(*(ceiling(r) for r in roles)))
    if as_member:
        found.append(Term("user_id", user.pk, TEAM, as_member))
    if _wanted(section, set().union(*(path_sections(BREAK_GLASS, 0, r) for r in roles))):
        found.append(Term("user_id", user.pk, BREAK_GLASS, None))
    return found


def reach_q(
    user: User, section: Section | None = None, now: datetime.datetime | None = None, *, content: bool = False
) -> Q:
    """A filter on ``Reach``: the open ways in that give ``user`` ``section`` (see :func:`terms`)."""
    found = [(t.column, t.principal, t.path, t.mask) for t in terms(user, section, content=content)]
    return reach_rule(found, now or timezone.now())


def reach_rule(found: Iterable[tuple[str, Any, str, Any]], now: Any) -> Q:
    """The filter of :func:`reach_q` for these terms (column, principal, path, mask or None) at
    ``now``: values, or ``lib.compiled`` slots for a query compiled once."""
    rule = Q(pk__in=[])
    for column, principal, path, mask in found:
        condition = Q(**{column: principal, "path": path})
        if mask is not None:
            condition &= Q(sections__anybit=mask)
        rule |= condition
    return rule & _open_at(now)


Kinds = tuple[tuple[str, str, bool], ...]


def compiled_rule(kinds: Kinds) -> Q:
    """:func:`reach_rule` on ``lib.compiled`` slots, for terms of these kinds (column, path,
    masked); their values come from :func:`rule_values`."""
    ways = [
        (
            column,
            Slot(f"p{i}", models.BigIntegerField()),
            path,
            Slot(f"m{i}", models.IntegerField()) if masked else None,
        )
        for i, (column, path, masked) in enumerate(kinds)
    ]
    return reach_rule(ways, Slot("now", models.DateTimeField()))


def rule_values(user: User, section: Section | None = None) -> tuple[Kinds, dict[str, Any]]:
    """The kinds of the user's terms (part of a compiled query's shape) and the values of the
    slots of :func:`compiled_rule`."""
    found = terms(user, section)
    values: dict[str, Any] = {"now": timezone.now()}
    for i, term in enumerate(found):
        values[f"p{i}"] = term.principal
        if term.mask is not None:
            values[f"m{i}"] = term.mask
    return tuple((t.column, t.path, t.mask is not None) for t in found), values


def _build_cases_of(shape: tuple[Kinds, int, int]) -> QuerySet[Case]:
    from casebridge.cases.models import Case, Reach

    kinds, survivors, others = shape
    linked = Q(survivor__id__in=slots("s", survivors, models.UUIDField()))
    if others:
        linked |= Q(pk__in=slots("o", others, models.UUIDField()))
    reached = Exists(Reach.objects.filter(compiled_rule(kinds), case_id=OuterRef("pk")))
    return Case.objects.filter(reached, linked).order_by("-opened_on", "-created_at")


_cases_of: Compiled[Case] = Compiled(_build_cases_of)


def cases_of(user: User, section: Section | None, survivors: list[Any], others: list[Any]) -> list[Case]:
    """The cases where ``user`` reaches ``section`` whose survivor is one of ``survivors`` or that
    are among ``others``, newest first: ``Case.objects.visible_to(user, section)`` so filtered,
    compiled once per shape (a search's results)."""
    kinds, values = rule_values(user, section)
    count, survivor_values = fill("s", survivors)
    more, other_values = fill("o", others)
    if not kinds or not count:
        return []
    return _cases_of((kinds, count, more), **values, **survivor_values, **other_values)


def case_q(user: User, section: Section | None = None, *, outer: str = "pk", content: bool = False) -> Q:
    """A filter on Case (or, with ``outer="case_id"``, on a model with a ``case``): the cases where
    ``user`` reaches ``section`` (or the case at all; see :func:`reach_q`). One indexed EXISTS."""
    from casebridge.cases.models import Reach

    ways_in = Reach.objects.filter(reach_q(user, section, content=content), case_id=OuterRef(outer))
    return Q(Exists(ways_in))


def _staff_agencies(user: User) -> set[int]:
    return {m.agency_id for m in user.active_memberships() if is_case_staff(m.role)}


def timeline_q(user: User) -> Q:
    """A filter on TimelineEvent: entries on cases the user reaches, in sections they reach; an
    entry about a partner agency only for the lead agency's case staff and that agency's own
    people, and only in sections they reach (a move names where she goes); an entry about
    emergency access only for the lead agency's case staff and privacy officer."""
    from casebridge.cases.models import Audience

    by_section = Q(section="") & case_q(user, outer="case_id")
    for section in Section:
        by_section |= Q(section=section.value) & case_q(user, section, outer="case_id")
    staff = _staff_agencies(user)
    officers = {m.agency_id for m in user.active_memberships() if m.role in CASE_HEADER_ROLES}
    mine = {m.agency_id for m in user.active_memberships()}
    partner = Q(case__lead_agency_id__in=staff) | Q(about_agency_id__in=mine)
    lead = Q(case__lead_agency_id__in=staff | officers)
    return (
        Q(audience=Audience.SECTION) & by_section
        | Q(audience=Audience.PARTNER) & partner & by_section
        | Q(audience=Audience.LEAD) & lead & case_q(user, outer="case_id")
    )


def team_q(user: User) -> Q:
    """A filter on TeamMember: active places on cases where the user reaches a section, all of
    them for the lead agency's case staff, otherwise only their own agency's and their own."""
    mine = {m.agency_id for m in user.active_memberships()}
    own = Q(case__lead_agency_id__in=_staff_agencies(user)) | Q(agency_id__in=mine) | Q(user_id=user.pk)
    return Q(removed_at__isnull=True) & own & case_q(user, outer="case_id", content=True)


def consent_q(user: User) -> Q:
    """A filter on ConsentRecord: records of cases where the user reaches the survivor's identity
    (a record names who decided, and its note may name family); a consent to share with an agency
    only for the lead agency's case staff and that agency's own people."""
    mine = {m.agency_id for m in user.active_memberships()}
    partners = Q(shared_with__isnull=True) | Q(case__lead_agency_id__in=_staff_agencies(user))
    return case_q(user, Section.IDENTITY, outer="case_id") & (partners | Q(shared_with_id__in=mine))


@dataclass(frozen=True)
class CaseAccess:
    """What one user may see of one case, and through which paths."""

    sections: frozenset[Section] = frozenset()
    via: frozenset[str] = frozenset()
    is_lead: bool = False
    header_only: bool = False
    break_glass: bool = False
    lead_roles: frozenset[str] = frozenset()
    user_id: int | None = None
    lead_agency_id: int | None = None
    agency_ids: frozenset[int] = frozenset()
    # The agency and role the user acts in on this case (for the audit trail and the timeline).
    acting_agency_id: int | None = None
    acting_role: str = ""
    # What may be written: the sections reached by a way in other than emergency access.
    writable: frozenset[Section] = frozenset()
    # The partner agencies (team or referral) through which the user reaches the case.
    through_agencies: frozenset[int] = frozenset()
    # For each section written in, the agency whose way in gives it (the first, in path order).
    section_agencies: tuple[tuple[str, int], ...] = ()

    @property
    def reaches(self) -> bool:
        return bool(self.sections) or self.header_only

    def can(self, section: str) -> bool:
        return section in self.sections

    @property
    def can_manage(self) -> bool:
        """The lead agency's case staff: change status and team, record consent, and see every
        partner. The whole team is theirs to know."""
        return self.is_lead and any(is_case_staff(r) for r in self.lead_roles)

    @property
    def can_write(self) -> bool:
        """Emergency access reads; it never writes (no note, consent, status or team change): a
        section opened only by it is not writable, whatever else the user reaches."""
        return bool(self.writable)

    def can_write_in(self, section: str) -> bool:
        return section in self.writable

    @property
    def can_record_consent(self) -> bool:
        """The lead agency's case staff record consent; a partner only its own refusal or
        withdrawal (consents.actions); emergency access never."""
        return Section.IDENTITY in self.writable and (self.can_manage or bool(self.through_agencies))

    @property
    def can_see_access_log(self) -> bool:
        """Who has looked at the case, from which agency, names every partner: for the lead
        agency's case staff and privacy officer only."""
        return self.can_manage or bool(self.lead_roles & CASE_HEADER_ROLES)

    @property
    def sees_emergency_access(self) -> bool:
        """Who broke the glass is for the lead agency's case staff and privacy officer."""
        return self.can_manage or bool(self.lead_roles & CASE_HEADER_ROLES)

    def sees_agency(self, agency_id: int | None) -> bool:
        """Whether the reader may learn that ``agency_id`` takes part in the case: the lead
        agency's case staff learn every partner; others learn the lead agency and their own."""
        return agency_id is None or self.can_manage or agency_id == self.lead_agency_id or agency_id in self.agency_ids

    def sees_author(self, event: Any) -> bool:
        """Whether the reader may see who wrote a timeline entry and from which agency (else only
        their role): as :meth:`sees_agency`, and who broke the glass for those who review it."""
        from casebridge.cases.models import Audience

        return self.sees_agency(event.agency_id) or (event.audience == Audience.LEAD and self.sees_emergency_access)

    def agency_for(self, section: str) -> int | None:
        """The agency the user writes for in ``section``: the one whose way in (not emergency
        access) gives it, else the one they act for on the case."""
        return next((agency for name, agency in self.section_agencies if name == section), self.acting_agency_id)

    def sections_list(self) -> list[Section]:
        return sec.ordered(self.sections)


def _access_from(user: User, lead_agency_id: int, rows: Iterable[Reach], now: datetime.datetime) -> CaseAccess:
    """Everything ``user`` reaches on a case, from its ways in (each applied by :func:`path_sections`)."""
    memberships = user.active_memberships()
    by_agency = _by_agency(memberships)
    roles = {m.role for m in memberships}
    sections: set[Section] = set()
    writable: set[Section] = set()
    through: set[int] = set()
    via: set[str] = set()
    header = glass = False
    acting: tuple[int | None, str] | None = None
    given: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: _PATH_ORDER.index(r.path)):
        if (row.starts_at and row.starts_at > now) or (row.expires_at and row.expires_at <= now):
            continue
        holders: list[tuple[int | None, str]]
        if row.agency_id is not None:
            here = sorted(by_agency.get(row.agency_id, ()), key=lambda r: (not is_case_staff(r), r))
            holders = [(row.agency_id, r) for r in here]
        elif row.user_id == user.pk:
            holders = [(None, r) for r in sorted(roles)]
        else:
            continue
        for agency_id, role in holders:
            got = path_sections(row.path, row.sections, role)
            if got:
                sections |= got
                via.add(row.path)
                if row.path in READ_ONLY:
                    glass = glass or row.path == BREAK_GLASS
                else:
                    writable |= got
                    if agency_id is not None:
                        for section in sec.ordered(got):
                            if section not in given:
                                given[section] = agency_id
                if agency_id is not None and row.path in (TEAM, REFERRAL, FORMER_LEAD):
                    through.add(agency_id)
            if row.path == LEAD and role in CASE_HEADER_ROLES:
                header = True
                via.add(LEAD)
            if acting is None and agency_id is not None and (got or row.path == LEAD):
                acting = (agency_id, role)
    lead_roles = frozenset(by_agency.get(lead_agency_id, ()))
    primary = user.primary_membership()
    if acting is None and primary is not None:
        acting = (primary.agency_id, primary.role)
    return CaseAccess(
        sections=frozenset(sections),
        via=frozenset(via),
        is_lead=bool(lead_roles),
        header_only=header and not sections,
        break_glass=glass,
        lead_roles=lead_roles,
        user_id=user.pk,
        lead_agency_id=lead_agency_id,
        agency_ids=frozenset(by_agency),
        acting_agency_id=acting[0] if acting else None,
        acting_role=acting[1] if acting else "",
        writable=frozenset(writable),
        through_agencies=frozenset(through),
        section_agencies=tuple(given.items()),
    )


# What case pages never show of an agency or a user: the JSON lists an agency serves, a user's
# password and sign-in dates. Left unread (decoding them cost more than the rest of a row; a
# timestamp is decoded in Python), and read if ever asked for.
_UNSHOWN = {
    "agency": ("services", "staff_languages", "sexes", "nationalities", "special_needs", "created_at"),
    "user": ("spoken_languages", "password", "last_login", "date_joined", "is_superuser", "is_staff"),
}


def _unshown(**paths: str) -> list[str]:
    """``defer()`` arguments for the agencies and users at ``paths`` (``lead_agency="agency"``)."""
    return [f"{path}__{name}" for path, kind in paths.items() for name in _UNSHOWN[kind]]


# What a list of cases never shows of a row (the API's and the page's lists): left unread, and
# read if ever asked for. A case's own page reads them (its crisis window, who registered her).
_UNLISTED = (
    "case__closure_note", "case__age_band", "case__sex", "case__nationality", "case__created_by_id",
    "case__lead_agency__is_active", "case__lead_agency__is_platform", "case__lead_agency__min_age",
    "case__lead_agency__max_age", "case__lead_agency__capacity", "case__lead_agency__phone",
    "case__lead_agency__email", "case__lead_agency__crisis_window_hours", "case__lead_agency__crisis_alert_hours",
    "case__lead_agency__female_officer_for_girls", "case__survivor__registered_by_agency_id",
    "case__survivor__created_by_id", "case__survivor__created_at", "case__survivor__updated_at",
    "case__survivor__age_estimated_on", "case__owner__email", "case__owner__is_active", "case__owner__language",
    "case__owner__time_zone",
)  # fmt: skip


def _build_rows(shape: tuple[int, int, tuple[str, ...] | None, bool]) -> QuerySet[Reach]:
    from casebridge.cases.models import Reach

    cases, agencies, with_case, listed = shape
    found = Reach.objects.filter(case__id__in=slots("c", cases, models.UUIDField()))
    mine = Q(user__id=Slot("user", models.BigIntegerField()))
    if agencies:
        mine |= Q(agency__id__in=slots("a", agencies, models.BigIntegerField()))
    # (a way's sort keys are for the list's SQL alone)
    found = found.filter(mine).defer("opened_on", "case_created_at")
    if with_case is not None:
        found = found.select_related("case", *(f"case__{name}" for name in with_case))
        kinds = {"lead_agency": "agency", "owner": "user"}
        found = found.defer(*_unshown(**{f"case__{name}": kinds[name] for name in with_case if name in kinds}))
        if listed:
            found = found.defer(*_UNLISTED)
    return found


# On every request that reads a case: compiled once per shape (lib.compiled).
_ways_in: Compiled[Reach] = Compiled(_build_rows)


def _rows_for(
    user: User, case_ids: list[Any], *, with_case: tuple[str, ...] | None = None, listed: bool = False
) -> dict[Any, list[Reach]]:
    """The user's ways into each of ``case_ids``; with ``with_case``, each row carries its case
    (and the case's ``with_case`` relations), read in the same query (``listed``: only what a
    list shows of them)."""
    agencies = sorted({m.agency_id for m in user.active_memberships()})
    rows: dict[Any, list[Reach]] = {pk: [] for pk in case_ids}
    cases, by_case = fill("c", list(rows))
    known, by_agency = fill("a", agencies)
    for row in _ways_in(
        (cases, known, with_case, listed and with_case == CASE_RELATED), user=user.pk, **by_case, **by_agency
    ):
        rows[row.case_id].append(row)
    return rows


def case_access(user: User, case: Case) -> CaseAccess:
    """Everything ``user`` reaches on ``case``: one query on its ways in."""
    return case_accesses(user, [case])[case.pk]


def case_accesses(user: User, cases: Iterable[Case]) -> dict[UUID, CaseAccess]:
    """:func:`case_access` for many cases at once (a list page): one query whatever their number."""
    cases = list(cases)
    if not cases or not user.is_authenticated or not user.is_active:
        return {case.pk: CaseAccess() for case in cases}
    now = timezone.now()
    rows = _rows_for(user, [case.pk for case in cases])
    return {case.pk: _access_from(user, case.lead_agency_id, rows[case.pk], now) for case in cases}


def visible_team(case: Case, access: CaseAccess) -> list[TeamMember]:
    """The case team as ``access`` may see it: the lead agency's case staff see everyone; others
    see only their own agency's places and their own (who else serves the child, a shelter or
    the police, is need-to-know in itself)."""
    return visible_teams([case], {case.pk: access})[case.pk]


def visible_teams(cases: Iterable[Case], accesses: dict[Any, CaseAccess]) -> dict[Any, list[TeamMember]]:
    """:func:`visible_team` for a page of cases: one query whatever their number."""
    teams: dict[Any, list[TeamMember]] = {case.pk: [] for case in cases}
    managed = [pk for pk in teams if accesses[pk].sections and accesses[pk].can_manage]
    partner = [pk for pk in teams if accesses[pk].sections and not accesses[pk].can_manage]
    if not managed and not partner:
        return teams
    managed_count, values = fill("m", managed)
    partner_count, by_partner = fill("p", partner)
    values |= by_partner
    agency_count = 0
    if partner:
        own = accesses[partner[0]]  # one reader: the same agencies and id on every case
        agency_count, by_agency = fill("a", sorted(own.agency_ids))
        values |= by_agency | {"user": own.user_id}
    for member in _team((managed_count, partner_count, agency_count), **values):
        teams[member.case_id].append(member)
    return teams


def _build_team(shape: tuple[int, int, int]) -> QuerySet[TeamMember]:
    from casebridge.cases.models import TeamMember

    managed, partner, agencies = shape
    shown = Q(case__id__in=slots("m", managed, models.UUIDField()))
    if partner:
        own = Q(user__id=Slot("user", models.BigIntegerField()))
        if agencies:
            own |= Q(agency__id__in=slots("a", agencies, models.BigIntegerField()))
        shown |= Q(case__id__in=slots("p", partner, models.UUIDField())) & own
    members = TeamMember.objects.filter(shown, removed_at__isnull=True).select_related("user", "agency")
    # Only what a team is shown with (the API's members, the case page's list): who, and the
    # sections and day of their place.
    return members.only(
        "case_id", "sections", "added_at", "user__username", "user__first_name", "user__last_name",
        "agency__code", "agency__name", "agency__name_km", "agency__name_vi",
    )  # fmt: skip


# On every case page: compiled once per shape (lib.compiled).
_team: Compiled[TeamMember] = Compiled(_build_team)


def _timeline_rule(case: Any, sections: Iterable[str], can_manage: bool, agencies: list[Any], emergency: bool) -> Q:
    """The rule of :func:`case_timeline_q`, on values or on slots (``timeline_page``)."""
    from casebridge.cases.models import Audience

    in_reach = Q(section__in=["", *sections])
    shown = Q(audience=Audience.SECTION) & in_reach
    if can_manage:
        shown |= Q(audience=Audience.PARTNER) & in_reach
    elif agencies:
        shown |= Q(audience=Audience.PARTNER, about_agency__id__in=agencies) & in_reach
    if emergency:
        shown |= Q(audience=Audience.LEAD)
    return Q(case__id=case) & shown


def case_timeline_q(case: Case, access: CaseAccess) -> Q:
    """One case's timeline entries as ``access`` may see them: :func:`timeline_q` for one case."""
    if not access.reaches:
        return Q(pk__in=[])
    agencies = sorted(access.agency_ids)
    return _timeline_rule(case.pk, access.sections, access.can_manage, agencies, access.sees_emergency_access)


def _build_timeline(shape: tuple[tuple[str, ...], bool, int, bool, bool]) -> QuerySet[TimelineEvent]:
    from casebridge.cases.models import TimelineEvent

    sections, can_manage, agencies, emergency, one_section = shape
    agency_slots = slots("a", agencies, models.BigIntegerField())
    rule = _timeline_rule(Slot("case", models.UUIDField()), sections, can_manage, agency_slots, emergency)
    events = TimelineEvent.objects.filter(rule).current()
    if one_section:
        events = events.filter(section=Slot("section", models.CharField()))
    return events.select_related("actor", "agency")


# The timeline's page and count: compiled once per shape (lib.compiled).
_timeline: Compiled[TimelineEvent] = Compiled(_build_timeline)


def timeline_page(case: Case, access: CaseAccess, section: str | None = None) -> Rows[TimelineEvent] | list[Any]:
    """The case's current timeline entries ``access`` may see (``section``: of that section only),
    newest first, as a sequence a Paginator pages through: the same rows as
    ``TimelineEvent.objects.on_case(case, access).current()``."""
    if not access.reaches:
        return []
    agencies = sorted(access.agency_ids)
    count, values = fill("a", agencies)
    shape = (tuple(sorted(access.sections)), access.can_manage, count, access.sees_emergency_access)
    values["case"] = case.pk
    if section is not None:
        values["section"] = section
    return Rows(_timeline, (*shape, section is not None), **values)


def case_consent_q(case: Case, access: CaseAccess) -> Q:
    """One case's consent records as ``access`` may see them: :func:`consent_q` for one case."""
    if not access.can(Section.IDENTITY):
        return Q(pk__in=[])
    if access.can_manage:
        return Q(case=case)
    return Q(case=case) & (Q(shared_with__isnull=True) | Q(shared_with_id__in=access.agency_ids))


def serving_agencies(case: Case, now: datetime.datetime | None = None) -> set[int]:
    """The agencies that work on the case now: its lead, and those with an open way in of their
    own (a place on its team, a referral grant)."""
    from casebridge.cases.models import Reach

    rows = Reach.objects.filter(_open_at(now or timezone.now()), case_id=case.pk, agency_id__isnull=False)
    rows = rows.exclude(path=PREVIEW)
    return {case.lead_agency_id, *rows.values_list("agency_id", flat=True)}


def agency_reaches(case: Case, agency_id: int, section: Section) -> bool:
    """Whether ``agency`` itself works on ``section`` of the case: it leads it, or an open way in
    of its own (a team place, a grant, what a former lead kept) gives the section; never by a
    preview."""
    from casebridge.cases.models import Reach

    if case.lead_agency_id == agency_id:
        return True
    rows = Reach.objects.filter(_open_at(timezone.now()), case_id=case.pk, agency_id=agency_id)
    return rows.exclude(path=PREVIEW).filter(sections__anybit=sec.BIT[section]).exists()


@transaction.atomic
def sync_reach(case_id: Any) -> None:
    """Rebuild a case's ways in from its lead agency, active team places, referral grants and
    emergency access. Called whenever one of them is saved (cases.signals); ways in that have
    already ended are left out, and the ones still to end are checked against the clock when read.

    It holds the case's row lock (a no-op where the caller's action already does): two rebuilds
    of one case run one after the other, and each reads what the one before it committed, so a
    team place just ended cannot be put back by a rebuild that read the team before it ended."""
    from casebridge.cases.models import BreakGlass, Case, Reach, ReferralGrant, TeamMember

    case = (
        Case.objects.select_for_update().filter(pk=case_id).values("lead_agency_id", "opened_on", "created_at").first()
    )
    if case is None:
        return
    now = timezone.now()
    order = {"opened_on": case["opened_on"], "case_created_at": case["created_at"]}
    rows = [Reach(case_id=case_id, agency_id=case["lead_agency_id"], path=LEAD, sections=sec.ALL_MASK, **order)]
    for member in TeamMember.objects.filter(case_id=case_id, removed_at__isnull=True):
        rows.append(
            Reach(
                case_id=case_id,
                agency_id=member.agency_id,
                user_id=member.user_id,
                path=TEAM,
                sections=member.sections,
                **order,
            )
        )
    for grant in ReferralGrant.objects.filter(case_id=case_id, revoked_at__isnull=True).exclude(expires_at__lte=now):
        rows.append(
            Reach(
                case_id=case_id,
                agency_id=grant.agency_id,
                path=grant.kind,  # referral, former_lead or preview
                sections=grant.sections,
                starts_at=grant.starts_at,
                expires_at=grant.expires_at,
                **order,
            )
        )
    for glass in BreakGlass.objects.filter(case_id=case_id, expires_at__gt=now):
        rows.append(
            Reach(
                case_id=case_id,
                user_id=glass.user_id,
                path=BREAK_GLASS,
                sections=sec.ALL_MASK,
                starts_at=glass.started_at,
                expires_at=glass.expires_at,
                **order,
            )
        )
    Reach.objects.filter(case_id=case_id).delete()
    Reach.objects.bulk_create(rows)
    from casebridge.people.actions import refresh_ways

    refresh_ways(case_id)  # the search index reads only people the user may reach


# What a case is read with on its pages and in its API (its lead agency, survivor and worker).
CASE_RELATED = ("lead_agency", "survivor", "owner")


def get_case(user: User, case_id: Any, related: tuple[str, ...] = CASE_RELATED) -> tuple[Case, CaseAccess]:
    """The case ``case_id`` (with its ``related`` rows) and what ``user`` reaches of it, or
    ``Case.DoesNotExist`` if they reach nothing of it, the same as for a case that does not exist.
    One indexed query: the user's ways into it, each with the case."""
    from casebridge.cases.models import Case

    case_id = Case._meta.pk.to_python(case_id)  # type: ignore[union-attr]
    if not user.is_authenticated or not user.is_active:
        raise Case.DoesNotExist
    rows = _rows_for(user, [case_id], with_case=related)[case_id]
    if not rows:
        raise Case.DoesNotExist
    case = rows[0].case
    access = _access_from(user, case.lead_agency_id, rows, timezone.now())
    if not access.reaches:
        raise Case.DoesNotExist
    return case, access


# A count above this is kept in the shared cache for COUNT_SECONDS: counting tens of thousands of
# ways in on every page would cost more than the page. The page's rows, and whether there is a
# next page, are always read afresh; only the total may be up to a minute old.
CACHE_COUNTS_FROM = 2000
COUNT_SECONDS = 60


@dataclass(frozen=True)
class CaseFilters:
    """What a list of cases is narrowed to (each left empty: not narrowed). Values are checked by
    the caller's form (``cases.forms.CaseFilterForm``); here they are parameters of the query."""

    status: str = ""
    province: str = ""
    age_band: str | None = None  # "" is a value here: age unknown
    sex: str = ""
    nationality: str = ""
    owner_id: int | None = None
    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None

    def conditions(self) -> tuple[list[str], list[Any], bool]:
        """SQL conditions on the ways in ``r`` and the case ``c``, their parameters, and whether
        they need the case joined."""
        where: list[str] = []
        values: list[Any] = []
        for column in ("status", "province", "sex", "nationality"):
            if getattr(self, column):
                where.append(f"c.{column} = %s")
                values.append(getattr(self, column))
        if self.age_band is not None:
            where.append("c.age_band = %s")
            values.append(self.age_band)
        if self.owner_id is not None:
            where.append("c.owner_id = %s")
            values.append(self.owner_id)
        joined = bool(where)
        if self.opened_from is not None:
            where.append("r.opened_on >= %s")
            values.append(self.opened_from)
        if self.opened_to is not None:
            where.append("r.opened_on <= %s")
            values.append(self.opened_to)
        return where, values, joined

    def key(self) -> str:
        return "|".join(str(getattr(self, f.name)) for f in fields(self))

    def as_q(self) -> Q:
        """The same conditions on a queryset of cases."""
        q = Q(
            **{
                column: getattr(self, column)
                for column in ("status", "province", "sex", "nationality")
                if getattr(self, column)
            }
        )
        if self.age_band is not None:
            q &= Q(age_band=self.age_band)
        if self.owner_id is not None:
            q &= Q(owner_id=self.owner_id)
        if self.opened_from is not None:
            q &= Q(opened_on__gte=self.opened_from)
        if self.opened_to is not None:
            q &= Q(opened_on__lte=self.opened_to)
        return q

    def about_identity(self) -> bool:
        """Whether these filters narrow by facts of the survivor's identity (then they match only
        cases where the user reaches the identity section: a filter must not tell what the
        case's page would not)."""
        return self.age_band is not None or bool(self.sex or self.nationality)


# The orders a list of cases can be sorted in: the columns of the sort key (the last breaks ties)
# and whether they are the case's rather than the ways in's own copies (index-only when not).
SORTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "-opened_on": (("r.opened_on", "r.case_created_at"), False),
    "opened_on": (("r.opened_on", "r.case_created_at"), False),
    "-number": (("c.number",), True),
    "number": (("c.number",), True),
    "-updated_at": (("c.updated_at",), True),
    "updated_at": (("c.updated_at",), True),
}
DEFAULT_SORT = "-opened_on"


class ReachableCases:
    """The cases a user reaches (``section`` optional), narrowed by ``filters`` and sorted by
    ``sort`` (one of SORTS), as a sequence a Paginator pages through. Each page is a merge of
    scans of the user's ways in (:func:`terms`), each scan stopping after the page's last row, so
    a page costs about the same on the first page of ten cases and the two-hundredth of fifty
    thousand; in the default order the scans are index-only."""

    def __init__(
        self,
        user: User,
        section: Section | None = None,
        filters: CaseFilters | None = None,
        sort: str = DEFAULT_SORT,
    ) -> None:
        assert sort in SORTS, sort
        self.user, self.filters, self.sort = user, filters or CaseFilters(), sort
        if self.filters.about_identity():
            assert section in (None, Section.IDENTITY), section
            section = Section.IDENTITY
        self.section = section
        self.terms = terms(user, section)
        self.now = timezone.now()
        self.accesses: dict[Any, CaseAccess] = {}  # of the cases read, by id

    def _branches(self, columns: str, *, for_order: bool) -> tuple[list[str], list[Any]]:
        from casebridge.cases.models import Case, Reach

        quote = connection.ops.quote_name
        reach, case = quote(Reach._meta.db_table), quote(Case._meta.db_table)
        narrowing, narrowing_values, joined = self.filters.conditions()
        joined = joined or (for_order and SORTS[self.sort][1])
        join = f" JOIN {case} c ON c.id = r.case_id" if joined else ""
        sqls, params = [], []
        for term in self.terms:
            where = [f"r.{quote(term.column)} = %s", "r.path = %s"]
            values: list[Any] = [term.principal, term.path]
            if term.mask is not None:
                where.append("(r.sections & %s) <> 0")
                values.append(term.mask)
            if term.path != LEAD:
                where.append(
                    "(r.starts_at IS NULL OR r.starts_at <= %s) AND (r.expires_at IS NULL OR r.expires_at > %s)"
                )
                values += [self.now, self.now]
            where += narrowing
            values += narrowing_values
            sqls.append(f"SELECT {columns} FROM {reach} r{join} WHERE {' AND '.join(where)}")  # noqa: S608
            params.append(values)
        return sqls, params

    def count(self) -> int:
        if not self.terms:
            return 0
        key = self._count_key()
        cached = cache.get(key)
        if cached is not None:
            return int(cached)
        sqls, params = self._branches("r.case_id", for_order=False)
        sql = f"SELECT COUNT(*) FROM ({' UNION '.join(sqls)}) w"  # noqa: S608  (UNION: a case counts once)
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for values in params for value in values])
            total = int(cursor.fetchone()[0])
        if total >= CACHE_COUNTS_FROM:
            cache.set(key, total, COUNT_SECONDS)
        return total

    def __len__(self) -> int:
        return self.count()

    def _count_key(self) -> str:
        roles = ".".join(sorted(f"{m.agency_id}-{m.role}" for m in self.user.active_memberships()))
        narrowed = hashlib.sha256(self.filters.key().encode()).hexdigest()[:16]
        return f"casebridge:case-count:{self.user.pk}:{self.section or ''}:{narrowed}:{roles}"

    def ids(self, offset: int, limit: int) -> list[Any]:
        from casebridge.cases.models import Case

        if not self.terms or limit <= 0:
            return []
        keys, sorted_by_case = SORTS[self.sort]
        direction = "DESC" if self.sort.startswith("-") else "ASC"
        names = [f"k{i}" for i in range(len(keys))]
        inner = ", ".join(f"{key} {direction}" for key in (*keys, "r.case_id"))
        order = ", ".join(f"{name} {direction}" for name in (*names, "case_id"))
        selected = ", ".join(["r.case_id", *(f"{key} AS {name}" for key, name in zip(keys, names, strict=True))])
        # DISTINCT: one branch may hold a case more than once (emergency access asked twice, two
        # team places of one agency), and a bound counted in rows would then miss cases.
        sqls, params = self._branches(f"DISTINCT {selected}", for_order=True)
        # Each branch stops after the page's last row: a case among the first offset + limit
        # distinct cases is among the first offset + limit distinct rows of any branch that holds
        # it (every branch sorts by the same key, the case's own). The bound also keeps the plan
        # a fast start: unbounded branches merged as they are read were 0.4 ms faster on page 200
        # of a freshly vacuumed table, but with the visibility map out of date PostgreSQL sorted
        # each branch whole (page 1 in 80 ms instead of 0.05).
        bounded = [f"SELECT * FROM ({sql} ORDER BY {inner} LIMIT %s) b{i}" for i, sql in enumerate(sqls)]  # noqa: S608
        merged = " UNION ALL ".join(bounded)
        if connection.vendor == "postgresql":
            # DISTINCT ON is never hashed: the branches, each read in order off its index, are
            # merged and the merge stops at the page's last row (a GROUP BY may be planned as a
            # hash of every branch's rows, then a sort).
            distinct = ", ".join([*names, "case_id"])
            sql = f"SELECT DISTINCT ON ({distinct}) case_id FROM ({merged}) w ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
        else:
            grouped = ", ".join(["case_id", *names])
            sql = f"SELECT case_id FROM ({merged}) w GROUP BY {grouped} ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
        values = [value for branch in params for value in [*branch, offset + limit]]
        with connection.cursor() as cursor:
            if not sorted_by_case and self.filters == CaseFilters():
                # The list as everyone opens it (newest or oldest first, not narrowed) is a prepared
                # statement on PostgreSQL: after five runs PostgreSQL may keep one plan for it, not
                # plan it on every page (about 0.4 ms of page 200 at a million cases). Every value
                # is a parameter, so a statement serves every user whose ways in give the same
                # text. The plan made without the values (LIMIT guessed) was checked to stay a fast
                # start, with the visibility map out of date too: page 1 in 0.07 ms, page 200 in 1.3.
                # Narrowed, or sorted by the case's columns, it is planned for its values each time:
                # a plan made once could not fit both a province with three cases and one with
                # thousands.
                rows = execute_prepared(cursor, sql, [*values, limit, offset])
            else:
                cursor.execute(sql, [*values, limit, offset])
                rows = cursor.fetchall()
            to_python = Case._meta.pk.to_python  # type: ignore[union-attr]
            return [to_python(row[0]) for row in rows]

    def __getitem__(self, key: slice) -> list[Case]:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("ReachableCases is paged by slices")
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        ids = self.ids(start, stop - start)
        # The page's cases read with the user's ways into them, in one query: what the user
        # reaches of each is kept in ``accesses`` (as case_accesses would compute it).
        ways_in = _rows_for(self.user, ids, with_case=CASE_RELATED, listed=True)
        page = []
        for pk in ids:
            if ways_in[pk]:
                case = ways_in[pk][0].case
                self.accesses[pk] = _access_from(self.user, case.lead_agency_id, ways_in[pk], self.now)
                page.append(case)
        return page
