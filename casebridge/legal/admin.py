"""Charge codes (the articles of the 2008 law), administered here by the platform's administrators;
every change is audited, none deleted (take one out of use)."""

from __future__ import annotations

from django.contrib import admin

from casebridge.agencies.admin import PlatformAdmin
from casebridge.legal.models import ChargeCode


@admin.register(ChargeCode)
class ChargeCodeAdmin(PlatformAdmin):
    list_display = ["article", "title", "penalty", "minor_aggravates", "active"]
    list_filter = ["active", "minor_aggravates"]
