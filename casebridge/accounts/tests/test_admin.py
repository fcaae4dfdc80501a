from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import Permission

from casebridge.agencies.models import Membership
from casebridge.audit.models import AuditEvent
from casebridge.cases.models import Case


def _staff(world):
    user = world.admin
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["agencies", "accounts"]))
    return user


def test_it_lets_an_administrator_manage_agencies_and_users(world, login):
    client = login(_staff(world))
    assert client.get("/admin/agencies/agency/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert "Justice Partners Cambodia" in client.get("/admin/agencies/agency/").content.decode()


def test_it_registers_no_case_data_in_the_admin(world, login):
    protected = {"cases", "people", "consents", "audit", "api"}
    assert not [m for m in admin.site._registry if m._meta.app_label in protected]
    client = login(_staff(world))
    assert client.get(f"/admin/cases/case/{world.case.pk}/change/").status_code == 404
    assert Case.objects.visible_to(world.admin).count() == 0


def test_it_deletes_nothing_and_names_no_survivor_on_an_agency_page(world, login):
    client = login(_staff(world))
    jpc = world.agencies["JPC"]
    response = client.get(f"/admin/agencies/agency/{jpc.pk}/delete/")
    assert response.status_code == 403
    for page in (f"/admin/agencies/agency/{jpc.pk}/change/", f"/admin/accounts/user/{world.social_worker.pk}/change/"):
        body = client.get(page).content.decode()
        assert "Srey Pov" not in body and "ស្រីពៅ" not in body
    assert client.post(f"/admin/accounts/user/{world.social_worker.pk}/delete/", {"post": "yes"}).status_code == 403
    assert str(world.case.survivor) == f"person {world.case.survivor.pk}"


def test_it_refuses_an_administrator_their_own_memberships(world, login):
    admin_user = _staff(world)
    client = login(admin_user)
    before = Membership.objects.filter(user=admin_user).count()
    response = client.post(
        "/admin/agencies/membership/add/",
        {
            "user": admin_user.pk,
            "agency": world.agencies["JPC"].pk,
            "role": "aftercare_social_worker",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Another administrator must change your own memberships." in response.content.decode()
    assert Membership.objects.filter(user=admin_user).count() == before
    assert client.post(f"/admin/accounts/user/{admin_user.pk}/change/", {"username": "admin"}).status_code == 403
    assert Case.objects.visible_to(admin_user).count() == 0


def test_it_audits_what_an_administrator_changes(world, login):
    from casebridge.accounts.models import User

    client = login(_staff(world))
    newcomer = User.objects.create_user("newcomer", password="x" * 20, email="newcomer@example.org")
    response = client.post(
        "/admin/agencies/membership/add/",
        {
            "user": newcomer.pk,
            "agency": world.agencies["JPC"].pk,
            "role": "partner_caseworker",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, agency=world.agencies["JPC"])
    event = AuditEvent.objects.get(object_type="membership", object_id=str(membership.pk), action="create")
    assert (event.actor_id, event.action, event.via) == (world.admin.pk, "create", "admin")
    response = client.post(
        f"/admin/accounts/user/{newcomer.pk}/password/",
        {"password1": "a-new-long-passphrase-42", "password2": "a-new-long-passphrase-42", "usable_password": "true"},
    )
    assert response.status_code == 302
    events = AuditEvent.objects.filter(object_type="user", object_id=str(newcomer.pk))
    assert events.filter(action="update", reason__contains="password").exists()


def test_it_offers_no_way_to_remove_a_second_factor_or_grant_privileges(world, login):
    client = login(_staff(world))
    assert client.get("/admin/mfa/authenticator/").status_code == 404
    assert client.get("/admin/auth/group/").status_code == 404
    body = client.get(f"/admin/accounts/user/{world.social_worker.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in body and 'name="user_permissions"' not in body
    assert 'name="groups"' not in body
