"""Users in the admin. Administrators create accounts, (de)activate them and assign memberships;
they cannot change their own account, make superusers, grant permissions, remove anyone's second
factor or delete anything. Every change they make goes into the audit chain."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casebridge.accounts.models import User
from casebridge.agencies.admin import AuditedAdmin
from casebridge.agencies.models import Membership


class OwnMembershipsRefused(BaseInlineFormSet):  # type: ignore[type-arg]
    request_user: User | None = None

    def clean(self) -> None:
        super().clean()
        if self.request_user is not None and self.instance.pk == self.request_user.pk and self.has_changed():
            raise ValidationError(_("Another administrator must change your own memberships."))


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    fk_name = "user"
    formset = OwnMembershipsRefused

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user  # type: ignore[attr-defined]
        return formset

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate a membership instead: the history stays


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):  # type: ignore[type-arg]
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Name and email"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.pk == request.user.pk:
            return False  # nobody raises their own privileges or resets their own factors here
        return super().has_change_permission(request, obj)
