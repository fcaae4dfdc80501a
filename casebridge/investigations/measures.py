"""Counts of what operations found, for measurement: aggregates only, never a row (decision 11).
The indicators app publishes them through its disclosure control (no cell under 11)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from casebridge.cases.measures import Row, Within, by_facts, moment
from casebridge.cases.models import ClosureReason
from casebridge.investigations.models import Arrest, Minor, Outcome, Screening


def identified(before: datetime.date, within: Within = None) -> list[Row]:
    """Victims identified and removed to safety (a survivor case opened from her screening, not
    closed as a duplicate), by the quarter of the operation and her case's intake facts, with
    the minors among them (under 18 or borderline, as the screening found). Only what was on
    record before ``before``: a case opened this month from last month's operation counts from
    next month, so that no figure changes by one record within a month."""
    when = Coalesce("encounter__operation__carried_out_at", "screened_at")
    records = (
        Screening.objects.filter(outcome=Outcome.CASE, encounter__removed=True, case__created_at__lt=moment(before))
        .exclude(case__closure_reason=ClosureReason.DUPLICATE)
        .annotate(found_at=when)
        .filter(found_at__lt=moment(before))
    )
    return by_facts(
        records,
        "found_at",
        entity=("case_id", within),
        n=Count("id"),
        minors=Count("id", filter=Q(minor__in=[Minor.YES, Minor.BORDERLINE])),
    )


def arrested(before: datetime.date, within: Within = None) -> list[Row]:
    """Arrests standing at ``before`` (recorded before it, not withdrawn before it), by the
    quarter of the operation and its agency; a suspect arrested in two quarters counts in each."""
    start = moment(before)
    when = Coalesce("operation__carried_out_at", "recorded_at")
    standing = Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=start)
    records = Arrest.objects.filter(standing, recorded_at__lt=start).annotate(at=when).filter(at__lt=start)
    return by_facts(
        records,
        "at",
        facts={"agency": "operation__agency__code"},
        entity=("subject_id", within),
        n=Count("subject", distinct=True),
    )
