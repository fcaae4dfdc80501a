"""Wellbeing instruments, administered here by the platform's administrators (counsellors of every
agency score sessions on them); every change is audited, none deleted (take one out of use)."""

from __future__ import annotations

from django.contrib import admin

from casebridge.agencies.admin import PlatformAdmin
from casebridge.restoration.models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(PlatformAdmin):
    list_display = ["name", "code", "min_score", "max_score", "higher_is_better", "active"]
    list_filter = ["active"]
