"""Counts of officials trained for measurement, over every agency's training: aggregates only,
never a row or a name. The indicators app publishes them through its disclosure control."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.db.models.functions import TruncQuarter

from casebridge.training.models import Participant


def trained(before: datetime.date) -> list[tuple[datetime.date, str, str, str, int]]:
    """(quarter of the event's first day, role, sex, agency code or "" for an organisation
    that is not an agency here, participants who attended), one row for each that occur, of the
    events that started before ``before``."""
    rows = (
        Participant.objects.filter(attended=True, event__starts_on__lt=before)
        .annotate(quarter=TruncQuarter("event__starts_on"))
        .values("quarter", "role", "sex", "agency__code")
        .annotate(n=Count("id"))
        .order_by("quarter", "role", "sex", "agency__code")
    )
    return [(r["quarter"], r["role"], r["sex"], r["agency__code"] or "", r["n"]) for r in rows]
