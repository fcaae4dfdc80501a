"""Counts of cases for measurement: aggregates only, never a row, from the coarse intake facts
kept in plain columns (decision 0007). The indicators app publishes them through its disclosure
control (no cell under 11); nothing here is shown as it is."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncQuarter

from casebridge.agencies.models import OrgType
from casebridge.cases.models import Case

GOVERNMENT = (OrgType.CENTRAL_GOVERNMENT, OrgType.LOCAL_GOVERNMENT)
FILTERS = {
    "province": "province",
    "agency": "lead_agency_id",
    "age_band": "age_band",
    "sex": "sex",
    "nationality": "nationality",
}


def _cases(starts: datetime.date | None, ends: datetime.date | None, filters: Mapping[str, Any]) -> Any:
    rows = Case.objects.all()
    if starts:
        rows = rows.filter(opened_on__gte=starts)
    if ends:
        rows = rows.filter(opened_on__lte=ends)
    return rows.filter(**{FILTERS[k]: v for k, v in filters.items() if v not in (None, "")})


def government_led(
    starts: datetime.date | None, ends: datetime.date | None, filters: Mapping[str, Any]
) -> list[tuple[datetime.date, int, int]]:
    """(quarter, cases opened in it, of which led now by a government agency), by quarter."""
    rows = (
        _cases(starts, ends, filters)
        .annotate(quarter=TruncQuarter("opened_on"))
        .values("quarter")
        .annotate(total=Count("id"), government=Count("id", filter=Q(lead_agency__org_type__in=GOVERNMENT)))
        .order_by("quarter")
    )
    return [(r["quarter"], r["total"], r["government"]) for r in rows]
