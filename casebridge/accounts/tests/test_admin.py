from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import Permission

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
