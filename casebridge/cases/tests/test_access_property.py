"""The fast path agrees with the rules, in random worlds.

Hypothesis draws agencies, people with one or two memberships (some inactive, some waiting for
approval), cases with their lead agencies, team places for people and agencies, referral grants
with start and end times, emergency accesses, and consent decisions recorded through the action
(which end an agency's places when consent is withdrawn). For every user and case, at several
moments (now, after a grant has started, after emergency access has expired, a month later):

* ``case_access`` (one case), ``case_accesses`` (a list) and ``Case.objects.visible_to`` (the
  indexed EXISTS, for the case at all and for each section) give exactly what the rules below
  give, computed straight from the records the ways in are derived from;
* the list pages (``ReachableCases``) hold exactly those cases, newest first, each once, page
  after page, with the right count;
* no agency whose consent to share was withdrawn keeps a place or a grant.

The rules here are written out again on purpose, from docs/access-rules.md, not from the code
under test; only the role tables (what each role sees) are shared.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebridge.agencies.models import APPROVED_ROLES, Agency, Membership, OrgType, Role
from casebridge.cases import sections as sec
from casebridge.cases.access import (
    CASE_HEADER_ROLES,
    ROLE_CEILING,
    ROLE_DEFAULT,
    ReachableCases,
    case_access,
    case_accesses,
    cases_of,
)
from casebridge.cases.models import BreakGlass, Case, CaseNumberSequence, ReferralGrant, TeamMember
from casebridge.cases.sections import Section
from casebridge.people.actions import write_search_entry
from casebridge.people.index import user_ways
from casebridge.people.models import Person, PersonKind, SearchEntry, visible_people

AGENCIES = 4
PEOPLE = 6
CASES = 4
ROLES = list(Role)
HOUR = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Spec:
    memberships: list[tuple[int, int, str, bool, bool]]  # person, agency, role, active, approved
    inactive_agency: int | None
    leads: list[int]  # lead agency per case
    team_people: list[tuple[int, int, int]]  # case, person, mask
    team_agencies: list[tuple[int, int, int]]  # case, agency, mask
    # case, agency, mask, starts (h), ends (h), revoked, kind
    grants: list[tuple[int, int, int, int, int | None, bool, str]]
    glasses: list[tuple[int, int, int]]  # case, person, hours it lasts
    withdrawals: list[tuple[int, int]]  # case, agency whose consent to share is withdrawn


masks = st.integers(min_value=1, max_value=sec.ALL_MASK)
spec = st.builds(
    Spec,
    memberships=st.lists(
        st.tuples(
            st.integers(0, PEOPLE - 1),
            st.integers(0, AGENCIES - 1),
            st.sampled_from(ROLES),
            st.booleans(),
            st.booleans(),
        ),
        min_size=PEOPLE,
        max_size=PEOPLE * 2,
        unique_by=lambda m: (m[0], m[1], m[2]),
    ),
    inactive_agency=st.none() | st.integers(0, AGENCIES - 1),
    leads=st.lists(st.integers(0, AGENCIES - 1), min_size=CASES, max_size=CASES),
    team_people=st.lists(
        st.tuples(st.integers(0, CASES - 1), st.integers(0, PEOPLE - 1), masks), max_size=6, unique_by=lambda t: t[:2]
    ),
    team_agencies=st.lists(
        st.tuples(st.integers(0, CASES - 1), st.integers(0, AGENCIES - 1), masks), max_size=6, unique_by=lambda t: t[:2]
    ),
    grants=st.lists(
        st.tuples(
            st.integers(0, CASES - 1),
            st.integers(0, AGENCIES - 1),
            masks,
            st.integers(-2, 3),
            st.none() | st.integers(-1, 6),
            st.booleans(),
            st.sampled_from(["referral", "former_lead", "preview"]),
        ),
        max_size=5,
    ),
    glasses=st.lists(st.tuples(st.integers(0, CASES - 1), st.integers(0, PEOPLE - 1), st.integers(1, 4)), max_size=3),
    withdrawals=st.lists(st.tuples(st.integers(0, CASES - 1), st.integers(0, AGENCIES - 1)), max_size=3),
)


@dataclass
class Built:
    agencies: list[Agency]
    people: list
    cases: list[Case]
    now: datetime.datetime


def _build(world, s: Spec) -> Built:
    now = timezone.now()
    agencies = [
        Agency.objects.create(code=f"P{i}", name=f"Property agency {i}", org_type=OrgType.NGO, province="KH-12")
        for i in range(AGENCIES)
    ]
    if s.inactive_agency is not None:
        Agency.objects.filter(pk=agencies[s.inactive_agency].pk).update(is_active=False)
    User = get_user_model()
    people = [User.objects.create_user(username=f"p{i}", password="x") for i in range(PEOPLE)]
    for person, agency, role, active, approved in s.memberships:
        Membership.objects.create(
            user=people[person],
            agency=agencies[agency],
            role=role,
            is_active=active,
            approved_at=now if approved else None,
        )
    cases = []
    for index, lead in enumerate(s.leads):
        # A survivor per case, so that who reaches her is who reaches that case.
        survivor = Person.objects.create(
            kind=PersonKind.SURVIVOR, registered_by_agency=agencies[0], created_by=world.social_worker, given_name="X"
        )
        write_search_entry(survivor)
        cases.append(
            Case.objects.create(
                number=f"P{lead}-2026-{index:06d}",
                lead_agency=agencies[lead],
                survivor=survivor,
                province="KH-12",
                owner=world.social_worker,
                opened_on=now.date(),
                created_by=world.social_worker,
            )
        )
    CaseNumberSequence.objects.all().delete()
    for case, person, mask in s.team_people:
        TeamMember.objects.create(case=cases[case], user=people[person], sections=mask, added_by=world.social_worker)
    for case, agency, mask in s.team_agencies:
        if agencies[agency].pk != cases[case].lead_agency_id:
            TeamMember.objects.create(
                case=cases[case], agency=agencies[agency], sections=mask, added_by=world.social_worker
            )
    for case, agency, mask, starts, ends, revoked, kind in s.grants:
        ReferralGrant.objects.create(
            case=cases[case],
            agency=agencies[agency],
            sections=mask,
            kind=kind,
            granted_by=world.social_worker,
            starts_at=now + starts * HOUR,
            expires_at=None if ends is None else now + ends * HOUR,
            revoked_at=now if revoked else None,
        )
    for case, person, hours in s.glasses:
        BreakGlass.objects.create(
            case=cases[case], user=people[person], reason="r" * 20, started_at=now, expires_at=now + hours * HOUR
        )
    for case, agency in s.withdrawals:
        from casebridge.cases.actions import end_sharing_with
        from casebridge.consents.models import ConsentRecord

        ConsentRecord.objects.create(
            survivor=cases[case].survivor,
            case=cases[case],
            purpose="sharing",
            shared_with=agencies[agency],
            decision="withdrawn",
            given_by="survivor",
            decided_on=now.date(),
            language="khm",
            recorded_by=world.social_worker,
        )
        end_sharing_with(
            cases[case],
            agencies[agency],
            actor=world.social_worker,
            access=case_access(world.social_worker, cases[case]),
        )
    return Built(agencies, people, cases, now)


def _rules(user, case: Case, at: datetime.datetime) -> tuple[frozenset[Section], bool]:
    """What docs/access-rules.md says ``user`` reaches on ``case`` at ``at``: sections, and whether
    they see the case record itself (a lead privacy officer)."""
    memberships = [
        m
        for m in Membership.objects.filter(user=user).select_related("agency")
        if m.is_active and m.agency.is_active and (m.approved_at is not None or m.role not in APPROVED_ROLES)
    ]
    all_roles = {m.role for m in memberships}
    seen: set[Section] = set()
    header = False
    for m in memberships:
        if m.agency_id == case.lead_agency_id:
            seen |= ROLE_DEFAULT.get(m.role, frozenset())
            header = header or m.role in CASE_HEADER_ROLES
    for place in TeamMember.objects.filter(case=case, removed_at__isnull=True):
        granted = sec.from_mask(place.sections)
        if place.user_id == user.pk:
            for role in all_roles:
                seen |= granted & ROLE_CEILING.get(role, frozenset())
        for m in memberships:
            if place.agency_id == m.agency_id:
                seen |= granted & ROLE_CEILING.get(m.role, frozenset())
    for grant in ReferralGrant.objects.filter(case=case, revoked_at__isnull=True):
        if grant.starts_at <= at and (grant.expires_at is None or grant.expires_at > at):
            for m in memberships:
                if grant.agency_id == m.agency_id:
                    # A former lead keeps no more than its roles had as lead.
                    limit = ROLE_DEFAULT if grant.kind == "former_lead" else ROLE_CEILING
                    seen |= sec.from_mask(grant.sections) & limit.get(m.role, frozenset())
    for glass in BreakGlass.objects.filter(case=case, user=user):
        if glass.started_at <= at < glass.expires_at:
            for role in all_roles:
                seen |= ROLE_DEFAULT.get(role, frozenset()) - {Section.WHEREABOUTS}
    return frozenset(seen), header


def _fresh(user):
    return type(user).objects.get(pk=user.pk)  # memberships are cached per object


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(s=spec)
def _check(world, s: Spec) -> None:
    with transaction.atomic():
        built = _build(world, s)
        for at in (
            built.now,
            built.now + 2 * HOUR + datetime.timedelta(minutes=1),
            built.now + 5 * HOUR,
            built.now + 30 * 24 * HOUR,
        ):
            with mock.patch("django.utils.timezone.now", return_value=at):
                for person in built.people:
                    user = _fresh(person)
                    bulk = case_accesses(user, built.cases)
                    visible: dict[Section | None, set[object]] = {
                        None: set(Case.objects.visible_to(user).values_list("pk", flat=True))
                    }
                    for section in Section:
                        visible[section] = set(Case.objects.visible_to(user, section).values_list("pk", flat=True))
                    # The list pages: every page, in order, each case once, counted right.
                    expected = list(
                        Case.objects.visible_to(user)
                        .order_by("-opened_on", "-created_at", "-pk")
                        .values_list("pk", flat=True)
                    )
                    listed = ReachableCases(user)
                    assert listed.count() == len(expected)
                    assert [c.pk for c in listed[0:2]] + [c.pk for c in listed[2:100]] == expected
                    # The search index's ways in: everyone the user may see by identity is among
                    # the people it reads for the user (it may read more; the rule is checked).
                    ways = set(user_ways(user))
                    seen = set(Person.objects.visible_to(user).values_list("pk", flat=True))
                    indexed = {
                        e.person_id: set(e.words.split()) for e in SearchEntry.objects.filter(person_id__in=seen)
                    }
                    assert all(indexed[pk] & ways for pk in seen), user.username
                    # A search's compiled check of its candidates is the same rule.
                    everyone = list(Person.objects.values_list("pk", flat=True))
                    assert {p.pk for p in visible_people(user, everyone)} == seen, user.username
                    # And its compiled read of the found people's cases.
                    for section in (Section.IDENTITY, Section.WHEREABOUTS):
                        by_survivor = {c.pk for c in cases_of(user, section, everyone, [])}
                        by_case = {c.pk for c in cases_of(user, section, [everyone[0]], [c.pk for c in built.cases])}
                        assert by_survivor == by_case == visible[section], (user.username, section)
                    for case in built.cases:
                        sections, header = _rules(user, case, at)
                        one = case_access(user, case)
                        assert one.sections == sections == bulk[case.pk].sections, (user.username, case.number, at)
                        assert one.reaches == (bool(sections) or header)
                        assert (case.pk in visible[None]) == one.reaches
                        for section in Section:
                            assert (case.pk in visible[section]) == (section in sections), (section, case.number)
        withdrawn = {(built.cases[c].pk, built.agencies[a].pk) for c, a in s.withdrawals}
        for case_id, agency_id in withdrawn:
            assert not TeamMember.objects.filter(case_id=case_id, agency_id=agency_id, removed_at__isnull=True).exists()
            assert not ReferralGrant.objects.active(built.now).filter(case_id=case_id, agency_id=agency_id).exists()
        transaction.set_rollback(True)


def test_the_fast_path_and_the_rules_agree_in_random_worlds(world):
    _check(world)
