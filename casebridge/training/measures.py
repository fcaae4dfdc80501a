"""Counts of officials trained for measurement, over every agency's training: aggregates only,
never a row or a name. The indicators app publishes them through its disclosure control."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncQuarter

from casebridge.training.models import Participant


def trained(by: str) -> list[tuple[Any, int]]:
    """Participants who attended, counted by ``by``: "quarter" (of the event's first day),
    "role" or "sex"."""
    rows = Participant.objects.filter(attended=True)
    if by == "quarter":
        rows = rows.annotate(quarter=TruncQuarter("event__starts_on"))
    return [(r[by], r["n"]) for r in rows.values(by).annotate(n=Count("id")).order_by(by)]
