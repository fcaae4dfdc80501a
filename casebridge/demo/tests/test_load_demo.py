"""load_demo: agencies, one account per role with the shared password and TOTP, and cases made
through the actions (consents before sharing, a whole audit chain)."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency, Membership, OrgType, Role
from casebridge.audit.log import verify
from casebridge.audit.models import AuditEvent
from casebridge.cases.models import Case, TeamMember, TimelineEvent
from casebridge.consents.actions import ADULT, CONSENTS_ALONE
from casebridge.consents.models import ConsentRecord, Decision, GivenBy, Purpose
from casebridge.demo import totp
from casebridge.demo.loader import DEMO_PASSWORD
from casebridge.people.models import SearchEntry


def _load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def demo(settings, db):  # type: ignore[no-untyped-def]
    settings.DEMO = True
    return _load("--cases", "12", "--seed", "7")


def test_it_refuses_outside_demo_mode(settings, db):
    settings.DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        _load("--cases", "1")
    assert not Agency.objects.exists()


def test_it_loads_with_force_outside_demo_mode(settings, db):
    settings.DEMO = False
    _load("--cases", "0", "--force")
    assert Agency.objects.filter(code="JPC").exists()


def test_it_refuses_in_production_even_with_force(settings, db):
    settings.PRODUCTION = True
    settings.DEMO = True
    with pytest.raises(CommandError, match="production"):
        _load("--cases", "0", "--force")
    assert not User.objects.exists()


def test_it_creates_the_agencies(demo):
    assert Agency.objects.count() >= 6
    types = set(Agency.objects.values_list("org_type", flat=True))
    assert {OrgType.LAW_ENFORCEMENT, OrgType.LOCAL_GOVERNMENT, OrgType.NGO, OrgType.HEALTH, OrgType.LEGAL} <= types
    jpc = Agency.objects.get(code="JPC")
    assert jpc.name == "Justice Partners Cambodia"
    assert set(jpc.teams.values_list("name", flat=True)) == {"Investigations", "Aftercare", "Legal"}


def test_it_creates_an_account_for_every_role(demo):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    nary = User.objects.get(username="caseworker.nary")
    assert sorted(m.agency.code for m in nary.active_memberships()) == ["HAC", "SHS"]


def test_it_gives_every_account_the_demo_password_and_totp(demo):
    users = list(User.objects.all())
    assert len(users) >= len(Role.values)
    for user in users:
        assert user.check_password(DEMO_PASSWORD), user.username
        assert not user.is_superuser
    totps = Authenticator.objects.filter(type=Authenticator.Type.TOTP)
    assert sorted(a.user_id for a in totps) == sorted(u.pk for u in users)
    # The stored (encrypted) secret is the published one: today's code signs anyone in.
    authenticator = totps.get(user__username="nurse.bopha")
    assert TOTP(authenticator).validate_code(totp.current_code())


def test_it_makes_only_administrators_staff(demo):
    assert set(User.objects.filter(is_staff=True).values_list("username", flat=True)) == {"admin.rith"}
    admin = User.objects.get(username="admin.rith")
    assert admin.has_perm("agencies.change_agency")
    assert not admin.has_perm("cases.view_case")


def test_it_makes_the_cases_through_the_actions(demo):
    cases = list(Case.objects.select_related("lead_agency", "owner"))
    assert len(cases) == 12
    assert len({c.number for c in cases}) == 12
    for case in cases:
        assert case.survivor.display_name()
        assert SearchEntry.objects.filter(person=case.survivor).exists()
        assert TimelineEvent.objects.filter(case=case, kind="case_opened").count() == 1
        assert AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), action="create").count() == 1
    result = verify()
    assert result.ok, result.problem
    assert result.checked > 12 * 3


def test_it_lets_lead_agency_staff_reach_their_cases(demo):
    for case in Case.objects.all():
        assert Case.objects.visible_to(case.owner).filter(pk=case.pk).exists()
    jpc_cases = set(Case.objects.filter(lead_agency__code="JPC").values_list("pk", flat=True))
    assert jpc_cases
    lawyer = User.objects.get(username="lawyer.vannak")
    assert jpc_cases <= set(Case.objects.visible_to(lawyer).values_list("pk", flat=True))
    # Separation of duties: the administrator and the trainer reach no case at all.
    for username in ("admin.rith", "trainer.lina", "manager.kosal"):
        assert not Case.objects.visible_to(User.objects.get(username=username)).exists(), username


def test_it_shares_only_with_consent(demo):
    shared = TeamMember.objects.select_related("case__survivor", "agency", "user")
    assert shared.exists()
    for member in shared:
        if member.agency is not None:
            agencies = [member.agency]
        else:
            assert member.user is not None
            agencies = [m.agency for m in member.user.active_memberships()]
        for agency in agencies:
            assert ConsentRecord.objects.filter(
                case=member.case, purpose=Purpose.SHARING, shared_with=agency, decision=Decision.GIVEN
            ).exists(), (member.case.number, agency.code)
    # A shelter caseworker reaches only cases shared with the shelter.
    channary = User.objects.get(username="shelter.channary")
    visible = set(Case.objects.visible_to(channary).values_list("pk", flat=True))
    places = TeamMember.objects.filter(agency__code="SHS", removed_at__isnull=True)
    assert visible == set(places.values_list("case_id", flat=True))


def test_it_records_consent_by_the_right_person(demo):
    records = list(ConsentRecord.objects.select_related("survivor"))
    assert records
    for record in records:
        age = record.survivor.age_on(record.decided_on)
        assert age is not None
        if age >= ADULT:
            assert record.given_by == GivenBy.SURVIVOR
        elif age < CONSENTS_ALONE and record.decision == Decision.GIVEN:
            assert record.given_by == GivenBy.GUARDIAN
            assert record.child_assent is True


def test_it_prints_how_to_sign_in(demo, settings, monkeypatch):
    assert "casebridge-demo" in demo
    assert totp.DEMO_TOTP_SECRET in demo
    assert "otpauth://totp/" in demo
    assert "http://127.0.0.1:8000/" in demo
    assert "make totp" in demo
    assert "aftercare.sophea  JPC" in demo
    # A second run changes nothing and prints the accounts again, with the port from PORT.
    monkeypatch.setenv("PORT", "8123")
    users = User.objects.count()
    again = _load("--cases", "5")
    assert "already loaded" in again
    assert "http://127.0.0.1:8123/" in again
    assert User.objects.count() == users
    assert Case.objects.count() == 12


def test_it_lets_a_demo_account_sign_in_and_see_its_cases(demo, client):
    response = client.post(reverse("account_login"), {"login": "shelter.channary", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp.current_code()})
    assert response.status_code == 302
    page = client.get(reverse("cases:home"))
    assert page.status_code == 200
    shared = Case.objects.filter(team__agency__code="SHS", team__removed_at__isnull=True).first()
    assert shared is not None
    assert client.get(reverse("cases:detail", args=[shared.pk])).status_code == 200
    hidden = Case.objects.exclude(team__agency__code="SHS").first()
    assert hidden is not None
    assert client.get(reverse("cases:detail", args=[hidden.pk])).status_code == 404


def test_it_shows_the_trust_core_at_work(demo):
    from casebridge.agencies.models import Agency, Membership
    from casebridge.cases.checks import break_glass_reviewers
    from casebridge.notifications.models import Notification

    platform = Agency.objects.get(is_platform=True)
    assert Membership.objects.in_force().filter(agency=platform, role="privacy_officer").exists()
    assert break_glass_reviewers() == []  # every lead agency has someone to review emergency access
    pending = Membership.objects.get(user__username="newcomer.dalin")
    assert pending.pending and getattr(pending.changed_by, "username", None) == "admin.rith"
    kinds = set(Notification.objects.values_list("recipient__username", "kind"))
    assert ("privacy.malis", "break_glass") in kinds
    assert any(kind == "consent_by_partner" and name.startswith("aftercare.") for name, kind in kinds)
    # A government social worker asked, at intake, about a record elsewhere: JPC's staff decide.
    from casebridge.cases.models import ContactRequest

    request = ContactRequest.objects.get()
    assert request.requester.username == "govsw.sokun" and request.case.lead_agency.code == "JPC"
    assert any(kind == "contact_request" and name.startswith("aftercare.") for name, kind in kinds)


def test_each_account_has_only_its_newest_notifications_unread(demo):
    from casebridge.notifications.models import Notification

    unread = Notification.objects.filter(read_at__isnull=True)
    per_person = {r: unread.filter(recipient_id=r).count() for r in set(unread.values_list("recipient_id", flat=True))}
    assert per_person and max(per_person.values()) <= 5
    assert Notification.objects.filter(read_at__isnull=False).exists()
