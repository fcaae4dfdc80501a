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

from casebridge.agencies.actions import (
    administered_agencies,
    is_platform_administrator,
    manageable_users,
    membership_saved,
)
from casebridge.agencies.models import DIRECTORY_FIELDS, Agency, Membership, Service, SpecialNeed, Team
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.forms import COMMON_LANGUAGES
from casebridge.people.models import Gender


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


class ScopedToAgencies:
    """An administrator manages their own agencies only; a platform administrator, every one."""

    agency_path = "agency"

    def scoped(self, request: HttpRequest, queryset: Any) -> Any:
        agencies = administered_agencies(request.user)  # type: ignore[arg-type]
        return queryset if agencies is None else queryset.filter(**{f"{self.agency_path}__in": agencies})

    def limit_agencies(self, request: HttpRequest, db_field: Any, kwargs: dict[str, Any]) -> None:
        agencies = administered_agencies(request.user)  # type: ignore[arg-type]
        if agencies is None:
            return
        if db_field.name == "agency":
            kwargs["queryset"] = Agency.objects.filter(pk__in=agencies)
        elif db_field.name == "team":
            kwargs["queryset"] = Team.objects.filter(agency_id__in=agencies)


class AgencyForm(forms.ModelForm):  # type: ignore[type-arg]
    """Services and staff languages as boxes to tick, not JSON to type."""

    services = forms.MultipleChoiceField(
        label=_("Services"), choices=Service.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    staff_languages = forms.MultipleChoiceField(
        label=_("Languages its staff speak"),
        choices=COMMON_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    sexes = forms.MultipleChoiceField(
        label=_("Sexes it takes"), choices=Gender.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    special_needs = forms.MultipleChoiceField(
        label=_("Special needs it is equipped for"),
        choices=SpecialNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    nationalities = forms.CharField(
        label=_("Nationalities it takes"),
        required=False,
        help_text=_("ISO 3166 codes, separated by commas (KH, VN); empty: any."),
    )

    class Meta:
        model = Agency
        fields = [
            "name",
            "name_km",
            "name_vi",
            "code",
            "org_type",
            "province",
            "parent",
            "is_active",
            *DIRECTORY_FIELDS,
            "crisis_window_hours",
            "crisis_alert_hours",
            "female_officer_for_girls",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.nationalities:
            self.initial["nationalities"] = ", ".join(self.instance.nationalities)

    def clean_nationalities(self) -> list[str]:
        from casebridge.lib.codes import country_codes

        codes = [c.strip().upper() for c in self.cleaned_data["nationalities"].split(",") if c.strip()]
        unknown = [c for c in codes if c not in country_codes()]
        if unknown:
            raise ValidationError(_("Unknown country code: %(code)s.") % {"code": ", ".join(unknown)})
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("The oldest age is at least the youngest."))
        return data


class PlatformAdmin(AuditedAdmin):
    """Configuration that applies to every agency's survivors (placement rules, wellbeing
    instruments, charge codes): added and changed only by the platform's administrators."""

    def _platform(self, request: HttpRequest) -> bool:
        return is_platform_administrator(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._platform(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._platform(request) and super().has_change_permission(request, obj)


@admin.register(Agency)
class AgencyAdmin(ScopedToAgencies, AuditedAdmin):
    form = AgencyForm
    list_display = ["code", "name", "org_type", "province", "is_active", "is_platform"]
    list_filter = ["org_type", "province", "is_active"]
    search_fields = ["code", "name", "name_km", "name_vi"]
    readonly_fields = ["is_platform"]
    inlines = [TeamInline]
    agency_path = "pk"

    def get_queryset(self, request: HttpRequest) -> Any:
        return self.scoped(request, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new agency is a new set of people who may reach survivors: the platform adds it.
        return is_platform_administrator(request.user) and super().has_add_permission(request)  # type: ignore[arg-type]


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


@admin.display(description=_("approval"))
def approval(membership: Membership) -> str:
    if not membership.needs_approval:
        return str(_("not needed"))
    if membership.approved_at is None:
        return str(_("waiting for a privacy officer"))
    return str(_("approved"))


@admin.register(Membership)
class MembershipAdmin(ScopedToAgencies, AuditedAdmin):
    form = MembershipForm
    list_display = ["user", "agency", "role", "team", "is_active", approval]
    list_filter = ["role", "agency", "is_active"]
    search_fields = ["user__username", "agency__code"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return self.scoped(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self.limit_agencies(request, db_field, kwargs)
        if db_field.name == "user":
            kwargs["queryset"] = manageable_users(request.user)  # type: ignore[arg-type]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A membership does not move to another person or agency: end it and set up another.
        return ["user", "agency"] if obj is not None else []

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user  # type: ignore[attr-defined]
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        membership_saved(obj, actor=request.user, created=not change, changed=form.changed_data)  # type: ignore[arg-type]
