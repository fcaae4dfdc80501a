"""The access rules, persona by persona, on the shared case."""

from __future__ import annotations

import pytest

from casebridge.cases.access import case_access
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
