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
from casebridge.agencies.actions import email_changed, manageable_users, membership_saved, password_set_by_admin
from casebridge.agencies.admin import AuditedAdmin, ScopedToAgencies
from casebridge.agencies.models import Membership


class OwnMembershipsRefused(BaseInlineFormSet):  # type: ignore[type-arg]
    request_user: User | None = None

    def clean(self) -> None:
        super().clean()
        if self.request_user is not None and self.instance.pk == self.request_user.pk and self.has_changed():
            raise ValidationError(_("Another administrator must change your own memberships."))


class MembershipInline(ScopedToAgencies, admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    fk_name = "user"
    formset = OwnMembershipsRefused
    fields = ["agency", "role", "team", "is_active"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return self.scoped(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self.limit_agencies(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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

    def get_queryset(self, request: HttpRequest) -> Any:
        """An agency's administrator changes only accounts whose active memberships are all at
        agencies they administer (and accounts in no agency)."""
        return super().get_queryset(request).filter(pk__in=manageable_users(request.user).values("pk"))  # type: ignore[arg-type]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            changed = self.get_queryset(request).filter(pk=id).first()
            if changed is not None:
                password_set_by_admin(changed, actor=request.user)  # type: ignore[arg-type]
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        old = form.initial.get("email", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            email_changed(obj, actor=request.user, old=old)  # type: ignore[arg-type]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            for membership in formset.new_objects:
                membership_saved(membership, actor=request.user, created=True, changed=())  # type: ignore[arg-type]
            for membership, fields in formset.changed_objects:
                membership_saved(membership, actor=request.user, created=False, changed=fields)  # type: ignore[arg-type]
