"""Asking for a period report: checked, saved and queued for the background worker at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.indicators.access import reads_indicators
from casebridge.indicators.forms import IndicatorFilterForm
from casebridge.indicators.models import Report, ReportStatus
from casebridge.lib.errors import Conflict, NotAllowed

if TYPE_CHECKING:
    from casebridge.accounts.models import User

MOST_WAITING = 3  # reports of one person queued or being made at once


@transaction.atomic
def do_request_report(*, actor: User, filters: Mapping[str, Any]) -> Report:
    from casebridge.indicators.report import make_report

    if not reads_indicators(actor):
        raise NotAllowed(_("Only programme managers read the indicators."))
    form = IndicatorFilterForm({k: v for k, v in filters.items() if k in IndicatorFilterForm.base_fields})
    if not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    waiting = Report.objects.visible_to(actor).filter(status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING])
    if waiting.count() >= MOST_WAITING:
        raise Conflict(_("Three of your reports are still being made: wait for them first."))
    kept = {k: v for k, v in form.data.items() if v not in (None, "")}
    report = Report.objects.create(requested_by=actor, filters=kept, language=get_language() or "en")
    make_report.enqueue(str(report.pk))  # the database queue: saved with the report, or not at all
    record(actor, Action.CREATE, [Item("indicator_report", str(report.pk), None, (), ("indicators",))])
    return report
