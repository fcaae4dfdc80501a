"""The access rules, persona by persona, on the shared case."""

from __future__ import annotations

import pytest

from casebridge.cases.access import CaseFilters, ReachableCases, case_access
from casebridge.cases.models import Case
from casebridge.cases.sections import Section as S

EXPECTED = {
    "social_worker": {S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN, S.COUNSELLING, S.WHEREABOUTS},
    "ngo_investigator": {S.IDENTITY, S.INVESTIGATION},
    "lawyer": {S.IDENTITY, S.LEGAL, S.INVESTIGATION},
    "police": {S.IDENTITY, S.INVESTIGATION},
    "shelter_caseworker": {S.IDENTITY, S.CRISIS_CARE, S.CARE_PLAN},
    "nurse": {S.IDENTITY, S.MEDICAL},
    "privacy_officer": set(),
    "gov_social_worker": set(),
    "assessment_worker": set(),
    "manager": set(),
    "trainer": set(),
    "admin": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_it_gives_each_persona_exactly_their_sections(world, persona):
    user = world.users[persona]
    access = case_access(user, world.case)
    assert access.sections == EXPECTED[persona]
    reaches = bool(EXPECTED[persona]) or persona == "privacy_officer"
    assert Case.objects.visible_to(user).filter(pk=world.case.pk).exists() == reaches
    for section in S:
        visible = Case.objects.visible_to(user, section).filter(pk=world.case.pk).exists()
        assert visible == (section in EXPECTED[persona]), section


def test_a_large_count_is_kept_for_a_minute_and_pages_stay_exact(world, monkeypatch):
    import datetime

    from django.utils import timezone

    from casebridge.cases import access
    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity

    def open_one(name: str) -> Case:
        return do_open_case(
            actor=world.social_worker,
            agency=world.agencies["JPC"],
            identity=clean_identity({"given_name_latin": name}),
            province="KH-12",
            opened_on=timezone.localdate() - datetime.timedelta(days=1),
        )

    monkeypatch.setattr(access, "CACHE_COUNTS_FROM", 2)
    open_one("Dara")
    assert ReachableCases(world.social_worker).count() == 2
    newest = open_one("Mony")
    listed = ReachableCases(world.social_worker)
    assert listed.count() == 2  # the total is the one counted a moment ago
    assert newest.pk in [c.pk for c in listed[0:25]]  # the rows are always read afresh
    assert (
        ReachableCases(world.social_worker, filters=CaseFilters(status="Closed")).count() == 0
    )  # another filter, another count
