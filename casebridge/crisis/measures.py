"""Counts of crisis care, for measurement: aggregates only, never a row (decision 11). The
indicators app publishes them through its disclosure control (no cell under 11). Each counts
only what was on record before the month counted ends (``before``): a record entered this month
counts from next month, so that no figure changes by one record within a month."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from casebridge.cases.measures import Days, Row, Within, by_facts, moment
from casebridge.crisis.models import Episode, EpisodeOutcome, Incident
from casebridge.restoration.models import Placement


def windows(before: datetime.date, within: Within = None) -> list[Row]:
    """Crisis-care episodes ended (but those she never came to), by the quarter they started,
    and those whose minimum window had someone with her throughout."""
    start = moment(before)
    records = Episode.objects.filter(ended_at__lt=start, created_at__lt=start, covered__isnull=False).exclude(
        outcome=EpisodeOutcome.NOT_NEEDED
    )
    return by_facts(
        records, "starts_at", entity=("case_id", within), n=Count("id"), covered=Count("id", filter=Q(covered=True))
    )


def incidents(before: datetime.date, within: Within = None) -> list[Row]:
    """Safeguard incidents (a cell, a suspect in sight or hearing), by the quarter they happened."""
    records = Incident.objects.filter(occurred_at__lt=moment(before), reported_at__lt=moment(before))
    return by_facts(records, "occurred_at", case="episode__case", entity=("episode__case_id", within), n=Count("id"))


def days_to_placement(before: datetime.date, within: Within = None) -> list[Row]:
    """Placements out of crisis care, by the quarter of the placement and the whole days from
    the start of her crisis care to it."""
    start = moment(before)
    records = Placement.objects.filter(episode__isnull=False, started_at__lt=start, decided_at__lt=start)
    days = Days(TruncDate("started_at"), TruncDate("episode__starts_at"))
    return by_facts(records, "started_at", group={"days": days}, entity=("case_id", within), n=Count("id"))
