"""Referrals: the state machine through the API, the consent needed to send, the grant made on
sending and ended on decline, revoke, completion and expiry (the partner then gets 404), the
capacity warning, and the outsider's 404 on every route."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casebridge.cases.models import ReferralGrant
from casebridge.restoration import actions
from casebridge.restoration.models import Referral

J = "application/json"


def _partners(world):  # type: ignore[no-untyped-def]
    hac, shs = world.agencies["HAC"], world.agencies["SHS"]
    hac.services, hac.capacity = ["assessment", "counselling"], 0
    shs.services = ["shelter", "counselling"]
    hac.save()
    shs.save()
    return hac, shs


def _draft(world, client, to="SHS"):  # type: ignore[no-untyped-def]
    answer = client.post(
        "/api/v1/referrals/",
        {
            "case": str(world.case.pk),
            "to_agency": to,
            "services": ["counselling"],
            "sections": ["identity", "counselling"],
        },
        content_type=J,
    )
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def test_a_referral_goes_through_its_states_and_its_grant_ends_with_it(world, login):
    from casebridge.cases.access import case_access

    _partners(world)
    lead = login(world.social_worker)
    pk = _draft(world, lead)
    assert not ReferralGrant.objects.filter(agency=world.agencies["SHS"], sections=288).exists()
    sent = lead.post(f"/api/v1/referrals/{pk}/send/", content_type=J)  # consent to share with SHS is in force
    assert sent.status_code == 200 and sent.json()["state"] == "sent"
    referral = Referral.objects.get(pk=pk)
    assert referral.grant is not None and referral.grant.revoked_at is None
    partner = login(world.shelter_caseworker)
    assert "counselling" in case_access(world.shelter_caseworker, world.case).sections
    assert partner.get(f"/api/v1/referrals/{pk}/").json()["steps"][1]["state"] == "sent"
    assert partner.post(f"/api/v1/referrals/{pk}/complete/", content_type=J).status_code == 409  # not accepted yet
    assert partner.post(f"/api/v1/referrals/{pk}/accept/", content_type=J).json()["state"] == "accepted"
    assert partner.post(f"/api/v1/referrals/{pk}/complete/", content_type=J).json()["state"] == "completed"
    referral.refresh_from_db()
    assert referral.grant is not None and referral.grant.revoked_at is not None
    assert "counselling" not in case_access(world.shelter_caseworker, world.case).sections
    assert partner.get(f"/api/v1/referrals/{pk}/").status_code == 404  # ended: nothing of it left to her
    steps = login(world.social_worker).get(f"/api/v1/referrals/{pk}/").json()["steps"]
    assert [s["state"] for s in steps] == ["draft", "sent", "accepted", "completed"]


def test_no_consent_no_sending(world, login):
    _partners(world)
    lead = login(world.social_worker)
    pk = _draft(world, lead, to="HAC")  # no consent to share with HAC
    refused = lead.post(f"/api/v1/referrals/{pk}/send/", content_type=J)
    assert refused.status_code == 400 and "consent" in refused.content.decode()
    referral = Referral.objects.get(pk=pk)
    assert referral.state == "draft" and referral.grant is None


def test_declined_and_revoked_end_the_grant_and_the_partner_gets_404(world, login):
    _partners(world)
    lead = login(world.social_worker)
    pk = _draft(world, lead)
    lead.post(f"/api/v1/referrals/{pk}/send/", content_type=J)
    partner = login(world.shelter_caseworker)
    assert partner.post(f"/api/v1/referrals/{pk}/decline/", {"reason": ""}, content_type=J).status_code == 400
    assert partner.post(f"/api/v1/referrals/{pk}/decline/", {"reason": "No place"}, content_type=J).status_code == 200
    assert Referral.objects.get(pk=pk).grant.revoked_at is not None  # type: ignore[union-attr]
    assert partner.get(f"/api/v1/referrals/{pk}/").status_code == 404
    lead = login(world.social_worker)
    second = _draft(world, lead)
    lead.post(f"/api/v1/referrals/{second}/send/", content_type=J)
    assert lead.post(f"/api/v1/referrals/{second}/revoke/", {"reason": "She moved"}, content_type=J).status_code == 200
    assert Referral.objects.get(pk=second).grant.revoked_at is not None  # type: ignore[union-attr]
    assert lead.post(f"/api/v1/referrals/{second}/accept/", content_type=J).status_code in (403, 409)


def test_an_unanswered_referral_expires_and_its_grant_ends(world, login):
    _partners(world)
    lead = login(world.social_worker)
    pk = _draft(world, lead)
    lead.post(f"/api/v1/referrals/{pk}/send/", content_type=J)
    assert actions.expire_due() == 0
    assert actions.expire_due(timezone.now() + datetime.timedelta(days=8)) == 1
    referral = Referral.objects.get(pk=pk)
    assert referral.state == "expired" and referral.grant.revoked_at is not None  # type: ignore[union-attr]
    assert login(world.shelter_caseworker).get(f"/api/v1/referrals/{pk}/").status_code == 404


def test_beyond_its_places_a_partner_accepts_only_with_a_reason(world, login):
    from casebridge.consents.actions import do_record_consent

    hac, _shs = _partners(world)  # HAC has no place free
    do_record_consent(
        world.case,
        actor=world.social_worker,
        purpose="sharing",
        shared_with=hac,
        decision="given",
        given_by="guardian",
        child_assent=True,
        decided_on=timezone.localdate(),
        language="khm",
    )
    lead = login(world.social_worker)
    pk = _draft(world, lead, to="HAC")
    lead.post(f"/api/v1/referrals/{pk}/send/", content_type=J)
    partner = login(world.assessment_worker)
    assert partner.post(f"/api/v1/referrals/{pk}/accept/", content_type=J).status_code == 400
    assert Referral.objects.get(pk=pk).state == "sent"
    answer = partner.post(f"/api/v1/referrals/{pk}/accept/", {"note": "She is 14; we make room"}, content_type=J)
    assert answer.status_code == 200


def test_bad_referrals_are_refused_and_outsiders_get_404(world, login):
    _partners(world)
    lead = login(world.social_worker)
    bad = lead.post(
        "/api/v1/referrals/",
        {"case": str(world.case.pk), "to_agency": "SHS", "services": ["medical"], "sections": ["medical"]},
        content_type=J,
    )
    assert bad.status_code == 400 and not Referral.objects.exists()
    pk = _draft(world, lead)
    outsider = login(world.outsider)
    assert outsider.get(f"/api/v1/referrals/{pk}/").status_code == 404
    for move in ("send", "accept", "decline", "revoke", "complete"):
        assert outsider.post(f"/api/v1/referrals/{pk}/{move}/", content_type=J).status_code == 404
    assert (
        outsider.post(
            "/api/v1/referrals/",
            {"case": str(world.case.pk), "to_agency": "SHS", "services": ["counselling"], "sections": ["identity"]},
            content_type=J,
        ).status_code
        == 404
    )
    assert Referral.objects.get(pk=pk).state == "draft"
    # A partner on her team does not refer her on.
    assert (
        login(world.shelter_caseworker)
        .post(
            "/api/v1/referrals/",
            {"case": str(world.case.pk), "to_agency": "HAC", "services": ["counselling"], "sections": ["identity"]},
            content_type=J,
        )
        .status_code
        == 403
    )


def test_review_findings(world, login):
    """An answer after its time is refused and the grant lasted only until then; a partner with
    another, non-case-staff membership at the lead learns no other partner's referral; a draft
    dropped is not on the partner's timeline; a partner that no longer qualifies is not sent the
    referral; the directory's API is for those who hold case content."""
    from casebridge.agencies.models import Membership, Role
    from casebridge.cases.models import TimelineEvent
    from casebridge.lib.errors import Conflict

    shs = _partners(world)[1]
    lead = login(world.social_worker)
    pk = _draft(world, lead)
    lead.post(f"/api/v1/referrals/{pk}/send/", content_type=J)
    referral = Referral.objects.get(pk=pk)
    assert referral.grant is not None and referral.grant.expires_at == referral.answer_by
    Referral.objects.filter(pk=pk).update(answer_by=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(Conflict):
        actions.do_accept(Referral.objects.get(pk=pk), actor=world.shelter_caseworker)
    # The shelter's caseworker also trains at JPC: she still learns no referral to the clinic.
    Membership.objects.create(
        user=world.shelter_caseworker, agency=world.agencies["JPC"], role=Role.TRAINER, approved_at=timezone.now()
    )
    clinic = world.agencies["MCL"]
    clinic.services = ["medical"]
    clinic.save()
    other = actions.do_create_referral(
        world.case, actor=world.social_worker, to_agency=clinic, services=["medical"], sections=["identity", "medical"]
    )
    assert not Referral.objects.visible_to(world.shelter_caseworker).filter(pk=other.pk).exists()
    # Dropped as a draft, with a reason: not on the shelter's timeline.
    dropped = actions.do_create_referral(
        world.case, actor=world.social_worker, to_agency=shs, services=["counselling"], sections=["identity"]
    )
    actions.do_revoke(dropped, actor=world.social_worker, reason="Staff there are linked to her trafficker")
    shelter_sees = TimelineEvent.objects.visible_to(world.shelter_caseworker).filter(kind="referral")
    assert shelter_sees.exists() and all("trafficker" not in str(e.body or "") for e in shelter_sees)
    # The clinic stops offering medical care before the referral is sent: not sent.
    clinic.services = ["counselling"]
    clinic.save()

    with pytest.raises(ValidationError):
        actions.do_send(other, actor=world.social_worker)
    unsent = Referral.objects.get(pk=other.pk)
    assert unsent.state == "draft" and unsent.grant is None
    assert login(world.trainer).get("/api/v1/partners/").status_code == 404
