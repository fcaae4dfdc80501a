"""Regression tests for the independent review of the trust core (its findings F2 to F12; F1, a
race, is in tests/test_races.py). Each reproduced a defect before its fix."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casebridge.accounts.models import User
from casebridge.agencies.actions import awaiting_approval, do_approve_membership, membership_saved
from casebridge.agencies.models import Agency, Membership, OrgType, Role
from casebridge.api.authentication import issue_token
from casebridge.audit.models import AuditEvent
from casebridge.cases import actions
from casebridge.cases.access import case_access
from casebridge.cases.models import BreakGlass, Reach, TimelineEvent
from casebridge.lib.errors import Conflict, NotAllowed
from casebridge.lib.testing import make_user, share_consent
from casebridge.notifications.models import Notification

REASON = "The child called the hotline from an unknown place tonight; I need the guardian's number."


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def _fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def platform(world):
    ops = Agency.objects.create(code="OPS", name="Operations", org_type=OrgType.NGO, province="KH-12", is_platform=True)
    return make_user("platform_officer", ops, Role.PRIVACY_OFFICER)[0]


def test_f2_emergency_access_never_writes_even_beside_another_way_in(world):
    officer = world.privacy_officer  # the lead's privacy officer: the case's record, no section
    Membership.objects.create(
        user=officer, agency=world.agencies["OTH"], role=Role.NGO_INVESTIGATOR, approved_at=timezone.now()
    )
    officer = _fresh(officer)
    actions.do_break_glass(world.case.number, actor=officer, reason=REASON)
    access = case_access(_fresh(officer), world.case)
    assert access.break_glass and "identity" in access.sections and not access.can_write
    with pytest.raises(NotAllowed):
        actions.do_add_note(
            world.case, actor=_fresh(officer), section="identity", body="written under emergency access"
        )
    response = _api(officer).post(
        f"/api/v1/cases/{world.case.pk}/notes/", {"section": "investigation", "body": "x"}, format="json"
    )
    assert response.status_code == 403
    assert not TimelineEvent.objects.filter(kind="note").exists()


def test_f2_f6_a_lone_privacy_officer_breaking_the_glass_is_reviewed_by_the_platform(world, platform):
    officer = world.privacy_officer
    Membership.objects.create(
        user=officer, agency=world.agencies["OTH"], role=Role.NGO_INVESTIGATOR, approved_at=timezone.now()
    )
    glass = actions.do_break_glass(world.case.number, actor=_fresh(officer), reason=REASON)
    assert glass is not None
    assert actions.break_glass_reviewers(world.case, officer) == [platform]
    assert list(BreakGlass.objects.reviewable_by(_fresh(officer))) == []
    assert list(BreakGlass.objects.reviewable_by(platform)) == [glass]
    actions.do_review_break_glass(glass, actor=platform, outcome="justified", note="")


def test_f3_the_access_log_is_for_the_lead_agencys_case_staff_and_privacy_officer(world, login):
    user = world.shelter_caseworker
    Membership.objects.create(user=user, agency=world.agencies["JPC"], role=Role.TRAINER)  # needs no approval
    actions.read_case(world.police, world.case, case_access(world.police, world.case))
    assert not case_access(_fresh(user), world.case).can_see_access_log
    assert _api(user).get(f"/api/v1/cases/{world.case.pk}/access-log/").status_code == 403
    assert login(_fresh(user)).get(f"/privacy/cases/{world.case.pk}/access-log/").status_code == 403
    assert not AuditEvent.objects.visible_to(_fresh(user)).exists()
    for persona in ("social_worker", "privacy_officer"):
        assert _api(world.users[persona]).get(f"/api/v1/cases/{world.case.pk}/access-log/").status_code == 200


def _admin(world):
    from django.contrib.auth.models import Permission

    admin = world.admin
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["agencies", "accounts"]))
    return _fresh(admin)


def test_f4_an_administrator_cannot_reach_another_agencys_account(world, login):
    client = login(_admin(world))
    police = world.police
    response = client.post(
        "/admin/agencies/membership/add/",
        {"user": police.pk, "agency": world.agencies["JPC"].pk, "role": Role.TRAINER, "is_active": "on"},
    )
    assert response.status_code == 200  # the form refuses: not an account of theirs
    assert not Membership.objects.filter(user=police, agency=world.agencies["JPC"]).exists()
    assert client.get(f"/admin/accounts/user/{police.pk}/change/").status_code in (302, 403, 404)
    password = {
        "password1": "a-new-long-passphrase-42",
        "password2": "a-new-long-passphrase-42",
        "usable_password": "true",
    }
    assert client.post(f"/admin/accounts/user/{police.pk}/password/", password).status_code in (302, 403, 404)
    police.refresh_from_db()
    assert police.check_password("correct horse battery staple")
    offered = client.get(
        "/admin/autocomplete/", {"app_label": "agencies", "model_name": "membership", "field_name": "user", "term": ""}
    ).json()["results"]
    ids = {int(result["id"]) for result in offered}
    assert police.pk not in ids and world.lawyer.pk in ids  # not even offered


def test_f4_a_password_set_in_the_admin_is_told(world, login, mailoutbox, django_capture_on_commit_callbacks):
    client = login(_admin(world))
    password = {
        "password1": "a-new-long-passphrase-42",
        "password2": "a-new-long-passphrase-42",
        "usable_password": "true",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/accounts/user/{world.lawyer.pk}/password/", password)
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=world.privacy_officer, kind="password_set").exists()
    assert world.lawyer.email in {address for mail in mailoutbox for address in mail.to}


def test_f5_an_approval_refuses_a_membership_changed_since_it_was_seen(world):
    newhire = User.objects.create_user("newhire", password="x" * 20)
    membership = Membership.objects.create(user=newhire, agency=world.agencies["JPC"], role=Role.MEDICAL_STAFF)
    membership_saved(membership, actor=world.admin, created=True, changed=())
    seen = Membership.objects.get(pk=membership.pk).changed_at
    accomplice = User.objects.create_user("accomplice", password="x" * 20)
    membership.user, membership.role = accomplice, Role.AFTERCARE_SOCIAL_WORKER
    membership.save()
    membership_saved(membership, actor=world.admin, created=False, changed=["user", "role"])
    with pytest.raises(Conflict):
        do_approve_membership(Membership.objects.get(pk=membership.pk), actor=world.privacy_officer, seen=seen)
    assert not case_access(_fresh(accomplice), world.case).reaches


def test_f6_a_deactivated_officer_hands_reviews_and_approvals_to_the_platform(world, platform):
    world.privacy_officer.is_active = False
    world.privacy_officer.save()
    glass = actions.do_break_glass(world.case.number, actor=world.gov_social_worker, reason=REASON)
    assert glass is not None
    assert Notification.objects.filter(recipient=platform, kind="break_glass").exists()
    assert list(BreakGlass.objects.reviewable_by(platform)) == [glass]
    actions.do_review_break_glass(glass, actor=platform, outcome="not_justified", note="")
    newhire = User.objects.create_user("newhire", password="x" * 20)
    membership = Membership.objects.create(user=newhire, agency=world.agencies["JPC"], role=Role.LAWYER)
    membership_saved(membership, actor=world.admin, created=True, changed=())
    assert awaiting_approval(platform).filter(pk=membership.pk).exists()


def test_f6_the_check_counts_only_active_reviewers(world):
    from casebridge.cases.checks import break_glass_reviewers

    assert break_glass_reviewers() == []
    world.privacy_officer.is_active = False
    world.privacy_officer.save()
    (warning,) = break_glass_reviewers()
    assert "JPC" in warning.msg


def test_f7_a_partners_refusal_is_told_to_the_lead_staff_not_a_former_owner(world):
    owner = world.social_worker
    owner.memberships.update(is_active=False)
    Membership.objects.create(
        user=owner, agency=world.agencies["AHTJP"], role=Role.POLICE_INVESTIGATOR, approved_at=timezone.now()
    )
    make_user("colleague", world.agencies["JPC"], Role.AFTERCARE_SOCIAL_WORKER)
    share_consent(world, "SHS", actor=world.shelter_caseworker, decision="withdrawn")
    told = set(Notification.objects.filter(kind="consent_by_partner").values_list("recipient__username", flat=True))
    assert "colleague" in told and "social_worker" not in told


def test_f8_the_phone_is_whereabouts(world):
    for persona in ("police", "shelter_caseworker"):
        survivor = _api(world.users[persona]).get(f"/api/v1/cases/{world.case.pk}/").json()["survivor"]
        assert survivor["phone"] is None and survivor["address"] is None
    actions.do_break_glass(world.case.number, actor=world.gov_social_worker, reason=REASON)
    survivor = _api(world.gov_social_worker).get(f"/api/v1/cases/{world.case.pk}/").json()["survivor"]
    assert survivor["phone"] is None
    assert (
        _api(world.social_worker).get(f"/api/v1/cases/{world.case.pk}/").json()["survivor"]["phone"] == "+85512345678"
    )


def test_f9_a_refused_emergency_attempt_is_recorded(world, settings, login):
    settings.BREAK_GLASS_PER_DAY = 1
    actions.do_break_glass("JPC-2026-999999", actor=world.outsider, reason=REASON)
    before = AuditEvent.objects.filter(actor=world.outsider, action="break_glass").count()
    with pytest.raises(NotAllowed):
        actions.do_break_glass(world.case.number, actor=world.outsider, reason=REASON)
    login(world.outsider).post(reverse("audit:break_glass"), {"case_number": world.case.number, "reason": REASON})
    refused = AuditEvent.objects.filter(actor=world.outsider, action="break_glass", reason__startswith="refused")
    assert refused.count() == 2
    assert AuditEvent.objects.filter(actor=world.outsider, action="break_glass").count() == before + 2
    assert not BreakGlass.objects.filter(user=world.outsider).exists()


def test_f10_the_review_page_notices_an_altered_emergency_access_record(world, login):
    glass = actions.do_break_glass(world.case.number, actor=world.gov_social_worker, reason=REASON)
    assert glass is not None
    actions.read_case(world.gov_social_worker, world.case, case_access(world.gov_social_worker, world.case))
    page = login(world.privacy_officer).get(reverse("audit:review", args=[glass.pk])).content.decode()
    assert "may have been altered" not in page and "viewed the case" in page
    BreakGlass.objects.filter(pk=glass.pk).update(started_at=glass.started_at + datetime.timedelta(days=3650))
    page = login(world.privacy_officer).get(reverse("audit:review", args=[glass.pk])).content.decode()
    assert "may have been altered" in page


def test_f11_a_partner_refuses_only_for_the_agency_it_serves_the_case_from(world):
    user = world.shelter_caseworker
    Membership.objects.create(user=user, agency=world.agencies["MCL"], role=Role.TRAINER)
    with pytest.raises(NotAllowed):
        share_consent(world, "MCL", actor=_fresh(user), decision="refused")
    assert case_access(world.nurse, world.case).can("medical")


def test_f12_a_new_opening_date_moves_the_case_in_the_lists(world):
    case = world.case
    case.opened_on = case.opened_on - datetime.timedelta(days=30)
    case.save()
    assert set(Reach.objects.filter(case=case).values_list("opened_on", flat=True)) == {case.opened_on}
