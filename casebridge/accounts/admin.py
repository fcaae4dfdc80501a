from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from casebridge.accounts.models import User
from casebridge.agencies.models import Membership


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    fk_name = "user"


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]
