"""Administrators manage agencies, teams and memberships here. No case data is registered in
the admin: administrators do not read case content. Nothing is deleted (deactivate instead),
and every change is written to the audit chain."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.models import Agency, Membership, Team
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes what the admin logs (object and changed fields, never values) to the audit chain,
    and deletes nothing."""

    def _audit(self, request: HttpRequest, obj: Any, action: str, message: Any) -> None:
        # Django's change message names the changed fields (JSON, language-neutral), not values.
        text = message if isinstance(message, str) else json.dumps(message, ensure_ascii=False)
        item = Item(obj._meta.model_name, str(obj.pk))
        record(request.user, action, [item], via=["admin"], reason=text[:1000])  # type: ignore[arg-type]

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, Action.CREATE, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, Action.UPDATE, message)
        return super().log_change(request, obj, message)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class TeamInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Team
    extra = 0

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["code", "name", "org_type", "province", "is_active"]
    list_filter = ["org_type", "province", "is_active"]
    search_fields = ["code", "name"]
    inlines = [TeamInline]


class MembershipForm(forms.ModelForm):  # type: ignore[type-arg]
    request_user: Any = None

    class Meta:
        model = Membership
        fields = ["user", "agency", "role", "team", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = data.get("user") or getattr(self.instance, "user", None)
        if self.request_user is not None and user is not None and user.pk == self.request_user.pk:
            raise ValidationError(_("Another administrator must change your own memberships."))
        return data


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    form = MembershipForm
    list_display = ["user", "agency", "role", "team", "is_active"]
    list_filter = ["role", "agency", "is_active"]
    search_fields = ["user__username", "agency__code"]
    autocomplete_fields = ["user", "agency"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user  # type: ignore[attr-defined]
        return form
