"""Counts of cases for measurement: aggregates only, never a row, from the coarse intake facts
kept in plain columns (decision 0007). The indicators app publishes them through its disclosure
control (no cell under 11); nothing here is shown as it is."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncQuarter

from casebridge.agencies.models import OrgType
from casebridge.cases.models import Case, ClosureReason

GOVERNMENT = (OrgType.CENTRAL_GOVERNMENT, OrgType.LOCAL_GOVERNMENT)


def government_led(before: datetime.date, among: Q | None = None) -> list[tuple[datetime.date, int, int]]:
    """(quarter, cases opened in it, of which led now by a government agency), by quarter, over
    every case opened before ``before`` but those closed as duplicates of another; ``among``:
    only the cases with these intake facts (province, age band, sex, nationality)."""
    rows = (
        Case.objects.exclude(closure_reason=ClosureReason.DUPLICATE)
        .filter(among or Q(), opened_on__lt=before)
        .annotate(quarter=TruncQuarter("opened_on"))
        .values("quarter")
        .annotate(total=Count("id"), government=Count("id", filter=Q(lead_agency__org_type__in=GOVERNMENT)))
        .order_by("quarter")
    )
    return [(r["quarter"], r["total"], r["government"]) for r in rows]
