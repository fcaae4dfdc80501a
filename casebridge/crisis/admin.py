"""Placement rules, administered here by the platform's administrators (the rules apply to
every agency's survivors); every change is audited, none deleted (deactivate instead)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from casebridge.agencies.admin import PlatformAdmin
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
class PlacementRuleAdmin(PlatformAdmin):
    form = PlacementRuleForm
    list_display = ["priority", "name", "service", "staff_language", "agency", "is_active"]
    list_filter = ["is_active"]
