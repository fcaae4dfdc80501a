"""Charge codes (the articles of the 2008 law), administered here by the platform's administrators;
every change is audited, none deleted (take one out of use)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from casebridge.agencies.actions import is_platform_administrator
from casebridge.agencies.admin import AuditedAdmin
from casebridge.legal.models import ChargeCode


@admin.register(ChargeCode)
class ChargeCodeAdmin(AuditedAdmin):
    list_display = ["article", "title", "penalty", "minor_aggravates", "active"]
    list_filter = ["active", "minor_aggravates"]

    def _platform(self, request: HttpRequest) -> bool:
        return is_platform_administrator(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._platform(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._platform(request) and super().has_change_permission(request, obj)
