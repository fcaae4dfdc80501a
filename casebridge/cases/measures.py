"""Counts of cases for measurement: aggregates only, never a row, from the coarse intake facts
kept in plain columns (decision 0007). The indicators app publishes them through its disclosure
control (no cell under 11); nothing here is shown as it is."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Func, IntegerField, Q, QuerySet
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from casebridge.agencies.models import OrgType
from casebridge.cases.models import Case, ClosureReason

GOVERNMENT = (OrgType.CENTRAL_GOVERNMENT, OrgType.LOCAL_GOVERNMENT)


def government_led(before: datetime.date, within: Within = None) -> list[Row]:
    """Cases opened and entered before ``before`` (but those closed as duplicates of another), by
    the quarter they were opened and their intake facts, and those led now by a government
    agency."""
    cases = Case.objects.exclude(closure_reason=ClosureReason.DUPLICATE).filter(
        opened_on__lt=before, created_at__lt=moment(before)
    )
    return by_facts(
        cases,
        "opened_on",
        case="",
        entity=("id", within),
        n=Count("id"),
        government=Count("id", filter=Q(lead_agency__org_type__in=GOVERNMENT)),
    )


# The intake facts a count about survivors is broken down by, as paths from a record's case.
FACTS = {
    "province": "province",
    "agency": "lead_agency__code",
    "age_band": "age_band",
    "sex": "sex",
    "nationality": "nationality",
}
Row = tuple[datetime.date, dict[str, Any], dict[str, int]]
# Which records a measure counts, by the one they belong to (a survivor's case, a proceeding, a
# suspect: ``indicators.tally`` keeps what each adds): all (None), those of a list of ids, or of
# the ids from one to another (inclusive).
Within = list[Any] | tuple[Any, Any] | None


def moment(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` where the platform runs, to compare with a time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def by_facts(
    records: QuerySet[Any],
    when: Any,
    case: str = "case",
    facts: dict[str, str] | None = None,
    group: dict[str, Any] | None = None,
    entity: tuple[str, Within] | None = None,
    **counts: Any,
) -> list[Row]:
    """(quarter of ``when``, the groups it falls in, ``counts``), one row for each that occur:
    grouped counts of ``records``, for the indicators. The groups are her case's intake facts
    (``case``: the path from a record to the survivor's case, "" for a case), or ``facts`` (name:
    path), and the expressions of ``group`` (such as a number of days); with ``entity`` (the path
    to the id of what a record belongs to, and which of those to count), also by that id, as
    the group "entity". Nothing else is read: no name, no note, no row."""
    prefix = f"{case}__" if case else ""
    paths = {f"f_{name}": F(path) for name, path in (facts or {n: prefix + p for n, p in FACTS.items()}).items()}
    paths |= {f"f_{name}": expression for name, expression in (group or {}).items()}
    if entity:
        path, within = entity
        paths["f_entity"] = F(path)
        if isinstance(within, tuple):
            records = records.filter(**{f"{path}__gte": within[0], f"{path}__lte": within[1]})
        elif within is not None:
            records = records.filter(**{f"{path}__in": within})
    rows = (
        records.annotate(quarter=TruncQuarter(when), **paths)
        .values("quarter", *paths)
        .annotate(**counts)
        .order_by("quarter", *paths)
    )
    found = []
    for r in rows:
        day = r["quarter"]
        day = timezone.localdate(day) if isinstance(day, datetime.datetime) else day
        found.append((day, {k[2:]: "" if r[k] is None else r[k] for k in paths}, {k: r[k] for k in counts}))
    return found


class Days(Func):
    """``Days(end, start)``: the whole calendar days from one date to another, in the database."""

    output_field = IntegerField()
    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )
