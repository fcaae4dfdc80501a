"""Counts of officials trained for measurement, over every agency's training: aggregates only,
never a row or a name. The indicators app publishes them through its disclosure control."""

from __future__ import annotations

import datetime

from django.db.models import Count

from casebridge.cases.measures import Row, by_facts
from casebridge.training.models import Participant


def trained(before: datetime.date) -> list[Row]:
    """Participants who attended, by the quarter of the event's first day, their role, sex and
    agency (its code, or "" for an organisation that is not an agency here), of the events that
    started before ``before``."""
    attended = Participant.objects.filter(attended=True, event__starts_on__lt=before)
    return by_facts(
        attended, "event__starts_on", facts={"role": "role", "sex": "sex", "agency": "agency__code"}, n=Count("id")
    )
