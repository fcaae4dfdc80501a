"""Administrators manage agencies, teams and memberships here. No case data is registered in
the admin: administrators do not read case content."""

from django.contrib import admin

from casebridge.agencies.models import Agency, Membership, Team


class TeamInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Team
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "org_type", "province", "is_active"]
    list_filter = ["org_type", "province", "is_active"]
    search_fields = ["code", "name"]
    inlines = [TeamInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "agency", "role", "team", "is_active"]
    list_filter = ["role", "agency", "is_active"]
    search_fields = ["user__username", "agency__code"]
    autocomplete_fields = ["user", "agency"]
