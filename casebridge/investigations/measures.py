"""Counts of what operations found, for measurement: aggregates only, never a row (decision 11).
The indicators app publishes them through its disclosure control (no cell under 11)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from casebridge.cases.measures import Row, by_facts, moment
from casebridge.investigations.models import Arrest, Minor, Outcome, Screening


def identified(before: datetime.date) -> list[Row]:
    """Victims identified (a survivor case opened from her screening), by the quarter of the
    operation and her case's intake facts, with the minors among them (under 18 or borderline,
    as the screening found)."""
    when = Coalesce("encounter__operation__carried_out_at", "screened_at")
    records = Screening.objects.filter(outcome=Outcome.CASE).annotate(found_at=when).filter(found_at__lt=moment(before))
    return by_facts(
        records, "found_at", n=Count("id"), minors=Count("id", filter=Q(minor__in=[Minor.YES, Minor.BORDERLINE]))
    )


def arrested(before: datetime.date) -> list[Row]:
    """Suspects arrested (arrests not withdrawn), by the quarter of the operation and its agency."""
    when = Coalesce("operation__carried_out_at", "recorded_at")
    records = Arrest.objects.standing().annotate(at=when).filter(at__lt=moment(before))
    return by_facts(records, "at", facts={"agency": "operation__agency__code"}, n=Count("subject", distinct=True))
