"""An administrator cannot create an accomplice anywhere (the trust core, second pass, item 3),
and every emergency access has a reviewer (item 5). Reproduced on the demo: an administrator
created an account with a police-investigator membership at another agency, signed in as it and
read cases; it was audited, but nobody approved or was alerted."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casebridge.accounts.models import User
from casebridge.agencies.actions import awaiting_approval, do_approve_membership
from casebridge.agencies.models import Agency, Membership, OrgType, Role
from casebridge.api.authentication import issue_token
from casebridge.cases.access import case_access
from casebridge.cases.actions import do_break_glass, do_review_break_glass
from casebridge.cases.models import BreakGlass, Case
from casebridge.lib.errors import NotAllowed
from casebridge.lib.testing import make_user, run_ready_tasks
from casebridge.notifications.models import Notification

REASON = "The child called the hotline from an unknown place tonight; I need the guardian's number."


def _staff(user):
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["agencies", "accounts"]))
    return User.objects.get(pk=user.pk)


def _add(client, user, agency, role):
    return client.post(
        "/admin/agencies/membership/add/", {"user": user.pk, "agency": agency.pk, "role": role, "is_active": "on"}
    )


@pytest.fixture
def platform(world):
    """The agency operating the platform, with a privacy officer of its own."""
    ops = Agency.objects.create(code="OPS", name="Operations", org_type=OrgType.NGO, province="KH-12", is_platform=True)
    officer, _ = make_user("platform_officer", ops, Role.PRIVACY_OFFICER)
    return officer


def test_an_administrator_cannot_give_a_role_at_another_agency(world, login):
    client = login(_staff(world.admin))
    accomplice = User.objects.create_user("accomplice", password="x" * 20)
    response = _add(client, accomplice, world.agencies["AHTJP"], Role.POLICE_INVESTIGATOR)
    assert response.status_code == 200  # the form refuses the agency: not one of theirs
    assert not Membership.objects.filter(user=accomplice).exists()
    assert client.get(f"/admin/agencies/membership/{world.police.memberships.get().pk}/change/").status_code == 302
    assert "AHTJP" not in client.get("/admin/agencies/membership/").content.decode()


def test_a_content_role_waits_for_the_privacy_officer(world, login, mailoutbox, django_capture_on_commit_callbacks):
    client = login(_staff(world.admin))
    accomplice = User.objects.create_user("accomplice", password="x" * 20)
    with django_capture_on_commit_callbacks(execute=True):
        assert _add(client, accomplice, world.agencies["JPC"], Role.AFTERCARE_SOCIAL_WORKER).status_code == 302
    run_ready_tasks()  # the e-mail goes out from the background worker
    membership = Membership.objects.get(user=accomplice)
    assert membership.pending and membership.changed_by == world.admin
    accomplice = User.objects.get(pk=accomplice.pk)
    assert accomplice.active_memberships() == []
    assert not case_access(accomplice, world.case).reaches
    assert Case.objects.visible_to(accomplice).count() == 0
    kinds = set(Notification.objects.filter(recipient=world.privacy_officer).values_list("kind", flat=True))
    assert kinds == {"membership_changed", "membership_pending"}
    assert world.privacy_officer.email in {address for m in mailoutbox for address in m.to}
    officer = login(world.privacy_officer)
    page = officer.get(reverse("audit:memberships")).content.decode()
    assert "accomplice" in page
    assert membership.changed_at is not None
    seen = {"seen": membership.changed_at.isoformat()}
    assert officer.post(reverse("audit:decide_membership", args=[membership.pk, "approve"]), seen).status_code == 302
    accomplice = User.objects.get(pk=accomplice.pk)
    assert case_access(accomplice, world.case).can("identity")


def test_nobody_approves_a_membership_they_set_up_or_hold(world):
    from casebridge.agencies.actions import membership_saved

    both = world.privacy_officer
    Membership.objects.create(user=both, agency=world.agencies["JPC"], role=Role.ADMINISTRATOR)
    both = User.objects.get(pk=both.pk)
    newcomer = User.objects.create_user("newcomer", password="x" * 20)
    membership = Membership.objects.create(user=newcomer, agency=world.agencies["JPC"], role=Role.LAWYER)
    membership_saved(membership, actor=both, created=True, changed=())
    assert not awaiting_approval(both).filter(pk=membership.pk).exists()
    with pytest.raises(NotAllowed):
        do_approve_membership(membership, actor=both, seen=membership.changed_at)
    own = Membership.objects.create(user=both, agency=world.agencies["JPC"], role=Role.LAWYER)
    membership_saved(own, actor=world.admin, created=True, changed=())
    with pytest.raises(NotAllowed):
        do_approve_membership(own, actor=both, seen=own.changed_at)


def test_an_agency_without_a_privacy_officer_is_approved_by_the_platform(world, platform):
    from casebridge.agencies.actions import membership_saved

    newcomer = User.objects.create_user("newcomer", password="x" * 20)
    membership = Membership.objects.create(user=newcomer, agency=world.agencies["SHS"], role=Role.PARTNER_CASEWORKER)
    membership_saved(membership, actor=world.admin, created=True, changed=())
    assert not awaiting_approval(world.privacy_officer).filter(pk=membership.pk).exists()
    assert list(awaiting_approval(platform)) == [membership]
    assert Notification.objects.filter(recipient=platform, kind="membership_pending").exists()
    do_approve_membership(membership, actor=platform, seen=membership.changed_at)
    membership.refresh_from_db()
    assert membership.approved_by == platform and not membership.pending


def test_a_changed_role_needs_approval_again_and_an_ended_one_is_reported(world, login):
    client = login(_staff(world.admin))
    membership = world.lawyer.memberships.get()
    response = client.post(
        f"/admin/agencies/membership/{membership.pk}/change/",
        {"user": world.lawyer.pk, "agency": world.agencies["JPC"].pk, "role": Role.NGO_INVESTIGATOR, "is_active": "on"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.pending
    assert not case_access(User.objects.get(pk=world.lawyer.pk), world.case).reaches
    response = client.post(
        f"/admin/agencies/membership/{membership.pk}/change/",
        {"user": world.lawyer.pk, "agency": world.agencies["JPC"].pk, "role": Role.NGO_INVESTIGATOR},
    )
    assert response.status_code == 302
    changes = [n.data["change"] for n in Notification.objects.filter(kind="membership_changed").order_by("id")]
    assert changes == ["changed", "ended"]


def test_a_changed_email_address_is_reported(world, login, mailoutbox, django_capture_on_commit_callbacks):
    client = login(_staff(world.admin))
    user = world.social_worker
    data = {"username": user.username, "first_name": "", "last_name": "", "email": "new@example.net", "is_active": "on"}
    data.update({"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    run_ready_tasks()  # the e-mail goes out from the background worker
    assert response.status_code == 302, response.content.decode()[:2000]
    note = Notification.objects.get(recipient=world.privacy_officer, kind="email_changed")
    assert "social_worker" in note.message()
    assert ["social_worker@example.org"] in [m.to for m in mailoutbox]


def test_the_api_lists_and_approves_for_the_privacy_officer_only(world):
    newcomer = User.objects.create_user("newcomer", password="x" * 20)
    membership = Membership.objects.create(
        user=newcomer, agency=world.agencies["JPC"], role=Role.LAWYER, changed_by=world.admin
    )
    officer = APIClient()
    officer.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(world.privacy_officer)}")
    listing = officer.get("/api/v1/memberships/").json()
    assert [m["user"] for m in listing["results"]] == ["newcomer"]
    for persona in ("admin", "outsider", "social_worker"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(world.users[persona])}")
        assert client.get("/api/v1/memberships/").json()["count"] == 0
        assert client.post(f"/api/v1/memberships/{membership.pk}/approve/").status_code == 404
    seen = {"changed_at": listing["results"][0]["changed_at"]}
    response = officer.post(f"/api/v1/memberships/{membership.pk}/approve/", seen, format="json")
    assert response.status_code == 200 and response.json()["approved_at"]
    again = officer.post(f"/api/v1/memberships/{membership.pk}/approve/", seen, format="json")
    assert again.status_code == 404  # decided


def test_emergency_access_to_a_case_led_without_a_privacy_officer_goes_to_the_platform(
    world, platform, mailoutbox, django_capture_on_commit_callbacks
):
    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity

    police_case = do_open_case(
        actor=world.police,
        agency=world.agencies["AHTJP"],
        identity=clean_identity({"given_name": "Dara"}),
        province="KH-12",
        opened_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        glass = do_break_glass(police_case.number, actor=world.social_worker, reason=REASON)
    run_ready_tasks()  # the e-mail goes out from the background worker
    assert glass is not None
    assert Notification.objects.filter(recipient=platform, kind="break_glass").exists()
    assert platform.email in {address for m in mailoutbox for address in m.to}
    assert list(BreakGlass.objects.reviewable_by(platform)) == [glass]
    assert not BreakGlass.objects.reviewable_by(world.privacy_officer).filter(pk=glass.pk).exists()
    do_review_break_glass(glass, actor=platform, outcome="justified", note="")


def test_check_warns_of_agencies_whose_emergency_access_nobody_reviews(world, capsys):
    from casebridge.cases.actions import do_open_case
    from casebridge.cases.checks import break_glass_reviewers
    from casebridge.people.actions import clean_identity

    assert break_glass_reviewers() == []  # JPC, the only lead agency so far, has a privacy officer
    do_open_case(
        actor=world.police,
        agency=world.agencies["AHTJP"],
        identity=clean_identity({"given_name": "Dara"}),
        province="KH-12",
        opened_on=timezone.localdate(),
    )
    (warning,) = break_glass_reviewers()
    assert warning.id == "casebridge.W001" and "AHTJP" in warning.msg
    call_command("set_platform_agency", "JPC")
    assert break_glass_reviewers() == []  # JPC's privacy officer now reviews for the platform


def test_the_platform_reviewer_sees_what_was_done_under_emergency_access(world, platform, login):
    from casebridge.cases.actions import do_open_case
    from casebridge.people.actions import clean_identity

    police_case = do_open_case(
        actor=world.police,
        agency=world.agencies["AHTJP"],
        identity=clean_identity({"given_name": "Dara"}),
        province="KH-12",
        opened_on=timezone.localdate(),
    )
    glass = do_break_glass(police_case.number, actor=world.social_worker, reason=REASON)
    assert glass is not None
    login(world.social_worker).get(reverse("cases:detail", args=[police_case.pk]))
    page = login(platform).get(reverse("audit:review", args=[glass.pk])).content.decode()
    what_they_did = page[page.index("What they did") :]
    assert "viewed the case" in what_they_did and "Nothing recorded." not in what_they_did
    assert login(world.privacy_officer).get(reverse("audit:review", args=[glass.pk])).status_code == 404


def test_outsiders_get_404_for_memberships_and_notifications(world, login):
    from casebridge.notifications.actions import notify

    newcomer = User.objects.create_user("newcomer", password="x" * 20)
    membership = Membership.objects.create(
        user=newcomer, agency=world.agencies["JPC"], role=Role.LAWYER, changed_by=world.admin
    )
    (note,) = notify(
        [world.privacy_officer],
        "membership_pending",
        data={"user": "newcomer", "agency": "JPC", "role": "lawyer", "by": "admin"},
    )
    for persona in ("outsider", "admin", "social_worker"):
        client = login(world.users[persona])
        for decision in ("approve", "refuse"):
            url = reverse("audit:decide_membership", args=[membership.pk, decision])
            assert client.post(url).status_code == 404
        assert "newcomer" not in client.get(reverse("audit:memberships")).content.decode()
        assert "newcomer" not in client.get(reverse("notifications:inbox")).content.decode()
        client.post(reverse("notifications:read"))
    membership.refresh_from_db()
    note.refresh_from_db()
    assert membership.pending and note.read_at is None  # nobody else decided or read them
    officer = login(world.privacy_officer)
    assert officer.post(reverse("audit:decide_membership", args=[membership.pk, "maybe"])).status_code == 404
    assert "newcomer" in officer.get(reverse("notifications:inbox")).content.decode()
