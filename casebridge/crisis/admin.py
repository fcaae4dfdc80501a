"""Placement rules, administered here by the platform's administrators (the rules apply to
every agency's survivors); every change is audited, none deleted (deactivate instead)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.actions import is_platform_administrator
from casebridge.agencies.admin import AuditedAdmin
from casebridge.agencies.models import Service
from casebridge.crisis.models import RULE_FIELDS, PlacementRule
from casebridge.people.models import Gender


class PlacementRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    service = forms.ChoiceField(label=_("a partner offering"), choices=[("", "—"), *Service.choices], required=False)
    sex = forms.ChoiceField(label=_("her sex"), choices=[("", "—"), *Gender.choices], required=False)

    class Meta:
        model = PlacementRule
        fields = [*RULE_FIELDS, "is_active"]


@admin.register(PlacementRule)
class PlacementRuleAdmin(AuditedAdmin):
    form = PlacementRuleForm
    list_display = ["priority", "name", "service", "staff_language", "agency", "is_active"]
    list_filter = ["is_active"]

    def _platform(self, request: HttpRequest) -> bool:
        return is_platform_administrator(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._platform(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._platform(request) and super().has_change_permission(request, obj)
