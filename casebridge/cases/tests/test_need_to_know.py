"""What a member of the team sees of the rest of the case: consent records need the identity
section; team entries and team/consent timeline events are shown by section."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from casebridge.cases import sections as sec
from casebridge.cases.access import case_access, visible_team
from casebridge.cases.models import ReferralGrant, TimelineEvent
from casebridge.cases.sections import Section
from casebridge.consents.models import ConsentRecord


def _crisis_care_referral(world):
    ReferralGrant.objects.create(
        case=world.case,
        agency=world.agencies["HAC"],
        sections=sec.to_mask([Section.CRISIS_CARE]),
        granted_by=world.social_worker,
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
    )


def test_consent_records_need_the_identity_section(world, login):
    _crisis_care_referral(world)
    worker = world.assessment_worker
    assert case_access(worker, world.case).sections == {Section.CRISIS_CARE}
    assert ConsentRecord.objects.visible_to(worker).count() == 0
    assert ConsentRecord.objects.visible_to(world.privacy_officer).count() == 0
    assert ConsentRecord.objects.visible_to(world.social_worker).count() == 2
    for user in (worker, world.privacy_officer):
        body = login(user).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
        assert 'id="consent-h"' not in body and "Safe Haven Shelter" not in body


def test_team_entries_are_shown_only_to_those_who_reach_their_sections(world, login):
    nurse_view = visible_team(world.case, case_access(world.nurse, world.case))
    assert nurse_view == []  # the police (investigation) and the shelter (care) are beyond her sections
    lead_view = visible_team(world.case, case_access(world.social_worker, world.case))
    assert {(m.agency_id, m.user_id) for m in lead_view} == {(world.agencies["SHS"].pk, None), (None, world.police.pk)}
    police_view = visible_team(world.case, case_access(world.police, world.case))
    assert [m.user_id for m in police_view if m.user_id] == [world.police.pk]
    assert not [m for m in police_view if m.agency]  # the shelter stays hidden from the police
    body = login(world.nurse).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    team = body[body.index('id="team-h"') : body.index("</section>", body.index('id="team-h"'))]
    assert "Safe Haven Shelter" not in team and "police" not in team


def _decide_sharing(world, code, decision):
    from casebridge.consents.actions import do_record_consent

    do_record_consent(
        world.case,
        actor=world.social_worker,
        purpose="sharing",
        shared_with=world.agencies[code],
        decision=decision,
        given_by="guardian",
        child_assent=True,
        decided_on=timezone.localdate(),
        language="khm",
    )


def test_withdrawing_consent_to_share_ends_the_agencys_access(world):
    assert case_access(world.shelter_caseworker, world.case).can(Section.IDENTITY)
    _decide_sharing(world, "SHS", "withdrawn")
    assert not case_access(world.shelter_caseworker, world.case).reaches
    assert TimelineEvent.objects.filter(case=world.case, kind="team_removed").count() == 1
    # the police officer on the team through AHTJP keeps access: that consent stands
    assert case_access(world.police, world.case).can(Section.IDENTITY)


def test_refusing_consent_to_share_revokes_a_referral_grant(world):
    assert case_access(world.nurse, world.case).can(Section.MEDICAL)
    _decide_sharing(world, "MCL", "refused")
    assert not case_access(world.nurse, world.case).reaches
    assert ReferralGrant.objects.get(case=world.case, agency=world.agencies["MCL"]).revoked_at is not None


def test_a_colleague_without_an_agency_cannot_join_the_team(world):
    import pytest
    from django.core.exceptions import ValidationError

    from casebridge.agencies.models import Membership
    from casebridge.cases.actions import do_add_team_member

    Membership.objects.filter(user=world.outsider).update(is_active=False)
    with pytest.raises(ValidationError):
        do_add_team_member(world.case, actor=world.social_worker, sections=["identity"], user=world.outsider)


REASON = "The child called the hotline from an unknown place tonight; I need the guardian's number."


def test_an_unjustified_emergency_access_ends_at_review(world):
    from casebridge.cases.actions import do_break_glass, do_review_break_glass

    glass = do_break_glass(world.case.number, actor=world.outsider, reason=REASON)
    assert glass is not None and case_access(world.outsider, world.case).break_glass
    do_review_break_glass(glass, actor=world.privacy_officer, outcome="not_justified", note="")
    assert not case_access(world.outsider, world.case).reaches


def test_nobody_reviews_their_own_emergency_access(world):
    import pytest

    from casebridge.agencies.models import Membership, Role
    from casebridge.cases.actions import do_break_glass, do_review_break_glass
    from casebridge.lib.errors import NotAllowed

    officer = world.privacy_officer
    Membership.objects.create(
        user=officer, agency=world.agencies["DOSVY"], role=Role.GOVERNMENT_SOCIAL_WORKER, approved_at=timezone.now()
    )
    glass = do_break_glass(world.case.number, actor=officer, reason=REASON)
    assert glass is not None
    with pytest.raises(NotAllowed):
        do_review_break_glass(glass, actor=officer, outcome="justified", note="")
    glass.refresh_from_db()
    assert glass.reviewed_at is None


def test_emergency_access_is_limited_per_day_unknown_numbers_included(world, settings):
    import pytest

    from casebridge.cases.actions import do_break_glass
    from casebridge.lib.errors import NotAllowed

    settings.BREAK_GLASS_PER_DAY = 2
    assert do_break_glass("JPC-2026-999998", actor=world.outsider, reason=REASON) is None
    assert do_break_glass("JPC-2026-999999", actor=world.outsider, reason=REASON) is None
    with pytest.raises(NotAllowed, match="2 times in the last 24 hours"):
        do_break_glass(world.case.number, actor=world.outsider, reason=REASON)
    assert not case_access(world.outsider, world.case).reaches
